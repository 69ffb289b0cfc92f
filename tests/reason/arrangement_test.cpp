// n-ary arrangements: the exact operator against the reference's nested loops, and formulas of
// any size without a crash.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "georune/logic/bound.h"
#include "georune/reason/planner.h"
#include "random_formulas.h"

namespace georune::reason {
namespace {

// n variables of `cls` under the arrangement `shape` ("row", "aligned", "clustered").
std::string Arrangement(const std::string& cls, int n, const std::string& shape) {
  std::string text, args;
  for (int i = 0; i < n; ++i) {
    const std::string v = "x" + std::to_string(i);
    text += (i ? " AND " : "") + cls + "(" + v + ")";
    args += (i ? ", " : "") + v;
  }
  if (shape != "clustered") text += " AND aligned(" + args + ")";
  if (shape != "aligned") text += " AND clustered(" + args + ")";
  return text;
}

struct Outcome {
  double reference = 0, planned = 0;
  ImageScore reference_score, planned_score;  // witnesses and atoms (canonical: equal)
};

Outcome Compare(const std::string& text, const Scene& scene, const TruthParams& params,
                std::set<std::string> disabled = {}) {
  auto q = logic::ParseAndBind(text, Ontology::Default());
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().message();
  ReferenceEvaluator reference(*q, params, 500'000'000);
  PlannedEvaluator planned(*q, params, 500'000'000, std::move(disabled));
  auto r = reference.Score(scene, true);
  auto p = planned.Score(scene, true);
  EXPECT_TRUE(r.ok() && p.ok());
  if (!r.ok() || !p.ok()) return {};
  return {r->value, p->value, *r, *p};
}

// Random dense scenes: a few short rows of cars (gaps, jitter, some turned), plus other classes.
TEST(Arrangements, PlannedEqualsReferenceOnRandomRows) {
  std::mt19937 rng(91);
  const char* shapes[] = {"row", "aligned", "clustered"};
  int found = 0, total = 0;
  for (int it = 0; it < 240; ++it) {
    const bool crisp = it % 3 != 2;
    Scene scene = testing::RandomRowScene(rng, 6 + rng() % 9, !crisp || it % 2 == 0);
    const std::string shape = shapes[it % 3];
    const int n = (shape == "clustered" ? 2 : 3) + rng() % 3;
    TruthParams params;
    params.crisp = crisp;
    params.semantics = it % 4 == 3 ? Semantics::kGodel : Semantics::kProduct;
    const std::string text = Arrangement("small_vehicle", n, shape);
    Outcome o = Compare(text, scene, params);
    if (crisp) ASSERT_EQ(o.reference, o.planned) << text << " [crisp] it=" << it;
    else ASSERT_NEAR(o.reference, o.planned, 1e-12) << text << " [soft] it=" << it;
    if (o.reference > 0) {
      ++found;
      ASSERT_EQ(o.reference_score.witness, o.planned_score.witness) << text << " it=" << it;
      ASSERT_EQ(o.reference_score.atoms.size(), o.planned_score.atoms.size()) << text;
      for (size_t i = 0; i < o.reference_score.atoms.size(); ++i) {
        ASSERT_EQ(o.reference_score.atoms[i].first, o.planned_score.atoms[i].first) << text;
        ASSERT_NEAR(o.reference_score.atoms[i].second, o.planned_score.atoms[i].second, 1e-12) << text;
      }
    }
    ++total;
  }
  EXPECT_GT(found, total / 5) << "rows should often be found";
  EXPECT_LT(found, total) << "and sometimes not";
}

// With the arrangement operator off, symmetry breaking alone must keep the answers.
TEST(Arrangements, SymmetryBreakingAloneKeepsAnswers) {
  std::mt19937 rng(5);
  for (int it = 0; it < 120; ++it) {
    Scene scene = testing::RandomRowScene(rng, 6 + rng() % 7, it % 2 == 0);
    TruthParams params;
    params.crisp = it % 2 == 0;
    const std::string text = Arrangement("small_vehicle", 3 + it % 2, it % 3 == 0 ? "clustered" : "row");
    Outcome o = Compare(text, scene, params, {"arrangements"});
    ASSERT_NEAR(o.reference, o.planned, 1e-12) << text << " it=" << it;
    ASSERT_EQ(o.reference_score.witness, o.planned_score.witness) << text << " it=" << it;
  }
}

// The exact operator on scenes far beyond the reference: a parking lot of 20 rows of 30 cars.
TEST(Arrangements, LargeArrangementsAreExactAndFast) {
  Scene scene;
  const int cls = *Ontology::Default().FindClass("small_vehicle");
  for (int row = 0; row < 20; ++row) {
    for (int i = 0; i < 30; ++i) {
      const double x = i * 12.0 + (i >= 25 ? 40.0 : 0.0), y = row * 40.0;  // a gap after 25 cars
      Corners c{x, y, x + 10, y, x + 10, y + 5, x, y + 5};
      scene.entities.push_back(MakeSceneEntity(static_cast<int>(scene.entities.size()), cls, 1.0, c));
    }
  }
  TruthParams params;
  params.crisp = true;
  auto value = [&](const std::string& text) {
    auto q = logic::ParseAndBind(text, Ontology::Default());
    EXPECT_TRUE(q.ok()) << q.status().message();
    PlannedEvaluator planned(*q, params, 50'000'000, {});
    auto r = planned.Score(scene, true);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.status().message());
    return r.ok() ? r->value : -1.0;
  };
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(value(Arrangement("small_vehicle", 25, "row")), 1.0);      // 25 touching cars in a row
  EXPECT_EQ(value(Arrangement("small_vehicle", 26, "row")), 0.0);      // the gap breaks clustered
  EXPECT_EQ(value(Arrangement("small_vehicle", 30, "aligned")), 1.0);  // aligned ignores the gap
  EXPECT_EQ(value(Arrangement("small_vehicle", 31, "aligned")), 0.0);  // rows are 40 px apart
  // The lot: cars 2 px apart in a row, rows 35 px apart; near reaches (s+s)/2 ≈ 7 px.
  EXPECT_EQ(value(Arrangement("small_vehicle", 25, "clustered")), 1.0);
  EXPECT_EQ(value(Arrangement("small_vehicle", 100, "clustered")), 0.0);
  EXPECT_EQ(value(Arrangement("ship", 3, "clustered")), 0.0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 60.0) << "polynomial operators (a generous bound for a loaded machine)";
}

// A hundred arguments: accepted and answered, never a crash (soft truth enumerates and may run
// out of budget: then a clear refusal).
TEST(Arrangements, HundredArgumentsNeverCrash) {
  std::mt19937 rng(3);
  Scene scene = testing::RandomRowScene(rng, 40, true);
  for (bool crisp : {true, false}) {
    TruthParams params;
    params.crisp = crisp;
    for (const char* shape : {"clustered", "row", "aligned"}) {
      auto q = logic::ParseAndBind(Arrangement("small_vehicle", 100, shape), Ontology::Default());
      ASSERT_TRUE(q.ok());
      PlannedEvaluator planned(*q, params, 1'000'000, {});
      auto r = planned.Score(scene, true);
      if (r.ok()) EXPECT_EQ(r->value, 0.0);  // fewer than 100 cars
      else EXPECT_NE(r.status().message().find("assignments"), std::string::npos);
      ReferenceEvaluator reference(*q, params, 1'000'000);
      auto ref = reference.Score(scene, false);
      if (ref.ok()) {
        EXPECT_EQ(ref->value, 0.0);
      }
    }
  }
}

TEST(Arrangements, DeadlineStopsAnEnumerationWithANamedRefusal) {
  std::mt19937 rng(4);
  Scene scene = testing::RandomRowScene(rng, 60, false);
  auto q = logic::ParseAndBind(Arrangement("small_vehicle", 12, "row"), Ontology::Default());
  ASSERT_TRUE(q.ok());
  TruthParams params;  // soft, unequal confidences: enumerated
  ReferenceEvaluator reference(*q, params, ~uint64_t{0});
  const auto start = std::chrono::steady_clock::now();
  reference.SetDeadline(start + std::chrono::milliseconds(200), 0.2);
  auto r = reference.Score(scene, false);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("time budget of 0.2 s"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("aligned("), std::string::npos) << r.status().message();
  EXPECT_LT(seconds, 1.0);
}

}  // namespace
}  // namespace georune::reason

namespace georune::reason {
namespace {

// Turned rectangles with decimal corners whose centres differ by exactly (d, d): the ship sits on
// the 45° boundary below-right of the bridge, so below and right_of both hold (spec §4: a tie
// satisfies both neighbours), however floating point rounds the centroids.
TEST(ExactTies, DiagonalCentresSatisfyBothNeighbours) {
  std::mt19937 rng(12);
  auto decimal = [&](int lo, int hi) { return (lo * 10 + static_cast<int>(rng() % ((hi - lo) * 10))) / 10.0; };
  auto box = [&](double cx, double cy) {
    const double a = decimal(3, 40), b = decimal(1, 30);  // half-axis u = (a, b), w = (-b, a) / 2
    const double ux = a, uy = b, wx = -b / 2, wy = a / 2;
    // Rounded to the decimals a label file holds (what floating point adds is not a decimal).
    auto r = [](double v) { return std::round(v * 100.0) / 100.0; };
    return Corners{r(cx + ux + wx), r(cy + uy + wy), r(cx - ux + wx), r(cy - uy + wy),
                   r(cx - ux - wx), r(cy - uy - wy), r(cx + ux - wx), r(cy + uy - wy)};
  };
  const auto& o = Ontology::Default();
  auto q = logic::ParseAndBind("ship(s) AND bridge(b) AND below(s, b) AND right_of(s, b)", o);
  ASSERT_TRUE(q.ok());
  TruthParams params;
  params.crisp = true;
  int floating_misses = 0;
  for (int i = 0; i < 400; ++i) {
    const double x = decimal(0, 3000), y = decimal(0, 3000), d = decimal(1, 500);
    Scene scene;
    scene.entities.push_back(MakeSceneEntity(0, *o.FindClass("bridge"), 1.0, box(x, y)));
    scene.entities.push_back(MakeSceneEntity(1, *o.FindClass("ship"), 1.0, box(x + d, y + d)));
    const Vec2 v{scene.entities[1].c.x - scene.entities[0].c.x, scene.entities[1].c.y - scene.entities[0].c.y};
    floating_misses += std::abs(v.x) != std::abs(v.y);
    ReferenceEvaluator reference(*q, params, 1000);
    PlannedEvaluator planned(*q, params, 1000, {});
    ASSERT_EQ(reference.Score(scene, false)->value, 1.0) << "case " << i;
    ASSERT_EQ(planned.Score(scene, false)->value, 1.0) << "case " << i;
  }
  EXPECT_GT(floating_misses, 0) << "the cases should include centroids that floating point puts off the line";
}

}  // namespace
}  // namespace georune::reason
