// Geometry against GEOS (an independent implementation) on random boxes, plus hand cases.
#include "georune/common/geometry.h"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace georune {
namespace {

class Geos {
 public:
  Geos() : ctx_(GEOS_init_r()) {}
  ~Geos() { GEOS_finish_r(ctx_); }
  // The convex hull of the corners, as GEOS builds it.
  GEOSGeometry* Hull(const Corners& c) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx_, 4, 2);
    for (unsigned i = 0; i < 4; ++i) GEOSCoordSeq_setXY_r(ctx_, seq, i, c[2 * i], c[2 * i + 1]);
    GEOSGeometry* pts = GEOSGeom_createLineString_r(ctx_, seq);
    GEOSGeometry* hull = GEOSConvexHull_r(ctx_, pts);
    GEOSGeom_destroy_r(ctx_, pts);
    return hull;
  }
  double Area(const Corners& c) {
    GEOSGeometry* h = Hull(c);
    double a = 0;
    GEOSArea_r(ctx_, h, &a);
    GEOSGeom_destroy_r(ctx_, h);
    return a;
  }
  double IntersectionArea(const Corners& a, const Corners& b) {
    GEOSGeometry *ha = Hull(a), *hb = Hull(b);
    GEOSGeometry* inter = GEOSIntersection_r(ctx_, ha, hb);
    double area = 0;
    GEOSArea_r(ctx_, inter, &area);
    GEOSGeom_destroy_r(ctx_, inter);
    GEOSGeom_destroy_r(ctx_, ha);
    GEOSGeom_destroy_r(ctx_, hb);
    return area;
  }
  double Distance(const Corners& a, const Corners& b) {
    GEOSGeometry *ha = Hull(a), *hb = Hull(b);
    double d = 0;
    GEOSDistance_r(ctx_, ha, hb, &d);
    GEOSGeom_destroy_r(ctx_, ha);
    GEOSGeom_destroy_r(ctx_, hb);
    return d;
  }
  Vec2 Centroid(const Corners& c) {
    GEOSGeometry* h = Hull(c);
    GEOSGeometry* ce = GEOSGetCentroid_r(ctx_, h);
    Vec2 v;
    GEOSGeomGetX_r(ctx_, ce, &v.x);
    GEOSGeomGetY_r(ctx_, ce, &v.y);
    GEOSGeom_destroy_r(ctx_, ce);
    GEOSGeom_destroy_r(ctx_, h);
    return v;
  }

 private:
  GEOSContextHandle_t ctx_;
};

Corners RandomBox(std::mt19937& rng, bool allow_degenerate) {
  std::uniform_real_distribution<double> pos(0, 200), size(0, 40), ang(0, M_PI);
  double cx = pos(rng), cy = pos(rng), w = size(rng), h = size(rng), t = ang(rng);
  if (allow_degenerate && rng() % 8 == 0) h = 0;
  if (allow_degenerate && rng() % 16 == 0) w = h = 0;
  double c = std::cos(t), s = std::sin(t);
  Corners out;
  const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
  for (int i = 0; i < 4; ++i) {
    out[2 * i] = cx + dx[i] * c - dy[i] * s;
    out[2 * i + 1] = cy + dx[i] * s + dy[i] * c;
  }
  if (rng() % 4 == 0) std::swap(out[2], out[4]), std::swap(out[3], out[5]);  // unordered corners
  return out;
}

TEST(Geometry, MatchesGeosOnRandomBoxes) {
  Geos geos;
  std::mt19937 rng(7);
  for (int iter = 0; iter < 3000; ++iter) {
    Corners a = RandomBox(rng, true), b = RandomBox(rng, true);
    ConvexPolygon pa = ConvexHullOfCorners(a), pb = ConvexHullOfCorners(b);
    EXPECT_NEAR(PolygonArea(pa), geos.Area(a), 1e-7) << iter;
    EXPECT_NEAR(ConvexIntersectionArea(pa, pb), geos.IntersectionArea(a, b), 1e-6) << iter;
    EXPECT_NEAR(ConvexDistance(pa, pb), geos.Distance(a, b), 1e-7) << iter;
    Vec2 c = PolygonCentroid(pa), g = geos.Centroid(a);
    EXPECT_NEAR(c.x, g.x, 1e-7) << iter;
    EXPECT_NEAR(c.y, g.y, 1e-7) << iter;
  }
}

// ConvexDistance before its fast paths (the root once, edge tests skipped for bounding boxes
// apart): every edge pair, containment, then the smallest point–segment distance.
double PlainConvexDistance(const ConvexPolygon& a, const ConvexPolygon& b) {
  auto edge = [](const ConvexPolygon& p, int i) -> std::pair<Vec2, Vec2> {
    if (p.n == 1) return {p.points[0], p.points[0]};
    if (p.n == 2) return {p.points[0], p.points[1]};
    return {p.points[i], p.points[(i + 1) % p.n]};
  };
  auto edges = [](const ConvexPolygon& p) { return p.n <= 2 ? 1 : p.n; };
  auto cross = [](Vec2 o, Vec2 p, Vec2 q) { return (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x); };
  auto sign = [](double v) { return (v > 0) - (v < 0); };
  auto on = [](Vec2 p, Vec2 s, Vec2 t) {
    return std::min(s.x, t.x) <= p.x && p.x <= std::max(s.x, t.x) && std::min(s.y, t.y) <= p.y &&
           p.y <= std::max(s.y, t.y);
  };
  auto meet = [&](Vec2 p, Vec2 q, Vec2 r, Vec2 s) {
    int d1 = sign(cross(r, s, p)), d2 = sign(cross(r, s, q)), d3 = sign(cross(p, q, r)), d4 = sign(cross(p, q, s));
    if (d1 * d2 < 0 && d3 * d4 < 0) return true;
    return (d1 == 0 && on(p, r, s)) || (d2 == 0 && on(q, r, s)) || (d3 == 0 && on(r, p, q)) || (d4 == 0 && on(s, p, q));
  };
  auto inside = [&](Vec2 p, const ConvexPolygon& poly) {
    for (int i = 0; i < poly.n; ++i)
      if (cross(poly.points[i], poly.points[(i + 1) % poly.n], p) < 0) return false;
    return true;
  };
  auto seg = [](Vec2 p, Vec2 s, Vec2 t) {
    double dx = t.x - s.x, dy = t.y - s.y, len2 = dx * dx + dy * dy;
    double u = len2 > 0 ? std::clamp(((p.x - s.x) * dx + (p.y - s.y) * dy) / len2, 0.0, 1.0) : 0.0;
    double qx = s.x + u * dx, qy = s.y + u * dy;
    return std::sqrt((p.x - qx) * (p.x - qx) + (p.y - qy) * (p.y - qy));
  };
  for (int i = 0; i < edges(a); ++i)
    for (int j = 0; j < edges(b); ++j)
      if (meet(edge(a, i).first, edge(a, i).second, edge(b, j).first, edge(b, j).second)) return 0.0;
  if (b.n >= 3 && inside(a.points[0], b)) return 0.0;
  if (a.n >= 3 && inside(b.points[0], a)) return 0.0;
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < a.n; ++i)
    for (int j = 0; j < edges(b); ++j) best = std::min(best, seg(a.points[i], edge(b, j).first, edge(b, j).second));
  for (int j = 0; j < b.n; ++j)
    for (int i = 0; i < edges(a); ++i) best = std::min(best, seg(b.points[j], edge(a, i).first, edge(a, i).second));
  return best;
}

// Bit for bit the plain loops, on random boxes and on boxes of a coarse lattice (shared edges,
// touching corners, collinear sides, degenerate boxes).
TEST(Geometry, ConvexDistanceEqualsThePlainLoops) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int> cell(0, 6);
  auto lattice = [&] {
    const double x = cell(rng) * 5, y = cell(rng) * 5, w = cell(rng) * 5, h = cell(rng) * 5;
    return Corners{x, y, x + w, y, x + w, y + h, x, y + h};
  };
  int apart = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const bool grid = iter % 2 == 0;
    const Corners a = grid ? lattice() : RandomBox(rng, true), b = grid ? lattice() : RandomBox(rng, true);
    const ConvexPolygon pa = ConvexHullOfCorners(a), pb = ConvexHullOfCorners(b);
    const double d = ConvexDistance(pa, pb);
    ASSERT_EQ(d, PlainConvexDistance(pa, pb)) << iter;
    ASSERT_EQ(d, ConvexDistance(pb, pa)) << iter;
    apart += d > 0;
  }
  EXPECT_GT(apart, 2000);
  EXPECT_LT(apart, 18000);
}

// The monotone chain on all four corners: ConvexHullOfCorners before its quadrilateral fast path.
ConvexPolygon PlainHull(const Corners& c) {
  std::array<Vec2, 4> p{Vec2{c[0], c[1]}, Vec2{c[2], c[3]}, Vec2{c[4], c[5]}, Vec2{c[6], c[7]}};
  std::sort(p.begin(), p.end(), [](Vec2 a, Vec2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  auto cross = [](Vec2 o, Vec2 a, Vec2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); };
  std::array<Vec2, 8> hull{};
  int k = 0;
  for (int i = 0; i < 4; ++i) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) --k;
    hull[k++] = p[i];
  }
  for (int i = 2, lower = k + 1; i >= 0; --i) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], p[i]) <= 0) --k;
    hull[k++] = p[i];
  }
  ConvexPolygon out;
  int n = std::max(1, k - 1);
  if (n == 2 && p[0].x == p[3].x && p[0].y == p[3].y) n = 1;
  n = std::min(n, 4);
  for (int i = 0; i < n; ++i) out.points[i] = hull[i];
  out.n = n;
  if (out.n == 2 && out.points[0].x == out.points[1].x && out.points[0].y == out.points[1].y) out.n = 1;
  return out;
}

// Bit for bit the plain chain: random boxes (either turning sense, corners out of order,
// degenerate), lattice boxes, slivers thinner than the fast path's margin, far from the origin.
TEST(Geometry, HullEqualsThePlainChain) {
  std::mt19937 rng(29);
  std::uniform_int_distribution<int> cell(0, 4);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int iter = 0; iter < 40000; ++iter) {
    Corners c = RandomBox(rng, true);
    switch (iter % 4) {
      case 1:  // the other turning sense
        std::swap(c[2], c[6]), std::swap(c[3], c[7]);
        break;
      case 2:  // lattice: shared x or y, collinear corners
        for (double& v : c) v = cell(rng) * 10.0;
        break;
      case 3: {  // a sliver (width down to 1e-12 px), far out
        const double x = 1e5 * unit(rng), y = 1e5 * unit(rng), w = std::pow(10.0, -12 * unit(rng)), l = 50 * unit(rng);
        c = {x, y, x + l, y + w * unit(rng), x + l, y + w, x, y + w};
        break;
      }
      default: break;
    }
    const ConvexPolygon fast = ConvexHullOfCorners(c), plain = PlainHull(c);
    ASSERT_EQ(fast.n, plain.n) << iter;
    for (int i = 0; i < fast.n; ++i) {
      ASSERT_EQ(fast.points[i].x, plain.points[i].x) << iter;
      ASSERT_EQ(fast.points[i].y, plain.points[i].y) << iter;
    }
  }
}

TEST(Geometry, AxisAlignedBoxes) {
  Corners a{0, 0, 10, 0, 10, 10, 0, 10}, b{5, 5, 15, 5, 15, 15, 5, 15}, far{30, 0, 40, 0, 40, 10, 30, 10};
  auto pa = ConvexHullOfCorners(a), pb = ConvexHullOfCorners(b), pf = ConvexHullOfCorners(far);
  EXPECT_DOUBLE_EQ(PolygonArea(pa), 100);
  EXPECT_DOUBLE_EQ(ConvexIntersectionArea(pa, pb), 25);
  EXPECT_DOUBLE_EQ(ConvexDistance(pa, pb), 0);
  EXPECT_DOUBLE_EQ(ConvexDistance(pa, pf), 20);
  EXPECT_DOUBLE_EQ(ConvexIntersectionArea(pa, pf), 0);
  Vec2 c = PolygonCentroid(pa);
  EXPECT_DOUBLE_EQ(c.x, 5);
  EXPECT_DOUBLE_EQ(c.y, 5);
}

TEST(Geometry, ShapeFollowsCornerOrder) {
  // Longest side first along +x: theta 0; a 20x10 box.
  BoxShape s = ShapeFromCorners({0, 0, 20, 0, 20, 10, 0, 10});
  EXPECT_DOUBLE_EQ(s.theta_deg, 0);
  EXPECT_DOUBLE_EQ(s.length, 20);
  EXPECT_DOUBLE_EQ(s.width, 10);
  // A box standing up (y down): the long side runs along y; direction 90 degrees.
  s = ShapeFromCorners({0, 0, 10, 0, 10, 20, 0, 20});
  EXPECT_DOUBLE_EQ(s.theta_deg, 90);
  EXPECT_DOUBLE_EQ(OrientationDifference(5, 175), 10);
  EXPECT_DOUBLE_EQ(OrientationDifference(0, 90), 90);
}

TEST(Geometry, StripWidth) {
  std::vector<Vec2> line{{0, 0}, {1, 1}, {2, 2}, {3, 3}};
  EXPECT_NEAR(StripWidth(line), 0, 1e-12);
  std::vector<Vec2> tri{{0, 0}, {4, 0}, {2, 3}};
  EXPECT_NEAR(StripWidth(tri), 3.0, 1e-9);  // smallest altitude: 2·area / longest side = 12 / 4
  std::vector<Vec2> two{{0, 0}, {5, 5}};
  EXPECT_EQ(StripWidth(two), 0);
  std::vector<Vec2> same{{1, 1}, {1, 1}, {1, 1}};
  EXPECT_EQ(StripWidth(same), 0);
}

}  // namespace
}  // namespace georune
