// Polygon entities as pixel-coordinate GeoJSON (include/georune/ingest/polygon_geojson.h).
#include "georune/ingest/polygon_geojson.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "georune/common/files.h"
#include "georune/common/polygon.h"

namespace georune::ingest {
namespace fs = std::filesystem;
using nlohmann::json;

double SignedArea(const PixelRing& ring) {
  double a = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a / 2;
}

double PolygonArea(const PolygonEntity& polygon) {
  double a = 0;
  for (size_t i = 0; i < polygon.rings.size(); ++i) a += (i == 0 ? 1 : -1) * std::abs(SignedArea(polygon.rings[i]));
  return a;
}

void Orient(PolygonEntity& polygon) {
  for (size_t i = 0; i < polygon.rings.size(); ++i) {
    const double a = SignedArea(polygon.rings[i]);
    if ((i == 0) != (a > 0)) std::reverse(polygon.rings[i].begin(), polygon.rings[i].end());
  }
}

std::string PolygonGeoJson(const PolygonImage& image, const Ontology& ontology) {
  json features = json::array();
  for (PolygonEntity p : image.entities) {
    Orient(p);
    json rings = json::array();
    for (const PixelRing& r : p.rings) {
      json ring = json::array();
      for (const auto& pt : r) ring.push_back({pt[0], pt[1]});
      rings.push_back(std::move(ring));
    }
    features.push_back(
        {{"type", "Feature"},
         {"properties",
          {{"image", image.id}, {"class", ontology.Class(p.class_id).name}, {"confidence", p.confidence}}},
         {"geometry", {{"type", "Polygon"}, {"coordinates", std::move(rings)}}}});
  }
  json fc = {{"type", "FeatureCollection"}, {"image", image.id}};
  if (image.width > 0 && image.height > 0) fc["width"] = image.width, fc["height"] = image.height;
  if (!std::isnan(image.gsd)) fc["gsd"] = image.gsd;
  if (image.synthetic) fc["synthetic"] = true;
  fc["features"] = std::move(features);
  return fc.dump() + "\n";
}

Result<ImageRecord> ToImageRecord(const PolygonImage& image, size_t* repaired) {
  ImageRecord r;
  r.id = image.id, r.width = image.width, r.height = image.height, r.gsd = image.gsd;
  for (const PolygonEntity& p : image.entities) {
    PolygonRings rings;
    for (const PixelRing& ring : p.rings) {
      Ring out;
      for (const auto& pt : ring) out.push_back({pt[0], pt[1]});
      rings.push_back(std::move(out));
    }
    bool fixed = false;
    GEORUNE_ASSIGN_OR_RETURN(auto shape, PolygonShape::FromRings({&rings, 1}, PolygonShape::Invalid::kRepair, &fixed));
    if (fixed && repaired) ++*repaired;
    EntityRecord e;
    e.class_id = p.class_id, e.score = p.confidence;
    e.corners = shape->MinimumRotatedRectangle();
    e.polygon = shape->ToWkb();
    r.entities.push_back(std::move(e));
  }
  return r;
}

Status WritePolygonGeoJsonDir(const std::string& dir, const std::vector<PolygonImage>& images,
                              const Ontology& ontology) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  for (const PolygonImage& im : images)
    GEORUNE_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + im.id + ".geojson", PolygonGeoJson(im, ontology)));
  return Status::Ok();
}

namespace {

Result<PixelRing> ReadRing(const json& j, const std::string& where) {
  if (!j.is_array() || j.size() < 4) return Status::InvalidInput(where + ": a ring needs at least 4 points");
  PixelRing ring;
  for (const json& pt : j) {
    if (!pt.is_array() || pt.size() < 2 || !pt[0].is_number() || !pt[1].is_number())
      return Status::InvalidInput(where + ": a point is not [x, y]");
    ring.push_back({pt[0].get<double>(), pt[1].get<double>()});
    if (!std::isfinite(ring.back()[0]) || !std::isfinite(ring.back()[1]))
      return Status::InvalidInput(where + ": a coordinate is not finite");
  }
  if (ring.front() != ring.back())
    return Status::InvalidInput(where + ": the ring is not closed (first point != last)");
  return ring;
}

Result<PolygonEntity> ReadFeature(const json& f, const Ontology& ontology, const std::string& where) {
  const json& g = f.value("geometry", json());
  if (!g.is_object() || g.value("type", "") != "Polygon" || !g.contains("coordinates") ||
      !g["coordinates"].is_array() || g["coordinates"].empty())
    return Status::InvalidInput(where + ": the geometry is not a Polygon\n  hint: one polygon per feature");
  const json& props = f.value("properties", json::object());
  const std::string name = props.is_object() && props.contains("class") && props["class"].is_string()
                               ? props["class"].get<std::string>()
                               : "";
  auto id = ontology.FindClass(name);
  if (!id) return Status::InvalidInput(where + ": unknown class '" + name + "' in ontology " + ontology.name());
  PolygonEntity p;
  p.class_id = *id;
  const json c = props.value("confidence", json(1.0));
  if (!c.is_number() || !(c.get<double>() > 0 && c.get<double>() <= 1))
    return Status::InvalidInput(where + ": confidence must be a number in (0, 1]");
  p.confidence = c.get<float>();
  for (const json& r : g["coordinates"]) {
    GEORUNE_ASSIGN_OR_RETURN(PixelRing ring, ReadRing(r, where));
    p.rings.push_back(std::move(ring));
  }
  return p;
}

}  // namespace

// A polygon GeoJSON file is one JSON document, read whole; one larger than this is refused
// (kInvalidInput naming the file and the limit).
constexpr uint64_t kMaxPolygonGeoJsonBytes = uint64_t{256} << 20;

Result<PolygonImage> ReadPolygonGeoJson(const std::string& path, const Ontology& ontology) {
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxPolygonGeoJsonBytes));
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("type", "") != "FeatureCollection" ||
      !doc.contains("features") || !doc["features"].is_array())
    return Status::InvalidInput(path + ": not a GeoJSON FeatureCollection");
  PolygonImage im;
  im.id = fs::path(path).stem().string();
  if (doc.contains("image") && doc["image"].is_string()) im.id = doc["image"].get<std::string>();
  if (doc.contains("width") && doc["width"].is_number_integer()) im.width = doc["width"].get<int>();
  if (doc.contains("height") && doc["height"].is_number_integer()) im.height = doc["height"].get<int>();
  if (doc.contains("gsd") && doc["gsd"].is_number()) im.gsd = doc["gsd"].get<double>();
  if (doc.contains("synthetic") && doc["synthetic"].is_boolean()) im.synthetic = doc["synthetic"].get<bool>();
  for (size_t i = 0; i < doc["features"].size(); ++i) {
    GEORUNE_ASSIGN_OR_RETURN(PolygonEntity p,
                             ReadFeature(doc["features"][i], ontology, path + ": feature " + std::to_string(i + 1)));
    im.entities.push_back(std::move(p));
  }
  return im;
}

Result<std::vector<PolygonImage>> ReadPolygonGeoJsonDir(const std::string& dir, const Ontology& ontology) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": no such folder");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".geojson") files.push_back(e.path().string());
  if (ec) return Status::IoError(dir + ": cannot list the folder: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<PolygonImage> images;
  for (const std::string& f : files) {
    GEORUNE_ASSIGN_OR_RETURN(PolygonImage im, ReadPolygonGeoJson(f, ontology));
    images.push_back(std::move(im));
  }
  return images;
}

}  // namespace georune::ingest
