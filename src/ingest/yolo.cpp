// YOLO-OBB label folders (Ultralytics): `cls x1 y1 x2 y2 x3 y3 x4 y4`, normalised coordinates.
#include <filesystem>

#include "georune/common/diagnostic.h"
#include "georune/ingest/readers.h"
#include "ingest/driver.h"

namespace georune::ingest {
namespace fs = std::filesystem;
using namespace internal;

namespace {

constexpr const char* kYoloHint = "a YOLO-OBB line is 'class_index x1 y1 x2 y2 x3 y3 x4 y4' with coordinates in [0, 1]";

// Class names from a dataset yaml (`names:` as a mapping `0: plane`, a block list `- plane` or
// an inline list `[plane, ship]`) or a plain file with one name a line.
// A names file is small: one larger than this is not one.
constexpr uint64_t kMaxNamesBytes = uint64_t{16} << 20;

Result<std::vector<std::string>> ReadNames(const std::string& path) {
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxNamesBytes));
  std::vector<std::string> names;
  auto unquote = [](std::string_view s) {
    s = TrimBlanks(s);
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
      s = s.substr(1, s.size() - 2);
    return std::string(s);
  };
  const bool yaml = path.ends_with(".yaml") || path.ends_with(".yml");
  if (!yaml) {
    Status st = ForEachLine(text, [&](int, std::string_view line) {
      std::string_view t = TrimBlanks(line);
      if (!t.empty() && t.front() != '#') names.push_back(std::string(t));
      return Status::Ok();
    });
    (void)st;
    return names;
  }
  bool in_names = false;
  int line_of_names = 0;
  std::vector<std::pair<long long, std::string>> indexed;
  Status st = ForEachLine(text, [&](int line_no, std::string_view line) -> Status {
    std::string_view t = line;
    if (size_t hash = t.find(" #"); hash != std::string_view::npos) t = t.substr(0, hash);
    if (TrimBlanks(t).empty() || TrimBlanks(t).front() == '#') return Status::Ok();
    bool indented = !t.empty() && IsBlank(t.front());
    if (!indented) {
      in_names = false;
      if (t.starts_with("names:")) {
        line_of_names = line_no;
        std::string_view rest = TrimBlanks(t.substr(6));
        if (rest.starts_with("[")) {
          if (!rest.ends_with("]"))
            return FileDiagnostic(path, line_no, "cannot read the inline names list").ToStatus();
          rest = rest.substr(1, rest.size() - 2);
          size_t pos = 0;
          while (pos <= rest.size()) {
            size_t comma = rest.find(',', pos);
            if (comma == std::string_view::npos) comma = rest.size();
            std::string n = unquote(rest.substr(pos, comma - pos));
            if (!n.empty()) names.push_back(n);
            pos = comma + 1;
          }
        } else {
          in_names = true;
        }
      }
      return Status::Ok();
    }
    if (!in_names) return Status::Ok();
    std::string_view item = TrimBlanks(t);
    if (item.starts_with("-")) {
      names.push_back(unquote(item.substr(1)));
      return Status::Ok();
    }
    size_t colon = item.find(':');
    std::optional<long long> idx =
        colon == std::string_view::npos ? std::nullopt : ParseInt(TrimBlanks(item.substr(0, colon)));
    if (!idx || *idx < 0 || *idx > 100000)
      return FileDiagnostic(path, line_no, "expected 'INDEX: name' under names:").ToStatus();
    indexed.emplace_back(*idx, unquote(item.substr(colon + 1)));
    return Status::Ok();
  });
  GEORUNE_RETURN_IF_ERROR(st);
  for (auto& [idx, name] : indexed) {
    if (static_cast<size_t>(idx) >= names.size()) names.resize(idx + 1);
    names[idx] = name;
  }
  if (names.empty())
    return FileDiagnostic(path, line_of_names, "no class names found", "a dataset yaml lists them under 'names:'")
        .ToStatus();
  return names;
}

// Looks for a names file beside the folder and up to three folders above it.
std::string FindNamesFile(const fs::path& dir) {
  fs::path p = fs::absolute(dir);
  for (int up = 0; up < 4 && !p.empty(); ++up) {
    std::error_code ec;
    std::vector<fs::path> yamls;
    for (const char* plain : {"classes.txt", "names.txt", "obj.names"})
      if (fs::is_regular_file(p / plain, ec)) return (p / plain).string();
    fs::directory_iterator it(p, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      auto ext = it->path().extension();
      if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) yamls.push_back(it->path());
    }
    std::sort(yamls.begin(), yamls.end());
    for (const auto& y : yamls) {
      Result<std::string> text = ReadFile(y.string(), kMaxNamesBytes);
      if (text.ok() && (text->starts_with("names:") || text->find("\nnames:") != std::string::npos ||
                        text->find("\rnames:") != std::string::npos))
        return y.string();
    }
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> ReadClassNames(const std::string& path) { return ReadNames(path); }

Result<std::vector<ImageRecord>> ReadYoloObbDir(const std::string& dir, const Ontology& ontology,
                                                const ReadOptions& options, ReadReport* report) {
  if (options.image_width <= 0 || options.image_height <= 0)
    return FileDiagnostic(dir, 0, "YOLO-OBB coordinates are normalised; the image size is needed",
                          "give the image size in pixels, e.g. 1024,1024")
        .With(Setting::kImageSize)
        .ToStatus();
  std::string folder = dir;
  std::error_code ec;
  if (fs::is_directory(fs::path(dir) / "labels", ec)) folder = (fs::path(dir) / "labels").string();
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(folder, ".txt", true));
  GEORUNE_RETURN_IF_ERROR(
      RequireFiles(files, folder, "YOLO-OBB label files (*.txt)",
                   "give the labels folder (one <image_id>.txt per image), or the folder holding it"));
  // Class names: given, found, or the ontology's own class order.
  std::string names_path = options.yolo_names.empty() ? FindNamesFile(folder) : options.yolo_names;
  std::vector<int> class_of;  // YOLO class index -> ontology class id
  if (!names_path.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadNames(names_path));
    ClassLookup lookup(ontology);
    for (const auto& n : names) {
      if (n.empty()) {
        class_of.push_back(-1);
        continue;
      }
      std::optional<int> id = lookup.Find(n);
      if (!id) return lookup.Unknown(names_path, 0, n).ToStatus();
      class_of.push_back(*id);
    }
    if (report) report->notes.push_back("YOLO-OBB class names from " + names_path);
  } else {
    for (int c = 0; c < ontology.ClassCount(); ++c) class_of.push_back(c);
    if (report)
      report->notes.push_back("no YOLO-OBB names file found beside " + folder +
                              "; class index N is taken as the ontology's class N (a class-name file sets them)");
  }
  const double w = options.image_width, h = options.image_height;
  std::vector<std::string> ids;
  for (const auto& f : files) ids.push_back(FileStem(f));
  auto parse = [&](FileContext& ctx, std::string_view text, ImageRecord& image) -> Status {
    image.id = FileStem(ctx.path);
    image.width = options.image_width;
    image.height = options.image_height;
    return ForEachLine(text, [&](int line_no, std::string_view line) -> Status {
      std::string_view t = TrimBlanks(line);
      if (t.empty()) return Status::Ok();
      std::string_view tok[10];
      size_t n = Tokenize(t, tok, 10);
      if (n != 9)
        return ctx.Bad(
            line_no,
            "expected a class index and 8 coordinates, found " + std::to_string(n) + " field" + (n == 1 ? "" : "s"),
            kYoloHint);
      std::optional<long long> cls = ParseInt(tok[0]);
      if (!cls || *cls < 0 || *cls >= static_cast<long long>(class_of.size()) || class_of[*cls] < 0) {
        Diagnostic d = FileDiagnostic(
            ctx.path, line_no,
            "class index " + Quote(tok[0]) + " is not one of the " + std::to_string(class_of.size()) + " classes",
            names_path.empty() ? "give a class-name file" : "the class names come from " + names_path);
        if (names_path.empty()) d.settings.push_back(Setting::kYoloNames);
        return ctx.Bad(d);
      }
      EntityRecord e;
      e.class_id = class_of[*cls];
      if (auto err = ParseCorners(tok + 1, e.corners)) return ctx.Bad(line_no, *err, kYoloHint);
      for (int k = 0; k < 8; ++k) e.corners[k] *= (k % 2 == 0) ? w : h;
      image.entities.push_back(e);
      return Status::Ok();
    });
  };
  GEORUNE_ASSIGN_OR_RETURN(std::vector<ImageRecord> images,
                           ParseFiles<ImageRecord>(files, ontology, options, report, parse));
  return images;
}

}  // namespace georune::ingest
