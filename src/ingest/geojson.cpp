// GeoJSON FeatureCollections of polygon entities in pixel coordinates (docs/formats.md,
// "GeoJSON polygons").
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "georune/ingest/readers.h"
#include "ingest/driver.h"
#include "ingest/polygon_input.h"

namespace georune::ingest {
using namespace internal;
using nlohmann::json;

namespace {

constexpr const char* kHint =
    "a FeatureCollection in pixel coordinates (x right, y down): {\"type\": \"FeatureCollection\", "
    "\"width\": W, \"height\": H, \"features\": [{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", "
    "\"coordinates\": [[[x, y], …]]}, \"properties\": {\"class\": \"water\", \"confidence\": 0.9}}]}";

// The line (1-based) where each element of the top-level "features" array starts. A small
// scanner over the text (strings and escapes respected), run on the error path only.
std::vector<int> FeatureLines(std::string_view text) {
  std::vector<int> lines;
  int line = 1, depth = 0;
  bool in_string = false, escape = false, in_features = false, expect_value = false, key_pending = false;
  std::string key;  // the last string read at depth 1
  for (char ch : text) {
    if (ch == '\n') ++line;
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (ch == '\\') {
        escape = true;
      } else if (ch == '"') {
        in_string = false;
      } else if (depth == 1) {
        key += ch;
      }
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    if (in_features && depth == 2 && expect_value && ch != ']') {
      lines.push_back(line);
      expect_value = false;
    }
    const bool after_colon = key_pending;
    key_pending = false;
    switch (ch) {
      case '"':
        in_string = true;
        if (depth == 1) key.clear();
        break;
      case ':': key_pending = depth == 1; break;
      case '{':
      case '[':
        if (ch == '[' && depth == 1 && after_colon && key == "features") in_features = expect_value = true;
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth == 1) in_features = false;
        break;
      case ',':
        if (in_features && depth == 2) expect_value = true;
        break;
    }
  }
  return lines;
}

struct FileImages {
  std::vector<ImageRecord> images;
  uint64_t repaired = 0;
};

// The collection's image defaults: id (file stem unless "image"), size, gsd, path.
std::optional<std::string> ReadDefaults(const json& j, const std::string& file, ImageRecord& image) {
  image.id = FileStem(file);
  if (auto it = j.find("image"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) return "\"image\" must be a non-empty string";
    image.id = it->get<std::string>();
  }
  for (auto [name, out] : {std::pair{"width", &image.width}, std::pair{"height", &image.height}}) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX)
      return std::string("\"") + name + "\" must be a non-negative integer (pixels)";
    *out = static_cast<int32_t>(it->get<int64_t>());
  }
  if (auto it = j.find("gsd"); it != j.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() > 0) || !std::isfinite(it->get<double>()))
      return "\"gsd\" must be a positive number (metres per pixel)";
    image.gsd = it->get<double>();
  }
  if (auto it = j.find("path"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return "\"path\" must be a string";
    image.path = it->get<std::string>();
  }
  return std::nullopt;
}

// What is wrong with a feature, placed at its line by the caller.
struct Problem {
  std::string message, hint;
  std::vector<Setting> settings;  // the options the hint asks to change
  Problem(std::string m, std::string h = {}) : message(std::move(m)), hint(std::move(h)) {}
  Problem(const char* m) : message(m) {}
  explicit Problem(Diagnostic d) : message(std::move(d.message)), hint(std::move(d.hint)), settings(d.settings) {}
  std::optional<Status> environment;  // not the file's fault (GEOS cannot be loaded): returned as is
};

// One feature into an entity of `image_id`; the problem, or nullopt.
std::optional<Problem> ReadFeature(FileContext& ctx, const json& f, std::string& image_id, EntityRecord& rec,
                                   bool& repaired) {
  if (!f.is_object() || f.value("type", "") != "Feature") return "expected a GeoJSON Feature object";
  static const json kNoProperties = json::object();
  auto pit = f.find("properties");
  const json& props = pit == f.end() || pit->is_null() ? kNoProperties : *pit;
  if (!props.is_object()) return "\"properties\" must be an object";
  if (auto it = props.find("image"); it != props.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return "property \"image\" must be a non-empty string";
    image_id = it->get<std::string>();
  }
  auto cls = props.find("class");
  if (cls == props.end() || !cls->is_string()) return "missing property \"class\" (a string)";
  std::optional<int> id = ctx.classes.Find(cls->get_ref<const std::string&>());
  if (!id) {
    return Problem(ctx.classes.Unknown(ctx.path, 0, cls->get_ref<const std::string&>()));
  }
  rec.class_id = *id;
  if (auto it = props.find("confidence"); it != props.end() && !it->is_null()) {
    if (!it->is_number() || !(it->get<double>() > 0 && it->get<double>() <= 1))
      return "property \"confidence\" must be a number in (0, 1]";
    rec.score = static_cast<float>(it->get<double>());
    if (rec.score <= 0) rec.score = std::numeric_limits<float>::denorm_min();
  }
  if (auto it = props.find("difficult"); it != props.end() && !it->is_null()) {
    if (!it->is_boolean()) return "property \"difficult\" must be true or false";
    rec.difficult = it->get<bool>();
  }
  auto geom = f.find("geometry");
  if (geom == f.end() || geom->is_null()) return "the feature has no geometry";
  auto shape = ShapeFromGeoJson(
      *geom, ctx.options.make_valid ? PolygonShape::Invalid::kRepair : PolygonShape::Invalid::kRefuse, &repaired);
  if (!shape.ok()) {
    const std::string& m = shape.status().message();
    if (shape.status().code() != StatusCode::kInvalidInput) {
      Problem p(m);
      p.environment = shape.status();
      return p;
    }
    if (!ctx.options.make_valid && m.find("not valid") != std::string::npos) {
      Problem p(m, "fix the polygon, or have invalid polygons repaired (GEOS MakeValid)");
      p.settings = {Setting::kMakeValid};
      return p;
    }
    return Problem(m, kHint);
  }
  SetPolygon(**shape, rec);
  return std::nullopt;
}

Status ParseCollection(FileContext& ctx, std::string_view text, FileImages& out) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const size_t at = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    return FileDiagnostic(ctx.path, line, "not valid JSON", kHint).ToStatus();
  }
  if (!j.is_object() || j.value("type", "") != "FeatureCollection")
    return FileDiagnostic(ctx.path, 1, "expected a GeoJSON FeatureCollection", kHint).ToStatus();
  ImageRecord defaults;
  if (auto problem = ReadDefaults(j, ctx.path, defaults))
    return FileDiagnostic(ctx.path, 1, *problem, kHint).ToStatus();
  auto features = j.find("features");
  if (features == j.end() || !features->is_array())
    return FileDiagnostic(ctx.path, 1, "\"features\" must be an array", kHint).ToStatus();
  std::unordered_map<std::string, size_t> index;  // image id → position in out.images
  auto image_of = [&](const std::string& id) -> ImageRecord& {
    auto [it, fresh] = index.emplace(id, out.images.size());
    if (fresh) {
      out.images.push_back(defaults);
      out.images.back().id = id;
    }
    return out.images[it->second];
  };
  if (features->empty() || j.contains("image")) image_of(defaults.id);
  std::vector<int> lines;  // of each feature, computed on the first error
  for (size_t i = 0; i < features->size(); ++i) {
    std::string image_id = defaults.id;
    EntityRecord rec;
    bool repaired = false;
    if (auto problem = ReadFeature(ctx, (*features)[i], image_id, rec, repaired)) {
      if (problem->environment) return *problem->environment;
      if (lines.empty()) lines = FeatureLines(text);
      const int line = i < lines.size() ? lines[i] : 0;
      Diagnostic d =
          FileDiagnostic(ctx.path, line, "feature " + std::to_string(i) + ": " + problem->message, problem->hint);
      d.settings = std::move(problem->settings);
      GEORUNE_RETURN_IF_ERROR(ctx.Bad(d));
      continue;
    }
    out.repaired += repaired;
    image_of(image_id).entities.push_back(std::move(rec));
  }
  for (const ImageRecord& im : out.images) GEORUNE_RETURN_IF_ERROR(CheckImageText(ctx.path, 1, im));
  return Status::Ok();
}

}  // namespace

Result<std::vector<ImageRecord>> ReadGeoJson(const std::string& path, const Ontology& ontology,
                                             const ReadOptions& options, ReadReport* report) {
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    GEORUNE_ASSIGN_OR_RETURN(files, ListFiles(path, ".geojson", false));
  } else {
    files.push_back(path);
  }
  GEORUNE_ASSIGN_OR_RETURN(std::vector<FileImages> parsed,
                           ParseFiles<FileImages>(files, ontology, options, report,
                                                  [](FileContext& ctx, std::string_view text, FileImages& out) {
                                                    return ParseCollection(ctx, text, out);
                                                  }));
  std::vector<ImageRecord> images;
  uint64_t repaired = 0;
  for (FileImages& f : parsed) {
    repaired += f.repaired;
    for (ImageRecord& im : f.images) images.push_back(std::move(im));
  }
  if (repaired && report)
    report->notes.push_back("repaired " + std::to_string(repaired) + " invalid polygon(s) of " + path +
                            " with GEOS MakeValid");
  return images;
}

}  // namespace georune::ingest
