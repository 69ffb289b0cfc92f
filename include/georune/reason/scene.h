// A Scene: the entities of one image with their derived geometry (spec §1), ready to reason on.
//
// Built from an archive's EntitySpan. Entities below min_conf are left out; each kept entity
// remembers its id in the image (its index in ingest order), which is what results report.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/common/geometry.h"
#include "georune/common/polygon.h"

namespace georune::reason {

struct SceneEntity {
  int id = 0;                                         // index of the entity within its image (ingest order)
  int class_id = 0;                                   // ontology class id
  double p = 1;                                       // confidence
  ConvexPolygon hull;                                 // poly(e)
  Vec2 c;                                             // centroid
  double area = 0;                                    // A(e), px²
  double s = 0;                                       // sqrt(A(e))
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // bounding box of the hull
  Corners corners{};                                  // as stored (exact_geometry.h reads them for ties on boundaries)
  // A polygon entity's valid polygon (poly(e)); null for a box, whose poly(e) is `hull`. For a
  // polygon, `hull` and `corners` are its minimum rotated rectangle (which gives theta, length
  // and width), the other fields are the polygon's, and nothing is exact.
  std::shared_ptr<const PolygonShape> polygon;

  // Orientation and sides, read from `corners` (ShapeFromCorners) on first use: most queries
  // never ask. Not thread safe: a Scene is read by one thread at a time.
  double theta() const { return Shape().theta_deg; }  // degrees in [0, 180)
  double length() const { return Shape().length; }    // longer side, px
  double width() const { return Shape().width; }      // shorter side, px

 private:
  const BoxShape& Shape() const {
    if (!has_shape_) shape_ = ShapeFromCorners(corners), has_shape_ = true;
    return shape_;
  }
  mutable BoxShape shape_{};
  mutable bool has_shape_ = false;
};

struct Scene {
  double gsd = 0;  // metres per pixel, NaN when unknown
  std::vector<SceneEntity> entities;
};

// Derives the geometry of one entity.
SceneEntity MakeSceneEntity(int id, int class_id, double p, const Corners& corners);
// The same for a polygon entity: `mrr` the corners of its minimum rotated rectangle.
SceneEntity MakePolygonEntity(int id, int class_id, double p, const Corners& mrr,
                              std::shared_ptr<const PolygonShape> polygon);

// Builds the scene of an image. `keep_class`, when not empty, is indexed by class id and keeps
// only entities of classes marked true (the planner drops classes a query cannot use).
Scene BuildScene(const EntitySpan& span, double gsd, double min_conf, const std::vector<bool>& keep_class = {});

}  // namespace georune::reason
