// Internal: manifest read/write shared by the archive reader and writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/archive/records.h"
#include "georune/common/progress.h"
#include "georune/common/status.h"
#include "georune/common/store_lock.h"

namespace georune::archive_internal {

struct SegmentEntry {
  std::string file;             // file name inside the archive folder
  uint64_t size = 0;            // bytes
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
std::string BuildSegment(const std::vector<ImageRecord>& images, int class_count, ProgressBar* progress, int threads);
// Image `image` of `archive` as the record an ingest would have built (metadata, georeference,
// entities with their polygons). The caller has checked the image (Archive::CheckImage).
ImageRecord RecordOf(const Archive& archive, uint32_t image);
// A segment file name not listed and not present in `dir` (advances manifest.next_segment).
std::string FreshSegmentName(const std::string& dir, Manifest& manifest);

// Recovery, under the writer lock (recovery.cpp): removes the temporary files of dead
// processes and every segment file that `manifest` does not list (null: no manifest, so every
// segment file is unlisted) -- what a killed ingest or compaction left behind.
void RemoveOrphans(const std::string& dir, const Manifest* manifest);
// The writer lock of the archive at `dir` (docs/formats.md, "Locking").
Result<WriterLock> LockArchive(const std::string& dir, double wait_seconds, bool create_dir);
// CompactArchive without taking the lock (the caller holds it).
Result<CompactReport> CompactLocked(const std::string& dir, const CompactOptions& options);

}  // namespace georune::archive_internal
