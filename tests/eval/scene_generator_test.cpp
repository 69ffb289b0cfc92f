#include "georune/eval/scene_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "georune/common/geometry.h"

namespace georune::eval {
namespace {

TEST(SceneGenerator, IdsArePaddedAndOneBased) {
  GeneratorOptions o;
  EXPECT_EQ(GeneratedImageId(o, 0), "G0000001");
  EXPECT_EQ(GeneratedImageId(o, 41), "G0000042");
  EXPECT_EQ(GeneratedImageId(o, 12345678), "G12345679");
}

TEST(SceneGenerator, DeterministicPerImageWhateverTheThreads) {
  GeneratorOptions o;
  o.seed = 99;
  const auto a = GenerateImages(Ontology::Default(), o, 0, 500, 1);
  const auto b = GenerateImages(Ontology::Default(), o, 0, 500, 4);
  const auto c = GenerateImages(Ontology::Default(), o, 250, 250, 2);  // a later chunk alone
  ASSERT_EQ(a.size(), 500u);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].id, b[i].id);
    ASSERT_EQ(a[i].entities.size(), b[i].entities.size());
    for (size_t k = 0; k < a[i].entities.size(); ++k) ASSERT_EQ(a[i].entities[k].corners, b[i].entities[k].corners);
  }
  for (size_t i = 0; i < c.size(); ++i) {
    ASSERT_EQ(c[i].id, a[250 + i].id);
    ASSERT_EQ(c[i].entities.size(), a[250 + i].entities.size());
  }
  o.seed = 100;
  const auto d = GenerateImages(Ontology::Default(), o, 0, 500, 1);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i].entities.size() == d[i].entities.size();
  EXPECT_LT(same, 300u) << "another seed must give other scenes";
}

TEST(SceneGenerator, DensityGsdAndEmptyImagesLikeDota) {
  GeneratorOptions o;
  o.seed = 5;
  const auto images = GenerateImages(Ontology::Default(), o, 0, 20000, 0);
  size_t entities = 0, empty = 0, no_gsd = 0, max_objects = 0;
  for (const auto& img : images) {
    entities += img.entities.size();
    empty += img.entities.empty();
    max_objects = std::max(max_objects, img.entities.size());
    if (std::isnan(img.gsd)) {
      ++no_gsd;
    } else {
      EXPECT_GE(img.gsd, 0.1);
      EXPECT_LE(img.gsd, 1.0);
    }
    for (const auto& e : img.entities) {
      ASSERT_GE(e.class_id, 0);
      EXPECT_EQ(e.score, 1.0f);
    }
  }
  const double mean = static_cast<double>(entities) / images.size();
  EXPECT_GT(mean, 10.0);
  EXPECT_LT(mean, 20.0);
  EXPECT_GT(max_objects, 200u) << "heavy tail: a few images with hundreds of vehicles";
  EXPECT_GT(empty, 20000 * 0.03);
  EXPECT_GT(no_gsd, 20000 * 0.03);
  EXPECT_LT(no_gsd, 20000 * 0.08);
}

// Every relation the dev formulas ask about occurs somewhere in a small archive.
TEST(SceneGenerator, LayoutsGiveDevFormulasAnswers) {
  const Ontology& onto = Ontology::Default();
  const int gtf = *onto.FindClass("ground_track_field"), soccer = *onto.FindClass("soccer_ball_field");
  const int crane = *onto.FindClass("container_crane"), harbor = *onto.FindClass("harbor");
  const int car = *onto.FindClass("small_vehicle"), bridge = *onto.FindClass("bridge");
  const int heli = *onto.FindClass("helicopter"), pad = *onto.FindClass("helipad");
  auto on = [](const EntityRecord& a, const EntityRecord& b) {  // spec §4, t_on = 0.5
    const auto pa = ConvexHullOfCorners(a.corners), pb = ConvexHullOfCorners(b.corners);
    return ConvexIntersectionArea(pa, pb) >= 0.5 * PolygonArea(pa);
  };
  std::map<std::string, int> found;
  GeneratorOptions o;
  for (const auto& img : GenerateImages(onto, o, 0, 3000, 0)) {
    for (const auto& a : img.entities)
      for (const auto& b : img.entities) {
        if (&a == &b || !on(a, b)) continue;
        if (a.class_id == soccer && b.class_id == gtf) found["soccer on track"]++;
        if (a.class_id == crane && b.class_id == harbor) found["crane on harbor"]++;
        if (a.class_id == car && b.class_id == bridge) found["car on bridge"]++;
        if (a.class_id == heli && b.class_id == pad) found["helicopter on helipad"]++;
      }
  }
  EXPECT_GT(found["soccer on track"], 10);
  EXPECT_GT(found["crane on harbor"], 10);
  EXPECT_GT(found["car on bridge"], 10);
  EXPECT_GT(found["helicopter on helipad"], 3);
}

}  // namespace
}  // namespace georune::eval
