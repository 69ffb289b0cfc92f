// In-memory records passed from the ingest readers to the archive writer.
//
// An ImageRecord is one image with its detected (or annotated) entities, in source order: the
// entity's index in `entities` is its id within the image (formats.md, "Results out").
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "georune/common/geometry.h"

namespace georune {

// A polygon entity's valid polygon as WKB (PolygonShape::ToWkb), or nothing for a box: one
// pointer, so that box entities carry no polygon storage (8 bytes rather than a vector's 24).
class WkbBytes {
 public:
  WkbBytes() = default;
  WkbBytes(std::vector<uint8_t> bytes) { *this = std::move(bytes); }  // NOLINT: implicit, as a vector
  WkbBytes(const WkbBytes& o) : p_(o.empty() ? nullptr : std::make_unique<std::vector<uint8_t>>(*o.p_)) {}
  WkbBytes(WkbBytes&&) noexcept = default;
  WkbBytes& operator=(const WkbBytes& o) { return *this = WkbBytes(o); }
  WkbBytes& operator=(WkbBytes&&) noexcept = default;
  WkbBytes& operator=(std::vector<uint8_t> bytes) {
    p_ = bytes.empty() ? nullptr : std::make_unique<std::vector<uint8_t>>(std::move(bytes));
    return *this;
  }
  template <class It>
  void assign(It first, It last) {
    *this = std::vector<uint8_t>(first, last);
  }

  bool empty() const { return !p_; }
  size_t size() const { return p_ ? p_->size() : 0; }
  const uint8_t* data() const { return p_ ? p_->data() : nullptr; }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size(); }
  operator std::span<const uint8_t>() const { return {data(), size()}; }  // NOLINT: implicit
  friend bool operator==(const WkbBytes& a, const WkbBytes& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::unique_ptr<std::vector<uint8_t>> p_;  // null: no polygon; never an empty vector
};

struct EntityRecord {
  int32_t class_id = -1;   // ontology class id
  float score = 1.0f;      // confidence in (0, 1]; 1 for ground truth
  bool difficult = false;  // DOTA's difficult flag
  Corners corners{};       // x1,y1,…,x4,y4 in pixels, exactly as read; for a polygon entity the
                           // corners of its minimum rotated rectangle
  WkbBytes polygon;        // a polygon entity's valid polygon as WKB; empty for a box
};

struct ImageRecord {
  std::string id;                 // unique within an archive
  int32_t width = 0, height = 0;  // pixels; 0 when unknown
  double gsd = std::nan("");      // metres per pixel; NaN when unknown
  std::string path;               // image file path; may be empty
  std::vector<EntityRecord> entities;
  // Image file metadata (after `entities`, so that older aggregate initialisers still fit):
  int32_t bands = 0;  // band count of the image file; 0 when unknown
  // Georeference, when the image file has one: GDAL's affine geotransform (x0, pixel width,
  // row rotation, y0, column rotation, pixel height; pixel (col, row) → x0 + col·gt[1] +
  // row·gt[2], y0 + col·gt[4] + row·gt[5]) and the CRS as WKT (empty when unknown).
  std::optional<std::array<double, 6>> geotransform;
  std::string crs_wkt;
};

}  // namespace georune
