#include "georune/reason/scene.h"

#include <algorithm>
#include <cmath>

namespace georune::reason {

SceneEntity MakeSceneEntity(int id, int class_id, double p, const Corners& corners) {
  SceneEntity e;
  e.id = id;
  e.class_id = class_id;
  e.p = p;
  e.hull = ConvexHullOfCorners(corners);
  e.c = PolygonCentroid(e.hull);
  e.area = PolygonArea(e.hull);
  e.s = std::sqrt(e.area);
  BoxShape shape = ShapeFromCorners(corners);
  e.theta = shape.theta_deg;
  e.length = shape.length;
  e.width = shape.width;
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

Scene BuildScene(const EntitySpan& span, double gsd, double min_conf, const std::vector<bool>& keep_class) {
  Scene scene;
  scene.gsd = gsd;
  scene.entities.reserve(span.count);
  for (uint32_t i = 0; i < span.count; ++i) {
    const int cls = span.class_id[i];
    if (span.score[i] < min_conf) continue;
    if (!keep_class.empty() && (cls >= static_cast<int>(keep_class.size()) || !keep_class[cls])) continue;
    scene.entities.push_back(MakeSceneEntity(static_cast<int>(i), cls, span.score[i], span.CornersOf(i)));
  }
  return scene;
}

}  // namespace georune::reason
