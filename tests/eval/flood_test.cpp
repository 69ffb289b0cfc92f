// The post-flood scene generator and the simulated segmentation model (eval/flood.h).
#include "georune/eval/flood.h"

#include <gtest/gtest.h>

#include <map>
#include <opencv2/core.hpp>

#include "georune/detect/segment.h"
#include "georune/ingest/polygon_geojson.h"

namespace georune::eval {
namespace {

using ingest::PolygonImage;

const Ontology& Flood() {
  static const Ontology o = Ontology::BuiltIn("floodnet").value();
  return o;
}

int Id(const char* name) { return *Flood().FindClass(name); }

PolygonImage Scene(uint64_t index, uint64_t seed = 7) {
  auto im = GenerateFloodScene(Flood(), {seed, "F"}, index);
  EXPECT_TRUE(im.ok()) << im.status().message();
  return *im;
}

// The class raster of an image's polygons (later polygons over earlier ones).
detect::ClassImage Raster(const PolygonImage& im) {
  detect::ClassImage img(im.width, im.height);
  std::vector<uint8_t> cls;
  for (const auto& e : im.entities) cls.push_back(static_cast<uint8_t>(e.class_id));
  detect::BurnPolygons(im.entities, cls, std::vector<float>(cls.size(), 1), img);
  return img;
}

TEST(FloodScenes, DeterministicSyntheticAndNamed) {
  const PolygonImage a = Scene(3), b = Scene(3), c = Scene(4), d = Scene(3, 8);
  EXPECT_EQ(a.id, "F0000004");
  EXPECT_TRUE(a.synthetic);
  EXPECT_EQ(ingest::PolygonGeoJson(a, Flood()), ingest::PolygonGeoJson(b, Flood()));
  EXPECT_NE(ingest::PolygonGeoJson(a, Flood()), ingest::PolygonGeoJson(c, Flood()));
  EXPECT_NE(ingest::PolygonGeoJson(a, Flood()), ingest::PolygonGeoJson(d, Flood()));
  EXPECT_GE(a.gsd, 0.3);
  EXPECT_LE(a.gsd, 0.6);
  EXPECT_FALSE(CheckFloodOntology(Ontology::Default()).ok());  // DOTA has no flooded road
}

TEST(FloodScenes, PolygonsPartitionTheirPixelsLikeAMask) {
  // Like a segmentation mask, polygons never overlap: the area of every polygon equals the count of
  // its class's pixels in the burnt raster, component by component summed per class.
  for (uint64_t i = 0; i < 6; ++i) {
    const PolygonImage im = Scene(i);
    const detect::ClassImage img = Raster(im);
    std::map<int, double> area;
    for (const auto& e : im.entities) area[e.class_id] += ingest::PolygonArea(e);
    for (auto [cls, a] : area) EXPECT_DOUBLE_EQ(a, cv::countNonZero(img.classes == cls)) << im.id << " class " << cls;
  }
}

TEST(FloodScenes, TheUseCaseSituationsOccur) {
  // Over 24 scenes: every class, roads cut by water (a flooded stretch between two dry pieces),
  // islands (water with a hole holding a flooded building), vehicles on flooded roads, flooded
  // and dry buildings over 500 m².
  std::map<int, int> classes;
  int cut = 0, islands = 0, large_flooded = 0, large_dry = 0;
  for (uint64_t i = 0; i < 24; ++i) {
    const PolygonImage im = Scene(i);
    std::map<int, int> n;
    for (const auto& e : im.entities) {
      ++classes[e.class_id], ++n[e.class_id];
      if (e.class_id == Id("water") && e.rings.size() > 1) ++islands;
      const bool large = ingest::PolygonArea(e) * im.gsd * im.gsd > 500;  // m²: warehouses, schools
      large_flooded += large && e.class_id == Id("flooded_building");
      large_dry += large && e.class_id == Id("non_flooded_building");
      EXPECT_FLOAT_EQ(e.confidence, 1.0f);
    }
    cut += n[Id("flooded_road")] > 0 && n[Id("non_flooded_road")] >= 2;
  }
  for (const char* c : {"flooded_building", "non_flooded_building", "flooded_road", "non_flooded_road", "water", "tree",
                        "vehicle", "pool"})
    EXPECT_GT(classes[Id(c)], 0) << c;
  EXPECT_GE(cut, 6);
  EXPECT_GE(islands, 2);
  EXPECT_GE(large_flooded, 2);  // "flooded buildings with an area over 500 m2" has answers
  EXPECT_GE(large_dry, 2);
}

double PixelAgreement(const PolygonImage& truth, const PolygonImage& seg) {
  const detect::ClassImage a = Raster(truth), b = Raster(seg);
  return double(cv::countNonZero(a.classes == b.classes)) / a.classes.total();
}

TEST(SegmentationNoise, LevelZeroIsTheTruthAndLevelsDegrade) {
  // Pixel agreement with the truth falls from level 0 (exactly 1) through 2 to 5 over 8 scenes
  // (adjacent levels may swap on so few scenes: a missed water body weighs more than many cars).
  std::map<int, double> agreement;
  SegSimReport high;
  for (uint64_t i = 0; i < 8; ++i) {
    const PolygonImage truth = Scene(i);
    for (int level : {0, 2, 5}) {
      auto seg =
          SimulateSegmentation(truth, Flood(), SegNoiseLevelParams(level).value(), 5, level == 5 ? &high : nullptr);
      ASSERT_TRUE(seg.ok()) << seg.status().message();
      EXPECT_EQ(seg->id, truth.id);
      agreement[level] += PixelAgreement(truth, *seg) / 8;
      if (level == 0) {
        ASSERT_EQ(seg->entities.size(), truth.entities.size()) << truth.id;
        for (const auto& e : seg->entities) EXPECT_GE(e.confidence, 0.9f);
      }
      if (level == 2 && i == 0) {  // seeded: the same call gives the same polygons
        auto again = SimulateSegmentation(truth, Flood(), SegNoiseLevelParams(level).value(), 5);
        EXPECT_EQ(ingest::PolygonGeoJson(*again, Flood()), ingest::PolygonGeoJson(*seg, Flood()));
        auto other = SimulateSegmentation(truth, Flood(), SegNoiseLevelParams(level).value(), 6);
        EXPECT_NE(ingest::PolygonGeoJson(*other, Flood()), ingest::PolygonGeoJson(*seg, Flood()));
      }
    }
  }
  EXPECT_DOUBLE_EQ(agreement[0], 1.0);
  EXPECT_LT(agreement[2], agreement[0]);
  EXPECT_LT(agreement[5], agreement[2]);
  EXPECT_GT(high.missed, 0u);
  EXPECT_GT(high.confused, 0u);
  EXPECT_GT(high.moved, 0u);
  EXPECT_GT(high.fragmented, 0u);
  EXPECT_GT(high.false_components, 0u);
  EXPECT_FALSE(SegNoiseLevelParams(6).ok());
  EXPECT_FALSE(SegNoiseLevelParams(-1).ok());
}

}  // namespace
}  // namespace georune::eval
