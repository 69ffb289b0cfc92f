#include <nlohmann/json.hpp>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/common/coding.h"
#include "georune/common/diagnostic.h"

namespace georune::archive_internal {
using namespace archive_format;
using nlohmann::json;

std::string ManifestPath(const std::string& dir) { return dir + "/" + kManifestName; }

namespace {
Status Damaged(const std::string& path, const std::string& what) {
  return Status::Corrupt(path + ": damaged archive manifest: " + what +
                         "\n  hint: the archive cannot be read; restore it from a backup or "
                         "re-ingest the source files into a new archive");
}
}  // namespace

Result<Manifest> ReadManifest(const std::string& dir) {
  const std::string path = ManifestPath(dir);
  Result<std::string> data = ReadFile(path);
  if (!data.ok()) {
    if (data.status().code() == StatusCode::kNotFound)
      return FileDiagnostic(dir, 0, "no georune archive here (no " + std::string(kManifestName) + ")",
                            "ingest images into this folder to create one")
          .ToStatus(StatusCode::kNotFound);
    return data.status();
  }
  const std::string& s = *data;
  if (s.size() < sizeof(ManifestHeader)) return Damaged(path, "file is too short");
  ManifestHeader h;
  std::memcpy(&h, s.data(), sizeof h);
  if (!coding::HasMagic(s, kManifestMagic)) return Damaged(path, "bad magic number (not a georune archive manifest)");
  if (h.version > kManifestVersion)
    return Status::Corrupt(path + ": archive format version " + std::to_string(h.version) +
                           " is newer than this georune supports (" + std::to_string(kManifestVersion) +
                           ")\n  hint: upgrade georune to read this archive");
  if (h.version == 0) return Damaged(path, "bad version 0");
  if (!coding::HeaderIntact(h)) return Damaged(path, "header checksum mismatch");
  if (h.header_size != sizeof(ManifestHeader) || h.body_size != s.size() - sizeof(ManifestHeader))
    return Damaged(path, "size mismatch (truncated or extended)");
  std::string_view body(s.data() + sizeof h, h.body_size);
  if (Checksum64(body) != h.body_checksum) return Damaged(path, "checksum mismatch");
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Damaged(path, "body is not JSON");
  Manifest m;
  auto o = j.find("ontology");
  auto segs = j.find("segments");
  auto next = j.find("next_segment");
  if (o == j.end() || !o->is_object() || segs == j.end() || !segs->is_array() || next == j.end() ||
      !next->is_number_unsigned())
    return Damaged(path, "missing fields");
  m.ontology_json = o->dump();
  m.next_segment = next->get<uint64_t>();
  for (const json& e : *segs) {
    if (!e.is_object()) return Damaged(path, "bad segment entry");
    SegmentEntry se;
    auto f = e.find("file");
    if (f == e.end() || !f->is_string()) return Damaged(path, "bad segment entry");
    se.file = f->get<std::string>();
    if (se.file.empty() || se.file.find('/') != std::string::npos || se.file[0] == '.')
      return Damaged(path, "bad segment file name");
    for (auto [key, out] : {std::pair<const char*, uint64_t*>{"size", &se.size},
                            {"index_checksum", &se.index_checksum},
                            {"images", &se.images},
                            {"entities", &se.entities}}) {
      auto it = e.find(key);
      if (it == e.end() || !it->is_number_unsigned()) return Damaged(path, "bad segment entry");
      *out = it->get<uint64_t>();
    }
    m.segments.push_back(std::move(se));
  }
  return m;
}

std::string EncodeManifest(const Manifest& m) {
  json j;
  j["format"] = "georune archive";
  j["ontology"] = json::parse(m.ontology_json, nullptr, false);
  j["next_segment"] = m.next_segment;
  j["segments"] = json::array();
  for (const auto& s : m.segments)
    j["segments"].push_back({{"file", s.file},
                             {"size", s.size},
                             {"index_checksum", s.index_checksum},
                             {"images", s.images},
                             {"entities", s.entities}});
  std::string body = j.dump(1, ' ', false, json::error_handler_t::replace);
  ManifestHeader h{};
  std::memcpy(h.magic, kManifestMagic, 8);
  h.version = kManifestVersion;
  h.header_size = sizeof h;
  h.body_size = body.size();
  h.body_checksum = Checksum64(body);
  coding::SealHeader(h);
  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out += body;
  return out;
}

}  // namespace georune::archive_internal
