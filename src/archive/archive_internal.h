// Internal: manifest read/write shared by the archive reader and writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/progress.h"
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

// Serialises one segment holding `images` (validated: ids unique, classes < class_count,
// scores in (0, 1], finite corners). Entity blocks are filled on `threads` threads (0 = all
// cores); the bytes do not depend on it. `progress` (may be null) advances by one per image.
std::string BuildSegment(const std::vector<ImageRecord>& images, int class_count, ProgressBar* progress,
                         int threads);
// A segment file name not listed and not present in `dir` (advances manifest.next_segment).
std::string FreshSegmentName(const std::string& dir, Manifest& manifest);

}  // namespace georune::archive_internal
