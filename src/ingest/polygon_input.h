// Internal: polygon entities from GeoJSON geometries and WKT (docs/formats.md, "GeoJSON").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "georune/archive/records.h"
#include "georune/common/polygon.h"

namespace georune::ingest::internal {

// A GeoJSON geometry object of type Polygon or MultiPolygon in pixel coordinates (positions of
// exactly two finite numbers) as a valid shape; kInvalidInput saying what is wrong otherwise.
Result<std::unique_ptr<PolygonShape>> ShapeFromGeoJson(const nlohmann::json& geometry, PolygonShape::Invalid invalid,
                                                       bool* repaired);

// Makes `e` a polygon entity: its corners the shape's minimum rotated rectangle, its polygon
// the shape's WKB.
void SetPolygon(const PolygonShape& shape, EntityRecord& e);

}  // namespace georune::ingest::internal
