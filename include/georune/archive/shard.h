// Shards: one archive split by image into N archives of balanced entity count, for queries that
// run on several machines (docs/scale-out.md).
//
// A shard set is a folder DIR holding shard-000/, shard-001/, … (each an ordinary archive, see
// archive.h) and DIR/shards.json, the manifest listing them:
//   {"format": "georune-shards", "version": 1, "ontology": NAME,
//    "shards": [{"path": "shard-000", "images": I, "entities": E}, …], "checksum": "HEX"}
// `checksum` is the XXH3-64 (hex) of the compact dump of the "shards" array; a manifest that
// fails it, or has another format or a newer version, is refused with kCorrupt.
//
// Balance: images are dealt largest first (by entity count, ties by input order) to the shard
// with the fewest entities so far (ties: the lowest shard number); each shard keeps its images
// in the source archive's order. Image ids are unique across the set (the shard ingest checks).
// Queries rank by score, then image id, so the merged top k of the shards equals the top k of
// the unsplit archive exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/archive/records.h"
#include "georune/common/status.h"

namespace georune {

inline constexpr char kShardManifestName[] = "shards.json";

struct ShardEntry {
  std::string path;  // relative to the shard set's folder
  uint64_t images = 0, entities = 0;
};

struct ShardManifest {
  std::string ontology;  // the ontology's name
  std::vector<ShardEntry> shards;
};

// Reads DIR/shards.json: kNotFound if absent, kCorrupt if damaged (named).
Result<ShardManifest> ReadShardManifest(const std::string& dir);
// The folder of a shard of the set at `dir`: DIR/<shard.path>.
std::string ShardPath(const std::string& dir, const ShardEntry& shard);

// The shard (0..loads.size()-1) of each record, dealt as described above starting from the
// shards' current entity counts `loads` (which it updates).
std::vector<uint32_t> AssignToShards(const std::vector<ImageRecord>& images, std::vector<uint64_t>& loads);

struct ShardOptions {
  int threads = 0;  // threads that build each shard's segment; 0 = all cores
  bool show_progress = false;
};

// Splits the archive at `source` into `shards` archives under `out` (which must not exist or be
// an empty folder) and writes out/shards.json last. Holds every entity of the source in memory
// while it runs (measured: 2.4 GB peak for 15 M entities). kInvalidInput for shards < 1 or more shards
// than images, or an `out` that is not empty; on any failure `out` is removed again (when this
// call created it) or emptied, so nothing half-written remains.
Result<ShardManifest> ShardArchive(const std::string& source, const std::string& out, uint32_t shards,
                                   const ShardOptions& options = {});

// Adds images to the shard set at `dir` (`ingest --shard-of`), dealt by AssignToShards from the
// shards' entity counts, then rewrites shards.json. kInvalidInput if an image id is already in
// any shard or repeats in `images`, or the ontology differs from the set's. All or nothing: if
// appending to one shard fails, the shards already appended are restored to their previous
// manifest (their new segment files removed) and shards.json is left as it was.
Result<ShardManifest> AppendToShards(const std::string& dir, const Ontology& ontology, std::vector<ImageRecord> images,
                                     const IngestOptions& options = {});

}  // namespace georune
