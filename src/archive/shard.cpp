// Shard sets: split an archive by image into balanced archives; shards.json; shard ingest.
#include "georune/archive/shard.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/common/coding.h"
#include "georune/common/diagnostic.h"

namespace georune {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr char kFormat[] = "georune-shards";
constexpr int kVersion = 1;

ordered_json ShardsJson(const ShardManifest& m) {
  ordered_json shards = ordered_json::array();
  for (const auto& s : m.shards) shards.push_back({{"path", s.path}, {"images", s.images}, {"entities", s.entities}});
  return shards;
}

Status WriteShardManifest(const std::string& dir, const ShardManifest& m) {
  ordered_json shards = ShardsJson(m);
  ordered_json j = {{"format", kFormat},
                    {"version", kVersion},
                    {"ontology", m.ontology},
                    {"shards", shards},
                    {"checksum", coding::Hex16(Checksum64(shards.dump()))}};
  return WriteFileAtomic((fs::path(dir) / kShardManifestName).string(), j.dump(2) + "\n");
}

Status Damaged(const std::string& path, const std::string& what) {
  return FileDiagnostic(path, 0, "damaged shard manifest: " + what, "rebuild the shard set from its archive")
      .ToStatus(StatusCode::kCorrupt);
}

// Every image of an archive as records (entity blocks verified first).
Result<std::vector<ImageRecord>> ReadAllRecords(const Archive& archive) {
  std::vector<ImageRecord> out(archive.ImageCount());
  for (uint32_t i = 0; i < archive.ImageCount(); ++i) {
    GEORUNE_RETURN_IF_ERROR(archive.CheckImage(i));
    out[i] = archive_internal::RecordOf(archive, i);
  }
  return out;
}

// The records of each shard, in input order.
std::vector<std::vector<ImageRecord>> Deal(std::vector<ImageRecord> images, std::vector<uint64_t>& loads) {
  std::vector<uint32_t> shard = AssignToShards(images, loads);
  std::vector<std::vector<ImageRecord>> parts(loads.size());
  for (size_t i = 0; i < images.size(); ++i) parts[shard[i]].push_back(std::move(images[i]));
  return parts;
}

std::string ShardName(size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shard-%03zu", i);
  return buf;
}

// What a shard's folder held before an append, to undo it.
struct ShardSnapshot {
  std::string dir;
  std::string manifest;
  std::set<std::string> files;
};

Result<ShardSnapshot> Snapshot(const std::string& dir) {
  ShardSnapshot s{dir, {}, {}};
  GEORUNE_ASSIGN_OR_RETURN(s.manifest, ReadFile((fs::path(dir) / archive_format::kManifestName).string()));
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) s.files.insert(e.path().filename().string());
  if (ec) return Status::IoError(dir + ": cannot list: " + ec.message());
  return s;
}

void Restore(const ShardSnapshot& s) {
  (void)WriteFileAtomic((fs::path(s.dir) / archive_format::kManifestName).string(), s.manifest);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(s.dir, ec)) {
    if (!s.files.count(e.path().filename().string())) fs::remove(e.path(), ec);
  }
}

// Refuses ids already in a shard or repeated in `images`.
Status CheckIdsUnique(const std::vector<const Archive*>& shards, const std::vector<ImageRecord>& images) {
  std::unordered_set<std::string_view> seen;
  for (const Archive* a : shards) {
    for (uint32_t i = 0; i < a->ImageCount(); ++i) seen.insert(a->ImageId(i));
  }
  for (const auto& r : images) {
    if (!seen.insert(r.id).second)
      return Status::InvalidInput("image id '" + r.id +
                                  "' is already in the shard set (or repeats in the input)\n  hint: image ids "
                                  "must be unique across all shards");
  }
  return Status::Ok();
}

}  // namespace

std::string ShardPath(const std::string& dir, const ShardEntry& shard) { return (fs::path(dir) / shard.path).string(); }

std::vector<uint32_t> AssignToShards(const std::vector<ImageRecord>& images, std::vector<uint64_t>& loads) {
  std::vector<size_t> order(images.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return images[a].entities.size() > images[b].entities.size(); });
  // A min-heap of (load, shard) would be O(log N); N is small (shards), so a scan is as fast.
  std::vector<uint32_t> shard(images.size(), 0);
  for (size_t i : order) {
    size_t best = std::min_element(loads.begin(), loads.end()) - loads.begin();
    shard[i] = static_cast<uint32_t>(best);
    loads[best] += images[i].entities.size();
  }
  return shard;
}

Result<ShardManifest> ReadShardManifest(const std::string& dir) {
  const std::string path = (fs::path(dir) / kShardManifestName).string();
  auto data = ReadFile(path);
  if (!data.ok()) {
    if (data.status().code() == StatusCode::kNotFound)
      return FileDiagnostic(dir, 0, "no shard set here (no " + std::string(kShardManifestName) + ")",
                            "split an archive into a shard set in this folder")
          .ToStatus(StatusCode::kNotFound);
    return data.status();
  }
  ordered_json j = ordered_json::parse(*data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Damaged(path, "not a JSON object");
  if (j.value("format", "") != kFormat) return Damaged(path, "\"format\" is not \"georune-shards\"");
  if (!j["version"].is_number_integer() || j["version"].get<int>() < 1) return Damaged(path, "bad \"version\"");
  if (j["version"].get<int>() > kVersion)
    return Status::Corrupt(path + ": shard manifest version " + std::to_string(j["version"].get<int>()) +
                           " is newer than this georune supports\n  hint: upgrade georune");
  const ordered_json& shards = j["shards"];
  if (!shards.is_array() || shards.empty()) return Damaged(path, "\"shards\" is not a non-empty array");
  if (!j["checksum"].is_string() || j["checksum"].get<std::string>() != coding::Hex16(Checksum64(shards.dump())))
    return Damaged(path, "checksum mismatch");
  ShardManifest m;
  m.ontology = j.value("ontology", "");
  for (const auto& s : shards) {
    if (!s.is_object() || !s["path"].is_string() || !s["images"].is_number_unsigned() ||
        !s["entities"].is_number_unsigned())
      return Damaged(path, "bad shard entry");
    m.shards.push_back({s["path"].get<std::string>(), s["images"].get<uint64_t>(), s["entities"].get<uint64_t>()});
  }
  return m;
}

Result<ShardManifest> ShardArchive(const std::string& source, const std::string& out, uint32_t shards,
                                   const ShardOptions& options) {
  if (shards < 1) return PlainDiagnostic("the number of shards must be at least 1").With(Setting::kShards).ToStatus();
  GEORUNE_ASSIGN_OR_RETURN(auto archive, Archive::Open(source));
  if (shards > archive->ImageCount())
    return Status::InvalidInput("cannot split " + std::to_string(archive->ImageCount()) + " images into " +
                                std::to_string(shards) + " shards\n  hint: use at most one shard per image");
  std::error_code ec;
  const bool existed = fs::exists(out, ec);
  if (existed && (!fs::is_directory(out, ec) || !fs::is_empty(out, ec)))
    return FileDiagnostic(out, 0, "exists and is not an empty folder", "write the shard set to a new folder")
        .With(Setting::kOutput)
        .ToStatus();
  GEORUNE_ASSIGN_OR_RETURN(std::vector<ImageRecord> records, ReadAllRecords(*archive));
  const Ontology ontology = archive->ontology();  // a copy: the archive is closed before writing
  archive.reset();
  std::vector<uint64_t> loads(shards, 0);
  auto parts = Deal(std::move(records), loads);
  ShardManifest m{ontology.name(), {}};
  IngestOptions iopt;
  iopt.threads = options.threads;
  iopt.show_progress = options.show_progress;
  auto cleanup = [&](Status s) -> Status {
    if (existed) {
      for (const auto& e : fs::directory_iterator(out, ec)) fs::remove_all(e.path(), ec);
    } else {
      fs::remove_all(out, ec);
    }
    return s;
  };
  if (!fs::create_directories(out, ec) && ec) return Status::IoError(out + ": cannot create: " + ec.message());
  for (size_t i = 0; i < parts.size(); ++i) {
    ShardEntry e{ShardName(i), parts[i].size(), loads[i]};
    auto r = AppendToArchive(ShardPath(out, e), ontology, std::move(parts[i]), iopt);
    if (!r.ok()) return cleanup(r.status());
    m.shards.push_back(e);
  }
  Status written = WriteShardManifest(out, m);
  if (!written.ok()) return cleanup(written);
  return m;
}

Result<ShardManifest> AppendToShards(const std::string& dir, const Ontology& ontology, std::vector<ImageRecord> images,
                                     const IngestOptions& options) {
  GEORUNE_ASSIGN_OR_RETURN(ShardManifest m, ReadShardManifest(dir));
  std::vector<uint64_t> loads;
  {
    std::vector<std::unique_ptr<Archive>> opened;
    std::vector<const Archive*> views;
    for (const auto& s : m.shards) {
      GEORUNE_ASSIGN_OR_RETURN(auto a, Archive::Open(ShardPath(dir, s)));
      if (a->ontology().ToJson() != ontology.ToJson())
        return Status::InvalidInput(ShardPath(dir, s) + ": the shard was built with the ontology '" +
                                    a->ontology().name() + "', not '" + ontology.name() + "'");
      loads.push_back(a->EntityCount());
      views.push_back(a.get());
      opened.push_back(std::move(a));
    }
    GEORUNE_RETURN_IF_ERROR(CheckIdsUnique(views, images));
  }
  auto parts = Deal(std::move(images), loads);
  IngestOptions iopt = options;
  iopt.max_segments = 0;  // no compaction inside: it would remove segments the undo needs
  std::vector<ShardSnapshot> done;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    auto snap = Snapshot(ShardPath(dir, m.shards[i]));
    Result<IngestReport> r = snap.ok() ? AppendToArchive(snap->dir, ontology, std::move(parts[i]), iopt)
                                       : Result<IngestReport>(snap.status());
    if (!r.ok()) {
      for (const auto& s : done) Restore(s);
      if (snap.ok()) Restore(*snap);
      return r.status();
    }
    done.push_back(std::move(*snap));
    m.shards[i].images += r->images_added;
    m.shards[i].entities += r->entities_added;
  }
  Status written = WriteShardManifest(dir, m);
  if (!written.ok()) {
    for (const auto& s : done) Restore(s);
    return written;
  }
  return m;
}

}  // namespace georune
