// PolygonShape against GEOS called directly (its own context), on random polygons with holes
// and multipolygons; validity, repair and the stored form.
#include "georune/common/polygon.h"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <random>

#include "geos_oracle.h"
#include "random_polygons.h"

namespace georune {
namespace {

using testing::Oracle;

std::string Wkt(const std::vector<PolygonRings>& parts) { return testing::PolygonWkt(parts); }

TEST(Polygon, MeasuresEqualGeosOnRandomPolygonsWithHoles) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> pos(0, 200), size(4, 60);
  Oracle geos;
  int holes = 0, multi = 0, overlapping = 0;
  for (int it = 0; it < 400; ++it) {
    std::vector<PolygonRings> pa = testing::RandomPolygon(rng, pos(rng), pos(rng), size(rng));
    std::vector<PolygonRings> pb = testing::RandomPolygon(rng, pos(rng), pos(rng), size(rng));
    auto a = PolygonShape::FromRings(pa, PolygonShape::Invalid::kRefuse);
    auto b = PolygonShape::FromRings(pb, PolygonShape::Invalid::kRefuse);
    if (!a.ok() || !b.ok()) continue;  // rounding to the grid made one invalid: not this test's case
    holes += pa[0].size() > 1;
    multi += pa.size() > 1;
    const std::string ga = Wkt(pa), gb = Wkt(pb);
    EXPECT_DOUBLE_EQ((*a)->Area(), geos.Area(ga)) << it;
    const Vec2 c = (*a)->Centroid(), gc = geos.Centroid(ga);
    EXPECT_NEAR(c.x, gc.x, 1e-9) << it;
    EXPECT_NEAR(c.y, gc.y, 1e-9) << it;
    EXPECT_NEAR((*a)->Distance(**b), geos.Distance(ga, gb), 1e-9) << it;
    const double inter = geos.IntersectionArea(ga, gb);
    overlapping += inter > 0;
    EXPECT_NEAR((*a)->IntersectionArea(**b), inter, 1e-9 * std::max(1.0, inter)) << it;
    // The stored form reads back to the same geometry, bit for bit.
    auto back = PolygonShape::FromWkb((*a)->ToWkb());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ((*back)->ToWkb(), (*a)->ToWkb());
    EXPECT_EQ((*back)->Rings().size(), pa.size());
  }
  EXPECT_GT(holes, 50);
  EXPECT_GT(multi, 20);
  EXPECT_GT(overlapping, 10);
}

TEST(Polygon, BoxHullsAgainstPolygons) {
  Oracle geos;
  auto p = PolygonShape::FromWkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 7 3, 7 7, 3 7, 3 3))",
                                 PolygonShape::Invalid::kRefuse);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_DOUBLE_EQ((*p)->Area(), 84);
  ConvexPolygon inside_hole = ConvexHullOfCorners({4, 4, 6, 4, 6, 6, 4, 6});
  EXPECT_DOUBLE_EQ((*p)->IntersectionArea(inside_hole), 0);  // the hole is not part of the polygon
  EXPECT_DOUBLE_EQ((*p)->Distance(inside_hole), 1);
  ConvexPolygon across = ConvexHullOfCorners({8, 8, 12, 8, 12, 12, 8, 12});
  EXPECT_DOUBLE_EQ((*p)->IntersectionArea(across), 4);
  ConvexPolygon point = ConvexHullOfCorners({5, 12, 5, 12, 5, 12, 5, 12});
  EXPECT_EQ(point.n, 1);
  EXPECT_DOUBLE_EQ((*p)->Distance(point), 2);
  ConvexPolygon segment = ConvexHullOfCorners({13, 0, 13, 5, 13, 5, 13, 0});
  EXPECT_DOUBLE_EQ((*p)->Distance(segment), 3);
  EXPECT_DOUBLE_EQ((*p)->IntersectionArea(segment), 0);
}

TEST(Polygon, InvalidIsRefusedWithReasonAndPlaceOrRepaired) {
  const std::vector<PolygonRings> bowtie{{{{0, 0}, {10, 10}, {10, 0}, {0, 10}}}};
  auto refused = PolygonShape::FromRings(bowtie, PolygonShape::Invalid::kRefuse);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(refused.status().message().find("Self-intersection at (5, 5)"), std::string::npos)
      << refused.status().message();
  bool repaired = false;
  auto fixed = PolygonShape::FromRings(bowtie, PolygonShape::Invalid::kRepair, &repaired);
  ASSERT_TRUE(fixed.ok()) << fixed.status().message();
  EXPECT_TRUE(repaired);
  EXPECT_DOUBLE_EQ((*fixed)->Area(), 50);  // the two triangles
  EXPECT_EQ((*fixed)->Rings().size(), 2u);
  // Not areas: refused whatever the option.
  EXPECT_FALSE(
      PolygonShape::FromRings(std::vector<PolygonRings>{{{{0, 0}, {1, 1}}}}, PolygonShape::Invalid::kRepair).ok());
  EXPECT_FALSE(PolygonShape::FromWkt("LINESTRING (0 0, 1 1)", PolygonShape::Invalid::kRepair).ok());
  EXPECT_FALSE(PolygonShape::FromWkt("POLYGON ((0 0, 1 1, 2 2, 0 0))", PolygonShape::Invalid::kRepair).ok());
  EXPECT_FALSE(PolygonShape::FromWkt("POLYGON ((0 0", PolygonShape::Invalid::kRefuse).ok());
  EXPECT_FALSE(PolygonShape::FromWkb(std::vector<uint8_t>{1, 3, 0, 0, 0, 9}).ok());
  // A hole outside its shell.
  auto hole_out = PolygonShape::FromWkt("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (5 5, 6 5, 6 6, 5 5))",
                                        PolygonShape::Invalid::kRefuse);
  ASSERT_FALSE(hole_out.ok());
  EXPECT_NE(hole_out.status().message().find("Hole lies outside shell"), std::string::npos)
      << hole_out.status().message();
}

TEST(Polygon, MinimumRotatedRectangleOfARotatedRectangleIsItself) {
  // A 20 x 6 rectangle turned by 30 degrees, with an extra vertex on a side.
  const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
  Ring r;
  for (auto [x, y] : {std::pair{-10.0, -3.0}, {0.0, -3.0}, {10.0, -3.0}, {10.0, 3.0}, {-10.0, 3.0}})
    r.push_back({100 + x * c - y * s, 50 + x * s + y * c});
  auto p = PolygonShape::FromRings(std::vector<PolygonRings>{{r}}, PolygonShape::Invalid::kRefuse);
  ASSERT_TRUE(p.ok());
  BoxShape shape = ShapeFromCorners((*p)->MinimumRotatedRectangle());
  EXPECT_NEAR(shape.length, 20, 1e-9);
  EXPECT_NEAR(shape.width, 6, 1e-9);
  EXPECT_NEAR(shape.theta_deg, 30, 1e-9);
}

}  // namespace
}  // namespace georune
