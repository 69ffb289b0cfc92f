// In-memory records passed from the ingest readers to the archive writer.
//
// An ImageRecord is one image with its detected (or annotated) entities, in source order: the
// entity's index in `entities` is its id within the image (formats.md, "Results out").
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "georune/common/geometry.h"

namespace georune {

struct EntityRecord {
  int32_t class_id = -1;   // ontology class id
  float score = 1.0f;      // confidence in (0, 1]; 1 for ground truth
  bool difficult = false;  // DOTA's difficult flag
  Corners corners{};       // x1,y1,…,x4,y4 in pixels, exactly as read; for a polygon entity the
                           // corners of its minimum rotated rectangle
  std::vector<uint8_t> polygon;  // a polygon entity's valid polygon as WKB (PolygonShape::ToWkb);
                                 // empty for a box
};

struct ImageRecord {
  std::string id;                    // unique within an archive
  int32_t width = 0, height = 0;     // pixels; 0 when unknown
  double gsd = std::nan("");         // metres per pixel; NaN when unknown
  std::string path;                  // image file path; may be empty
  std::vector<EntityRecord> entities;
  // Image file metadata (after `entities`, so that older aggregate initialisers still fit):
  int32_t bands = 0;                 // band count of the image file; 0 when unknown
  // Georeference, when the image file has one: GDAL's affine geotransform (x0, pixel width,
  // row rotation, y0, column rotation, pixel height; pixel (col, row) → x0 + col·gt[1] +
  // row·gt[2], y0 + col·gt[4] + row·gt[5]) and the CRS as WKT (empty when unknown).
  std::optional<std::array<double, 6>> geotransform;
  std::string crs_wkt;
};

}  // namespace georune
