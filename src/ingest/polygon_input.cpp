#include "ingest/polygon_input.h"

#include <cmath>

namespace georune::ingest::internal {
namespace {
using nlohmann::json;

Status Bad(std::string message) { return Status::InvalidInput(std::move(message)); }

// [[x, y], …] → ring.
Status ReadRing(const json& j, Ring& ring) {
  if (!j.is_array()) return Bad("a ring must be an array of [x, y] positions");
  ring.reserve(j.size());
  for (const json& p : j) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
      return Bad("a position must be [x, y]: two numbers (pixel column and row), got " + p.dump().substr(0, 60));
    const double x = p[0].get<double>(), y = p[1].get<double>();
    if (!std::isfinite(x) || !std::isfinite(y)) return Bad("a coordinate is not finite");
    ring.push_back({x, y});
  }
  return Status::Ok();
}

// [[ring], [hole], …] → rings.
Status ReadPolygon(const json& j, PolygonRings& rings) {
  if (!j.is_array() || j.empty()) return Bad("a polygon must be a non-empty array of rings");
  rings.resize(j.size());
  for (size_t k = 0; k < j.size(); ++k) GEORUNE_RETURN_IF_ERROR(ReadRing(j[k], rings[k]));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PolygonShape>> ShapeFromGeoJson(const json& geometry, PolygonShape::Invalid invalid,
                                                       bool* repaired) {
  if (!geometry.is_object()) return Bad("\"geometry\" must be a GeoJSON Polygon or MultiPolygon object");
  auto type = geometry.find("type");
  auto coords = geometry.find("coordinates");
  if (type == geometry.end() || !type->is_string()) return Bad("the geometry has no \"type\"");
  const std::string& t = type->get_ref<const std::string&>();
  if (t != "Polygon" && t != "MultiPolygon")
    return Bad("a " + t + " geometry is not an area: entities are Polygon or MultiPolygon");
  if (coords == geometry.end()) return Bad("the geometry has no \"coordinates\"");
  std::vector<PolygonRings> polygons;
  if (t == "Polygon") {
    polygons.resize(1);
    GEORUNE_RETURN_IF_ERROR(ReadPolygon(*coords, polygons[0]));
  } else {
    if (!coords->is_array() || coords->empty()) return Bad("a MultiPolygon needs at least one polygon");
    polygons.resize(coords->size());
    for (size_t k = 0; k < coords->size(); ++k) GEORUNE_RETURN_IF_ERROR(ReadPolygon((*coords)[k], polygons[k]));
  }
  return PolygonShape::FromRings(polygons, invalid, repaired);
}

void SetPolygon(const PolygonShape& shape, EntityRecord& e) {
  e.corners = shape.MinimumRotatedRectangle();
  e.polygon = shape.ToWkb();
}

}  // namespace georune::ingest::internal
