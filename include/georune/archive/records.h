// In-memory records passed from the ingest readers to the archive writer.
//
// An ImageRecord is one image with its detected (or annotated) entities, in source order: the
// entity's index in `entities` is its id within the image (formats.md, "Results out").
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "georune/common/geometry.h"

namespace georune {

struct EntityRecord {
  int32_t class_id = -1;   // ontology class id
  float score = 1.0f;      // confidence in (0, 1]; 1 for ground truth
  bool difficult = false;  // DOTA's difficult flag
  Corners corners{};       // x1,y1,…,x4,y4 in pixels, exactly as read
};

struct ImageRecord {
  std::string id;                    // unique within an archive
  int32_t width = 0, height = 0;     // pixels; 0 when unknown
  double gsd = std::nan("");         // metres per pixel; NaN when unknown
  std::string path;                  // image file path; may be empty
  std::vector<EntityRecord> entities;
};

}  // namespace georune
