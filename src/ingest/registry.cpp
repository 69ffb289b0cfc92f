#include "georune/ingest/registry.h"

#include <filesystem>

namespace georune::ingest {
namespace {
namespace fs = std::filesystem;

bool IsDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// Counts the folder's regular entries with `ext`, and those of them starting with `prefix`.
std::pair<size_t, size_t> CountFiles(const std::string& dir, const char* ext, const char* prefix = "") {
  size_t all = 0, prefixed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->path().extension() != ext) continue;
    ++all;
    prefixed += name.rfind(prefix, 0) == 0;
  }
  return {all, prefixed};
}

bool LooksLikeDotaLabels(const std::string& path) {
  if (!IsDir(path)) return false;
  if (IsDir(fs::path(path) / "labelTxt")) return true;
  auto [txt, task1] = CountFiles(path, ".txt", "Task1_");
  return txt > 0 && task1 == 0;
}

bool LooksLikeDotaTask1(const std::string& path) {
  return IsDir(path) && CountFiles(path, ".txt", "Task1_").second > 0;
}

bool LooksLikeJsonLines(const std::string& path) {
  std::error_code ec;
  const std::string ext = fs::path(path).extension().string();
  return fs::is_regular_file(path, ec) && (ext == ".jsonl" || ext == ".ndjson");
}

bool LooksLikeYoloObb(const std::string& path) {
  if (!IsDir(path)) return false;
  return fs::path(path).filename() == "labels" || IsDir(fs::path(path) / "labels");
}

bool LooksLikeVoc(const std::string& path) {
  if (!IsDir(path)) return false;
  return IsDir(fs::path(path) / "Annotations") || CountFiles(path, ".xml").first > 0;
}

bool LooksLikeGeoJson(const std::string& path) {
  std::error_code ec;
  if (IsDir(path)) return CountFiles(path, ".geojson").first > 0;
  return fs::is_regular_file(path, ec) && fs::path(path).extension() == ".geojson";
}

}  // namespace

const std::vector<InputFormat>& InputFormats() {
  static const std::vector<InputFormat> formats = {
      {"dota_labels", SourceKind::kDotaLabels, "DOTA labelTxt folder", &ReadDotaLabelDir, &LooksLikeDotaLabels},
      {"dota_task1", SourceKind::kDotaTask1, "DOTA Task1 results folder", &ReadDotaTask1Dir, &LooksLikeDotaTask1},
      {"jsonl", SourceKind::kJsonLines, "JSON Lines file", &ReadJsonLines, &LooksLikeJsonLines},
      {"yolo_obb", SourceKind::kYoloObb, "YOLO-OBB label folder", &ReadYoloObbDir, &LooksLikeYoloObb},
      {"voc", SourceKind::kVoc, "Pascal-VOC style XML folder", &ReadVocDir, &LooksLikeVoc},
      {"geojson", SourceKind::kGeoJson, "GeoJSON polygon file or folder", &ReadGeoJson, &LooksLikeGeoJson},
  };
  return formats;
}

const InputFormat* FindInputFormat(std::string_view name) {
  for (const auto& f : InputFormats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const InputFormat& InputFormatOf(SourceKind kind) {
  for (const auto& f : InputFormats()) {
    if (f.kind == kind) return f;
  }
  return InputFormats().front();  // unreachable: every kind is registered (tested)
}

std::vector<const InputFormat*> DetectInputFormats(const std::string& path) {
  std::vector<const InputFormat*> out;
  for (const auto& f : InputFormats()) {
    if (f.detect(path)) out.push_back(&f);
  }
  return out;
}

}  // namespace georune::ingest
