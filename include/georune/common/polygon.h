// Polygon entities (docs/query-language.md, "Polygon entities"): a valid polygonal geometry
// (Polygon or MultiPolygon, holes allowed) in pixel coordinates, held by GEOS, with the measures
// the logic derives from it.
//
// GEOS is used through its thread-safe C API (the _r functions), one context per thread, and is
// loaded when the first polygon is built (src/common/geos_library.h): a process that meets no
// polygon never loads it. FromRings, FromWkt and FromWkb return kUnavailable (exit status 1)
// when GEOS cannot be loaded. A
// PolygonShape is immutable after construction; like every GEOS geometry it may be read by one
// thread at a time (a scene, which owns its shapes, is evaluated by one thread).
//
// Stored form: little-endian 2D WKB (ISO), written by ToWkb() at ingest and read back by
// FromWkb(); doubles are kept bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "georune/common/geometry.h"
#include "georune/common/status.h"

typedef struct GEOSGeom_t GEOSGeometry;

namespace georune {

using Ring = std::vector<Vec2>;          // closed or not; the first point need not be repeated
using PolygonRings = std::vector<Ring>;  // the shell, then its holes

class PolygonShape {
 public:
  // What to do with an invalid polygon (self-intersection, hole outside its shell, …).
  enum class Invalid { kRefuse, kRepair };

  // A polygon or multipolygon from rings (pixel coordinates). Rings need at least 3 distinct
  // points; orientation does not matter. An invalid geometry is refused (kInvalidInput naming
  // GEOS's reason and the point where it fails) or, with kRepair, made valid (GEOS MakeValid,
  // "structure" method: the area covered is kept, collapsed parts dropped); `repaired` tells.
  static Result<std::unique_ptr<PolygonShape>> FromRings(std::span<const PolygonRings> polygons, Invalid invalid,
                                                         bool* repaired = nullptr);
  // The same from WKT ("POLYGON ((…))" or "MULTIPOLYGON (…)").
  static Result<std::unique_ptr<PolygonShape>> FromWkt(const std::string& wkt, Invalid invalid,
                                                       bool* repaired = nullptr);
  // From stored WKB; kCorrupt when it is not a valid polygonal geometry. `validate` false skips
  // the validity test (O(n log n)) for WKB already checked, e.g. by Archive::CheckImage: then
  // only parsing, the type and a positive area are checked.
  static Result<std::unique_ptr<PolygonShape>> FromWkb(std::span<const uint8_t> wkb, bool validate = true);

  ~PolygonShape();
  PolygonShape(const PolygonShape&) = delete;
  PolygonShape& operator=(const PolygonShape&) = delete;

  double Area() const { return area_; }
  Vec2 Centroid() const { return centroid_; }
  // Bounding box.
  double MinX() const { return min_x_; }
  double MinY() const { return min_y_; }
  double MaxX() const { return max_x_; }
  double MaxY() const { return max_y_; }
  // The four corners of GEOS's minimum rotated rectangle, in its ring order.
  Corners MinimumRotatedRectangle() const;

  std::vector<uint8_t> ToWkb() const;
  std::string ToWkt() const;
  // The rings of every polygon part: shell first, then holes; each ring closed (last = first).
  std::vector<PolygonRings> Rings() const;

  // Smallest Euclidean distance (0 when they touch or intersect) and intersection area.
  // NaN in the (unreachable for valid input) case that GEOS fails.
  double Distance(const PolygonShape& other) const;
  double IntersectionArea(const PolygonShape& other) const;
  // The same with a box's hull (a point, a segment or a convex polygon).
  double Distance(const ConvexPolygon& hull) const;
  double IntersectionArea(const ConvexPolygon& hull) const;

 private:
  explicit PolygonShape(GEOSGeometry* g);
  static Result<std::unique_ptr<PolygonShape>> FromGeos(GEOSGeometry* g, Invalid invalid, bool* repaired,
                                                        bool validate = true);

  GEOSGeometry* g_ = nullptr;
  double area_ = 0;
  Vec2 centroid_;
  double min_x_ = 0, min_y_ = 0, max_x_ = 0, max_y_ = 0;
};

}  // namespace georune
