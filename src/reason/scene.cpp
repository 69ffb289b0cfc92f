#include "georune/reason/scene.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace georune::reason {
namespace {

// Corners as integers in 1/1000 px, when they are decimals with at most three places.
bool ToMilli(double v, __int128* out) {
  const double scaled = v * 1000.0;
  const double r = std::round(scaled);
  if (!(std::abs(r) < 1e15) || std::abs(scaled - r) > 1e-6 * std::max(1.0, std::abs(r))) return false;
  *out = static_cast<__int128>(static_cast<long long>(r));
  return true;
}

// The exact centroid of the hull (the formula of PolygonCentroid, in rationals) and twice its area.
void MakeExact(const ConvexPolygon& hull, SceneEntity* e) {
  __int128 x[4] = {}, y[4] = {};
  for (int i = 0; i < hull.n; ++i) {
    if (!ToMilli(hull.points[i].x, &x[i]) || !ToMilli(hull.points[i].y, &y[i])) return;
  }
  ExactPoint c;
  c.valid = true;
  c.ox = x[0], c.oy = y[0];
  e->exact_twice_area = 0;
  if (hull.n == 2) {
    c.nx = x[1] - x[0], c.ny = y[1] - y[0], c.q = 2;
  } else if (hull.n >= 3) {
    __int128 twice = 0, nx = 0, ny = 0;
    for (int i = 0; i < hull.n; ++i) {
      const int j = (i + 1) % hull.n;
      const __int128 ax = x[i] - x[0], ay = y[i] - y[0], bx = x[j] - x[0], by = y[j] - y[0];
      const __int128 cr = ax * by - bx * ay;
      twice += cr, nx += (ax + bx) * cr, ny += (ay + by) * cr;
    }
    if (twice == 0) return;
    if (twice < 0) twice = -twice, nx = -nx, ny = -ny;
    c.nx = nx, c.ny = ny, c.q = 3 * twice;
    e->exact_twice_area = twice;
  }
  e->exact_c = c;
}

}  // namespace

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
  MakeExact(e.hull, &e);
  return e;
}

SceneEntity MakePolygonEntity(int id, int class_id, double p, const Corners& mrr,
                              std::shared_ptr<const PolygonShape> polygon) {
  SceneEntity e;
  e.id = id;
  e.class_id = class_id;
  e.p = p;
  e.hull = ConvexHullOfCorners(mrr);
  e.c = polygon->Centroid();
  e.area = polygon->Area();
  e.s = std::sqrt(e.area);
  BoxShape shape = ShapeFromCorners(mrr);
  e.theta = shape.theta_deg;
  e.length = shape.length;
  e.width = shape.width;
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
