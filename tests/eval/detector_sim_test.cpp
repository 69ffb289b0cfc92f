#include "georune/eval/detector_sim.h"

#include <gtest/gtest.h>

#include "georune/eval/scene_generator.h"

namespace georune::eval {
namespace {

std::vector<ImageRecord> Truth(size_t n) {
  GeneratorOptions o;
  o.seed = 3;
  return GenerateImages(Ontology::Default(), o, 0, n, 1);
}

TEST(DetectorSim, LevelZeroKeepsEveryBoxExactlyWithHighScores) {
  const auto truth = Truth(300);
  const auto det = SimulateDetections(truth, Ontology::Default(), *NoiseLevelParams(0), 1);
  ASSERT_EQ(det.size(), truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    ASSERT_EQ(det[i].id, truth[i].id);
    ASSERT_EQ(det[i].entities.size(), truth[i].entities.size());
    for (size_t k = 0; k < truth[i].entities.size(); ++k) {
      EXPECT_EQ(det[i].entities[k].class_id, truth[i].entities[k].class_id);
      EXPECT_EQ(det[i].entities[k].corners, truth[i].entities[k].corners);
      EXPECT_GE(det[i].entities[k].score, 0.85f);
      EXPECT_LE(det[i].entities[k].score, 1.0f);
    }
  }
}

TEST(DetectorSim, SeededAndIndependentOfOtherImages) {
  const auto truth = Truth(200);
  const auto p = *NoiseLevelParams(3);
  const auto a = SimulateDetections(truth, Ontology::Default(), p, 42);
  const auto b = SimulateDetections(truth, Ontology::Default(), p, 42);
  const ImageRecord alone = SimulateImage(truth[77], Ontology::Default(), p, 42);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].entities.size(), b[i].entities.size());
    for (size_t k = 0; k < a[i].entities.size(); ++k) {
      EXPECT_EQ(a[i].entities[k].corners, b[i].entities[k].corners);
      EXPECT_EQ(a[i].entities[k].score, b[i].entities[k].score);
    }
  }
  ASSERT_EQ(alone.entities.size(), a[77].entities.size());
  const auto c = SimulateDetections(truth, Ontology::Default(), p, 43);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i].entities.size() == c[i].entities.size();
  EXPECT_LT(same, 180u);
}

TEST(DetectorSim, NoiseGrowsWithTheLevel) {
  const auto truth = Truth(2000);
  SimulationReport prev;
  double prev_recall = 1.01, prev_fp = -1;
  for (int level = 0; level <= kMaxNoiseLevel; ++level) {
    SimulationReport r;
    const auto det = SimulateDetections(truth, Ontology::Default(), *NoiseLevelParams(level), 9, &r);
    const double recall = static_cast<double>(r.detected - r.confused) / r.truth;
    const double fp = static_cast<double>(r.false_positives) / r.images;
    EXPECT_LT(recall, prev_recall) << "level " << level;
    EXPECT_GT(fp, prev_fp) << "level " << level;
    prev_recall = recall;
    prev_fp = fp;
    for (const auto& img : det)
      for (const auto& e : img.entities) {
        ASSERT_GE(e.score, 0.05f);
        ASSERT_LE(e.score, 1.0f);
      }
    if (level == 0) {
      EXPECT_EQ(r.missed + r.confused + r.false_positives + r.duplicates, 0u);
    }
    if (level == 3) {
      EXPECT_GT(r.confused, 0u);
      EXPECT_GT(r.duplicates, 0u);
    }
  }
  EXPECT_LT(prev_recall, 0.7);
}

TEST(DetectorSim, ConfusionStaysWithinSimilarClasses) {
  const Ontology& onto = Ontology::Default();
  const int car = *onto.FindClass("small_vehicle"), truck = *onto.FindClass("large_vehicle");
  ImageRecord img;
  img.id = "X";
  img.gsd = 0.2;
  for (int i = 0; i < 400; ++i) {
    EntityRecord e;
    e.class_id = car;
    const double x = 30.0 * (i % 20), y = 30.0 * (i / 20);
    e.corners = {x, y, x + 23, y, x + 23, y + 9, x, y + 9};
    img.entities.push_back(e);
  }
  NoiseParams p = *NoiseLevelParams(5);
  p.fp_per_image = 0;
  p.duplicate = 0;
  const ImageRecord det = SimulateImage(img, onto, p, 5);
  int cars = 0, trucks = 0, other = 0;
  double car_score = 0, truck_score = 0;
  for (const auto& e : det.entities) {
    if (e.class_id == car) ++cars, car_score += e.score;
    else if (e.class_id == truck) ++trucks, truck_score += e.score;
    else ++other;
  }
  EXPECT_EQ(other, 0);
  EXPECT_GT(trucks, 20);  // 22% of ~250 detected
  EXPECT_GT(cars, trucks);
  EXPECT_GT(car_score / cars, truck_score / trucks) << "confused detections score lower";
}

TEST(DetectorSim, LevelOutOfRangeIsAUserError) {
  EXPECT_EQ(NoiseLevelParams(-1).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(NoiseLevelParams(kMaxNoiseLevel + 1).status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace georune::eval
