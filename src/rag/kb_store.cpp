#include "rag/kb_store.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "georune/common/coding.h"
#include "georune/common/diagnostic.h"
#include "georune/common/store_lock.h"

namespace georune::rag::kb_store {
namespace {
using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kManifestMagic[8] = {'G', 'R', 'K', 'B', 'M', 'A', 'N', '1'};
constexpr uint32_t kManifestVersion = 1;

bool IsBuildFile(const std::string& name, const std::string& prefix, const std::string& suffix) {
  return name.size() == prefix.size() + 16 + suffix.size() && name.rfind(prefix, 0) == 0 &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<std::string_view> Unframe(std::string_view data, const char (&magic)[8], uint32_t version,
                                 const std::string& path, const std::string& what) {
  const coding::Unframed u = coding::Unframe(data, magic, version, version);
  if (u.error == coding::FrameError::kNone) return u.body;
  return FileDiagnostic(path, 0, what + " is damaged: " + coding::Describe(u), "rebuild the knowledge base")
      .ToStatus(StatusCode::kCorrupt);
}

Result<Manifest> ReadManifest(const std::string& dir) {
  const std::string path = dir + "/" + kManifestName;
  GEORUNE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  GEORUNE_ASSIGN_OR_RETURN(std::string_view body,
                           Unframe(data, kManifestMagic, kManifestVersion, path, "knowledge base manifest"));
  const json j = json::parse(body.begin(), body.end(), nullptr, false);
  auto bad = [&] { return Status::Corrupt(path + ": knowledge base manifest is damaged: missing or bad fields"); };
  if (j.is_discarded() || !j.is_object()) return bad();
  Manifest m;
  auto id = j.find("build_id");
  auto files = j.find("files");
  if (id == j.end() || !id->is_string() || files == j.end() || !files->is_object()) return bad();
  m.build_id = id->get<std::string>();
  uint64_t ignored;
  if (!coding::ParseHex16(m.build_id, &ignored)) return bad();
  for (auto [key, out, prefix, suffix] :
       {std::tuple<const char*, FileEntry*, const char*, const char*>{"records", &m.records, "kb-", ".grkb"},
        {"vectors", &m.vectors, "vectors-", ".grvs"}}) {
    auto e = files->find(key);
    if (e == files->end() || !e->is_object()) return bad();
    auto f = e->find("file"), size = e->find("size"), sum = e->find("checksum");
    if (f == e->end() || !f->is_string() || size == e->end() || !size->is_number_unsigned() || sum == e->end() ||
        !sum->is_string() || !coding::ParseHex16(sum->get<std::string>(), &out->checksum))
      return bad();
    out->file = f->get<std::string>();
    out->size = size->get<uint64_t>();
    if (out->file != prefix + m.build_id + suffix) return bad();
  }
  return m;
}

std::string EncodeManifest(const Manifest& m) {
  json j;
  j["format"] = "georune knowledge base";
  j["build_id"] = m.build_id;
  for (auto [key, e] : {std::pair<const char*, const FileEntry*>{"records", &m.records}, {"vectors", &m.vectors}})
    j["files"][key] = {{"file", e->file}, {"size", e->size}, {"checksum", coding::Hex16(e->checksum)}};
  return coding::Frame(kManifestMagic, kManifestVersion, j.dump(1));
}

std::string NewBuildId() {
  std::random_device rd;
  uint64_t v = (uint64_t(rd()) << 32) ^ rd();
  v ^= uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) * 0x9E3779B97F4A7C15ull;
  v ^= uint64_t(::getpid()) << 17;
  return coding::Hex16(v);
}

Result<FileEntry> Describe(const std::string& dir, const std::string& file) {
  GEORUNE_ASSIGN_OR_RETURN(MappedFile map, MappedFile::Open(dir + "/" + file));
  return FileEntry{file, map.size(), Checksum64(map.data(), map.size())};
}

Status Verify(const std::string& dir, const FileEntry& entry, std::string_view data) {
  const std::string path = dir + "/" + entry.file;
  if (data.size() != entry.size || Checksum64(data) != entry.checksum)
    return FileDiagnostic(path, 0,
                          "knowledge base file does not match the manifest (size or checksum): damaged, or "
                          "from another build",
                          "rebuild the knowledge base in " + dir)
        .ToStatus(StatusCode::kCorrupt);
  return Status::Ok();
}

void RemoveOtherBuilds(const std::string& dir, const std::string& keep) {
  RemoveOrphanTempFiles(dir, {"kb", "vectors", kManifestName});
  bool removed = false;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool data = IsBuildFile(name, "kb-", ".grkb") || IsBuildFile(name, "vectors-", ".grvs") ||
                      (!keep.empty() && (name == "kb.grkb" || name == "vectors.grvs"));
    const bool kept = !keep.empty() && name.find(keep) != std::string::npos;
    std::error_code ec2;
    if (data && !kept && it->is_regular_file(ec2)) removed |= fs::remove(it->path(), ec2);
  }
  if (removed) (void)SyncDirectory(dir);
}

}  // namespace georune::rag::kb_store
