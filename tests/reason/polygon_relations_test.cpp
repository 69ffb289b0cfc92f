// Every relation and measure on polygon entities (holes, multipolygons, mixed with boxes),
// crisp and soft, against an oracle that computes spec/logic.md §4 from GEOS called directly
// (its own context, geometries read from WKT; boxes as GEOS convex hulls of their corners).
#include <geos_c.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "georune/logic/bound.h"
#include "georune/reason/relations.h"
#include "random_polygons.h"

namespace georune::reason {
namespace {

using logic::Relation;

// An entity with its oracle geometry.
struct Item {
  SceneEntity e;
  std::string wkt;          // poly(e)
  double box_theta = -1;    // a box's theta, from its corner order (spec §1); -1 for a polygon
};

// Direction in [0, 180) degrees of the longest of the sides p[i] → p[i+1] (ties: the later side).
double LongestSideTheta(const std::vector<Vec2>& p) {
  double best = -1, theta = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Vec2 u = p[i], v = p[(i + 1) % p.size()];
    const double len = std::hypot(v.x - u.x, v.y - u.y);
    if (len >= best) best = len, theta = std::fmod(std::atan2(v.y - u.y, v.x - u.x) * 180 / M_PI + 360, 180);
  }
  return theta;
}

std::string RingWkt(const Ring& r) {
  std::string s = "(";
  for (size_t i = 0; i <= r.size(); ++i)
    s += (i ? ", " : "") + std::to_string(r[i % r.size()].x) + " " + std::to_string(r[i % r.size()].y);
  return s + ")";
}

std::string PolygonWkt(const std::vector<PolygonRings>& parts) {
  std::string s = "MULTIPOLYGON (";
  for (size_t k = 0; k < parts.size(); ++k) {
    s += k ? ", (" : "(";
    for (size_t r = 0; r < parts[k].size(); ++r) s += (r ? ", " : "") + RingWkt(parts[k][r]);
    s += ")";
  }
  return s + ")";
}

class Oracle {
 public:
  Oracle() : h_(GEOS_init_r()), reader_(GEOSWKTReader_create_r(h_)) {}
  ~Oracle() {
    GEOSWKTReader_destroy_r(h_, reader_);
    GEOS_finish_r(h_);
  }
  GEOSGeometry* Read(const std::string& wkt) {
    GEOSGeometry* g = GEOSWKTReader_read_r(h_, reader_, wkt.c_str());
    if (wkt.rfind("MULTIPOINT", 0) == 0) {  // a box: the convex hull of its corners
      GEOSGeometry* hull = GEOSConvexHull_r(h_, g);
      GEOSGeom_destroy_r(h_, g);
      return hull;
    }
    return g;
  }
  double Area(const std::string& a) { return With(a, [&](GEOSGeometry* g) { double v; GEOSArea_r(h_, g, &v); return v; }); }
  double Distance(const std::string& a, const std::string& b) {
    GEOSGeometry *ga = Read(a), *gb = Read(b);
    double d = 0;
    GEOSDistance_r(h_, ga, gb, &d);
    Free(ga, gb);
    return d;
  }
  double IntersectionArea(const std::string& a, const std::string& b) {
    GEOSGeometry *ga = Read(a), *gb = Read(b);
    GEOSGeometry* i = GEOSIntersection_r(h_, ga, gb);
    double v = 0;
    GEOSArea_r(h_, i, &v);
    GEOSGeom_destroy_r(h_, i);
    Free(ga, gb);
    return v;
  }
  Vec2 Centroid(const std::string& a) {
    GEOSGeometry* g = Read(a);
    GEOSGeometry* c = GEOSGetCentroid_r(h_, g);
    Vec2 v;
    GEOSGeomGetX_r(h_, c, &v.x);
    GEOSGeomGetY_r(h_, c, &v.y);
    Free(g, c);
    return v;
  }
  // Direction (degrees in [0, 180)) of the longer side of the minimum rotated rectangle.
  double Theta(const std::string& a) {
    GEOSGeometry* g = Read(a);
    GEOSGeometry* r = GEOSMinimumRotatedRectangle_r(h_, g);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h_, GEOSGetExteriorRing_r(h_, r));
    std::vector<Vec2> corners(4);
    for (unsigned i = 0; i < 4; ++i) GEOSCoordSeq_getXY_r(h_, seq, i, &corners[i].x, &corners[i].y);
    Free(g, r);
    return LongestSideTheta(corners);
  }

 private:
  template <typename F>
  double With(const std::string& a, F f) {
    GEOSGeometry* g = Read(a);
    double v = f(g);
    GEOSGeom_destroy_r(h_, g);
    return v;
  }
  void Free(GEOSGeometry* a, GEOSGeometry* b) {
    GEOSGeom_destroy_r(h_, a);
    GEOSGeom_destroy_r(h_, b);
  }
  GEOSContextHandle_t h_;
  GEOSWKTReader* reader_;
};

// The soft ramp of docs/parameters.md; crisp: 0 or 1.
double Ramp(bool crisp, bool holds, double margin, double width) {
  if (crisp || !(width > 0)) return holds ? 1 : 0;
  const double v = std::clamp(0.5 + margin / (2 * width), 0.0, 1.0);
  return holds ? std::max(v, 0.5) : std::min(v, std::nextafter(0.5, 0.0));
}

// The oracle's truth of relation `r` on (a, b), from GEOS measures.
double OracleTruth(Oracle& g, Relation r, const Item& a, const Item& b, const TruthParams& p) {
  const double A = g.Area(a.wkt), B = g.Area(b.wkt);
  const double S = (std::sqrt(A) + std::sqrt(B)) / 2;
  const Vec2 ca = g.Centroid(a.wkt), cb = g.Centroid(b.wkt);
  const double vx = ca.x - cb.x, vy = ca.y - cb.y;
  const bool crisp = p.crisp;
  auto delta = [&] {
    auto theta = [&](const Item& x) { return x.box_theta >= 0 ? x.box_theta : g.Theta(x.wkt); };
    const double d = std::abs(theta(a) - theta(b));
    return std::min(d, 180 - d);
  };
  auto on = [&](const Item& x, const Item& y, double area_x) {
    if (!(area_x > 0)) return Ramp(crisp, false, -p.t_on, p.softness * p.t_on);
    const double f = g.IntersectionArea(x.wkt, y.wkt) / area_x;
    return Ramp(crisp, f >= p.t_on, f - p.t_on, p.softness * p.t_on);
  };
  auto dir = [&](bool holds, double along, double across) {
    return Ramp(crisp, holds, (along - std::abs(across)) / S, p.softness);
  };
  switch (r) {
    case Relation::kNear: {
      const double t = p.k_near * S, d = g.Distance(a.wkt, b.wkt);
      return Ramp(crisp, d <= t, t - d, p.softness * t);
    }
    case Relation::kFar: {
      const double t = p.k_far * S, d = g.Distance(a.wkt, b.wkt);
      return Ramp(crisp, d >= t, d - t, p.softness * t);
    }
    case Relation::kLeftOf: return dir(vx < 0 && std::abs(vy) <= std::abs(vx), -vx, vy);
    case Relation::kRightOf: return dir(vx > 0 && std::abs(vy) <= std::abs(vx), vx, vy);
    case Relation::kAbove: return dir(vy < 0 && std::abs(vx) <= std::abs(vy), -vy, vx);
    case Relation::kBelow: return dir(vy > 0 && std::abs(vx) <= std::abs(vy), vy, vx);
    case Relation::kOn: return on(a, b, A);
    case Relation::kContains: return on(b, a, B);
    case Relation::kOverlaps: return g.IntersectionArea(a.wkt, b.wkt) > 0 ? 1 : 0;
    case Relation::kParallel: {
      const double d = delta();
      return Ramp(crisp, d <= p.parallel_deg, p.parallel_deg - d, p.softness * p.parallel_deg);
    }
    case Relation::kPerpendicular: {
      const double d = delta();
      return Ramp(crisp, d >= p.perpendicular_deg, d - p.perpendicular_deg, p.softness * (90 - p.perpendicular_deg));
    }
    case Relation::kLarger: return Ramp(crisp, A > B, std::max(A, B) > 0 ? (A - B) / std::max(A, B) : 0, p.softness);
    case Relation::kSmaller: return Ramp(crisp, B > A, std::max(A, B) > 0 ? (B - A) / std::max(A, B) : 0, p.softness);
    default: return -1;
  }
}

Item RandomItem(std::mt19937& rng, int id) {
  std::uniform_real_distribution<double> pos(0, 120), size(3, 40), ang(0, M_PI);
  const double cx = pos(rng), cy = pos(rng), s = size(rng);
  for (;;) {
    if (rng() % 3 == 0) {  // a box (its wkt: the corners, read as their convex hull)
      const double w = s, h = s / 2, t = ang(rng);
      Corners c;
      const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
      std::string wkt = "MULTIPOINT (";
      for (int k = 0; k < 4; ++k) {
        c[2 * k] = std::round(cx + dx[k] * std::cos(t) - dy[k] * std::sin(t));
        c[2 * k + 1] = std::round(cy + dx[k] * std::sin(t) + dy[k] * std::cos(t));
        wkt += (k ? ", " : "") + std::to_string(c[2 * k]) + " " + std::to_string(c[2 * k + 1]);
      }
      std::vector<Vec2> pts;
      for (int k = 0; k < 4; ++k) pts.push_back({c[2 * k], c[2 * k + 1]});
      Item item{MakeSceneEntity(id, 0, 1.0, c), wkt + ")", LongestSideTheta(pts)};
      if (item.e.hull.n < 3) continue;  // GEOS's hull of a degenerate box is not a polygon
      return item;
    }
    std::vector<PolygonRings> parts = testing::RandomPolygon(rng, cx, cy, s);
    auto shape = PolygonShape::FromRings(parts, PolygonShape::Invalid::kRefuse);
    if (!shape.ok()) continue;
    const Corners mrr = (*shape)->MinimumRotatedRectangle();
    return {MakePolygonEntity(id, 0, 1.0, mrr, std::move(*shape)), PolygonWkt(parts)};
  }
}

TEST(PolygonRelations, EveryRelationEqualsTheGeosOracleCrispAndSoft) {
  std::mt19937 rng(2026);
  Oracle oracle;
  const Relation relations[] = {Relation::kNear,     Relation::kFar,      Relation::kLeftOf,
                                Relation::kRightOf,  Relation::kAbove,    Relation::kBelow,
                                Relation::kOn,       Relation::kContains, Relation::kOverlaps,
                                Relation::kParallel, Relation::kPerpendicular, Relation::kLarger,
                                Relation::kSmaller};
  int held[16] = {}, soft_between = 0, compared = 0;
  for (int it = 0; it < 300; ++it) {
    Item a = RandomItem(rng, 0), b = RandomItem(rng, 1);
    const SceneEntity* args[2] = {&a.e, &b.e};
    for (bool crisp : {true, false}) {
      TruthParams p;
      p.crisp = crisp;
      for (Relation r : relations) {
        const double got = RelationTruth(r, args, p), want = OracleTruth(oracle, r, a, b, p);
        ++compared;
        if (crisp) {
          ASSERT_EQ(got, want) << "relation " << static_cast<int>(r) << " case " << it << "\n" << a.wkt << "\n" << b.wkt;
          held[static_cast<int>(r)] += got == 1;
        } else {
          ASSERT_NEAR(got, want, 1e-9) << "relation " << static_cast<int>(r) << " case " << it;
          soft_between += got > 0 && got < 1;
        }
      }
    }
    // Measures of comparisons: area, length, width, distance, centre distance, angle.
    EXPECT_NEAR(MeasureValue(logic::Measure::kArea, std::span<const SceneEntity* const>(args, 1)),
                oracle.Area(a.wkt), 1e-9);
    EXPECT_NEAR(MeasureValue(logic::Measure::kDistance, args), oracle.Distance(a.wkt, b.wkt), 1e-9);
    const Vec2 ca = oracle.Centroid(a.wkt), cb = oracle.Centroid(b.wkt);
    EXPECT_NEAR(MeasureValue(logic::Measure::kCenterDistance, args), std::hypot(ca.x - cb.x, ca.y - cb.y), 1e-9);
  }
  EXPECT_GT(compared, 7000);
  EXPECT_GT(soft_between, 150);  // soft values strictly between 0 and 1 (281 with this seed)
  for (Relation r : relations) EXPECT_GT(held[static_cast<int>(r)], 3) << "relation " << static_cast<int>(r) << " never held";
}

// A building surrounded by water: the water polygon's hole holds the building.
TEST(PolygonRelations, HoleSemantics) {
  auto water = PolygonShape::FromWkt("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (30 30, 70 30, 70 70, 30 70, 30 30))",
                                     PolygonShape::Invalid::kRefuse);
  ASSERT_TRUE(water.ok());
  const Corners mrr = (*water)->MinimumRotatedRectangle();
  SceneEntity w = MakePolygonEntity(0, 0, 1.0, mrr, std::move(*water));
  SceneEntity building = MakeSceneEntity(1, 0, 1.0, {40, 40, 60, 40, 60, 60, 40, 60});
  SceneEntity boat = MakeSceneEntity(2, 0, 1.0, {5, 5, 15, 5, 15, 15, 5, 15});
  TruthParams crisp;
  crisp.crisp = true;
  const SceneEntity* bw[2] = {&building, &w};
  const SceneEntity* ow[2] = {&boat, &w};
  EXPECT_EQ(RelationTruth(Relation::kOn, bw, crisp), 0);        // in the hole, not on the water
  EXPECT_EQ(RelationTruth(Relation::kOverlaps, bw, crisp), 0);
  EXPECT_EQ(RelationTruth(Relation::kNear, bw, crisp), 1);      // 10 px from the shore
  EXPECT_EQ(MeasureValue(logic::Measure::kDistance, bw), 10);
  EXPECT_EQ(RelationTruth(Relation::kOn, ow, crisp), 1);        // a boat on the water
  EXPECT_DOUBLE_EQ(w.area, 10000 - 1600);
  EXPECT_DOUBLE_EQ(w.c.x, 50);
  EXPECT_DOUBLE_EQ(w.length, 100);
}

}  // namespace
}  // namespace georune::reason
