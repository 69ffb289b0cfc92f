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

Result<PolygonImage> PolygonImageOf(const ImageRecord& record, const Ontology& ontology) {
  PolygonImage im;
  im.id = record.id, im.width = record.width, im.height = record.height, im.gsd = record.gsd;
  for (size_t i = 0; i < record.entities.size(); ++i) {
    const EntityRecord& e = record.entities[i];
    if (e.polygon.empty())
      return Status::InvalidInput("image " + record.id + ", entity " + std::to_string(i) + " (" +
                                  ontology.Class(e.class_id).name + ") is a box, not a polygon");
    GEORUNE_ASSIGN_OR_RETURN(auto shape, PolygonShape::FromWkb(e.polygon, false));
    for (const PolygonRings& part : shape->Rings()) {
      PolygonEntity p;
      p.class_id = e.class_id, p.confidence = e.score;
      for (const Ring& ring : part) {
        PixelRing r;
        for (const Vec2& pt : ring) r.push_back({pt.x, pt.y});
        p.rings.push_back(std::move(r));
      }
      Orient(p);
      im.entities.push_back(std::move(p));
    }
  }
  return im;
}

}  // namespace georune::ingest
