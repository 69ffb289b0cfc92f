// Internal: manifest read/write shared by the archive reader and writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune::archive_internal {

struct SegmentEntry {
  std::string file;         // file name inside the archive folder
  uint64_t size = 0;        // bytes
  uint64_t index_checksum = 0;  // must equal the segment header's index checksum
  uint64_t images = 0, entities = 0;
};

struct Manifest {
  std::string ontology_json;
  std::vector<SegmentEntry> segments;
  uint64_t next_segment = 1;
};

// Reads <dir>/MANIFEST: kNotFound if absent, kCorrupt if damaged, with the file named.
Result<Manifest> ReadManifest(const std::string& dir);
std::string EncodeManifest(const Manifest& manifest);
std::string ManifestPath(const std::string& dir);

}  // namespace georune::archive_internal
