#include "georune/reason/scene.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace georune::reason {

SceneEntity MakeSceneEntity(int id, int class_id, double p, const Corners& corners) {
  SceneEntity e;
  e.id = id;
  e.class_id = class_id;
  e.p = p;
  e.corners = corners;
  e.hull = ConvexHullOfCorners(corners);
  e.c = PolygonCentroid(e.hull);
  e.area = PolygonArea(e.hull);
  e.s = std::sqrt(e.area);
  e.min_x = e.max_x = e.hull.points[0].x;
  e.min_y = e.max_y = e.hull.points[0].y;
  for (int i = 1; i < e.hull.n; ++i) {
    e.min_x = std::min(e.min_x, e.hull.points[i].x);
    e.max_x = std::max(e.max_x, e.hull.points[i].x);
    e.min_y = std::min(e.min_y, e.hull.points[i].y);
    e.max_y = std::max(e.max_y, e.hull.points[i].y);
  }
  return e;
}

SceneEntity MakePolygonEntity(int id, int class_id, double p, const Corners& mrr,
                              std::shared_ptr<const PolygonShape> polygon) {
  SceneEntity e;
  e.id = id;
  e.class_id = class_id;
  e.p = p;
  e.corners = mrr;
  e.hull = ConvexHullOfCorners(mrr);
  e.c = polygon->Centroid();
  e.area = polygon->Area();
  e.s = std::sqrt(e.area);
  e.min_x = polygon->MinX(), e.min_y = polygon->MinY(), e.max_x = polygon->MaxX(), e.max_y = polygon->MaxY();
  e.polygon = std::move(polygon);
  return e;
}

Scene BuildScene(const EntitySpan& span, double gsd, double min_conf, const std::vector<bool>& keep_class) {
  Scene scene;
  scene.gsd = gsd;
  scene.entities.reserve(span.count);
  for (uint32_t i = 0; i < span.count; ++i) {
    const int cls = span.class_id[i];
    if (span.score[i] < min_conf) continue;
    if (!keep_class.empty() && (cls >= static_cast<int>(keep_class.size()) || !keep_class[cls])) continue;
    std::span<const uint8_t> wkb = span.PolygonWkb(i);
    if (wkb.empty()) {
      scene.entities.push_back(MakeSceneEntity(static_cast<int>(i), cls, span.score[i], span.CornersOf(i)));
      continue;
    }
    // CheckImage() has read every polygon of the block: this cannot fail.
    Result<std::unique_ptr<PolygonShape>> shape = PolygonShape::FromWkb(wkb, /*validate=*/false);
    if (!shape.ok()) std::abort();
    scene.entities.push_back(
        MakePolygonEntity(static_cast<int>(i), cls, span.score[i], span.CornersOf(i), std::move(*shape)));
  }
  return scene;
}

}  // namespace georune::reason
