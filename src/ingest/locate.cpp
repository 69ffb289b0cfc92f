// LocateImage: where an image id comes from, for messages about duplicates (reads the source
// again; only on the error path).
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "georune/common/files.h"
#include "georune/ingest/readers.h"
#include "ingest/text.h"

namespace georune::ingest {
using namespace internal;
namespace fs = std::filesystem;

namespace {

// The line of `file` where match(line) holds for the (skip+1)-th time: "FILE:LINE", or "".
template <typename Match>
std::string FindLine(const std::string& file, int& skip, Match&& match) {
  Result<int> fd = OpenRegularFile(-1, nullptr, file);
  if (!fd.ok()) return "";
  std::string buffer;
  int found = 0;
  // Streamed; a line over the readers' record limit was refused when the file was read.
  (void)ForEachLineOfFile(*fd, file, buffer, ReadOptions().max_record_bytes, [&](int no, std::string_view line) {
    if (found == 0 && match(line) && skip-- == 0) found = no;
    return Status::Ok();
  });
  ::close(*fd);
  return found ? file + ":" + std::to_string(found) : "";
}

std::string FirstToken(std::string_view line) {
  std::string_view tok[1];
  return Tokenize(line, tok, 1) ? std::string(tok[0]) : "";
}

}  // namespace

std::string LocateImage(SourceKind kind, const std::string& path, const std::string& id, int occurrence) {
  auto in = [&](const char* sub) {
    std::error_code ec;
    return fs::is_directory(fs::path(path) / sub, ec) ? (fs::path(path) / sub).string() : path;
  };
  switch (kind) {
    case SourceKind::kGeoJson: {  // the file (or the folder's file) whose features name the image
      std::error_code ec;
      if (!fs::is_directory(path, ec)) return path;
      auto files = ListFiles(path, ".geojson", false);
      if (!files.ok()) return "";
      for (const auto& f : *files) {
        Result<std::string> text = ReadFile(f, kMaxWholeTextFileBytes);  // bounded: only to locate the image
        if (text.ok() && text->find(id) != std::string::npos && occurrence-- == 0) return f;
      }
      return "";
    }
    case SourceKind::kJsonLines:
      return FindLine(path, occurrence, [&](std::string_view line) {
        if (line.find(id) == std::string_view::npos) return false;  // cheap filter first
        auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        return j.is_object() && j.contains("image") && j["image"].is_string() && j["image"].get<std::string>() == id;
      });
    case SourceKind::kDotaTask1: {
      auto files = ListFiles(path, ".txt", false);
      if (!files.ok()) return "";
      for (const auto& f : *files) {
        std::string at = FindLine(f, occurrence, [&](std::string_view line) { return FirstToken(line) == id; });
        if (!at.empty()) return at;
      }
      return "";
    }
    case SourceKind::kDotaLabels:
    case SourceKind::kYoloObb:
    case SourceKind::kVoc: {
      const bool xml = kind == SourceKind::kVoc;
      const std::string folder = in(kind == SourceKind::kDotaLabels ? "labelTxt" : xml ? "Annotations" : "labels");
      auto files = ListFiles(folder, xml ? ".xml" : ".txt", kind == SourceKind::kYoloObb);
      if (!files.ok()) return "";
      for (const auto& f : *files)
        if (FileStem(f) == id && occurrence-- == 0) return f;
      return "";
    }
  }
  return "";
}

}  // namespace georune::ingest
