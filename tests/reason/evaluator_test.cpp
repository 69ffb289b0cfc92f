// The planned evaluator against the reference (spec §6) on random scenes and formulas, in every
// semantics, soft and crisp, with every optimisation on and with each one switched off.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "georune/logic/bound.h"
#include "georune/reason/planner.h"
#include "georune/reason/relations.h"
#include "random_formulas.h"

namespace georune::reason {
namespace {

struct Case {
  Semantics semantics;
  bool crisp;
};

void ExpectSameScores(const std::string& disabled_one, int iterations, uint32_t seed, int min_entities = 0,
                      int max_entities = 8, bool polygons = false) {
  std::mt19937 rng(seed);
  const Case cases[] = {{Semantics::kProduct, false},
                        {Semantics::kProduct, true},
                        {Semantics::kGodel, false},
                        {Semantics::kLukasiewicz, false},
                        {Semantics::kLukasiewicz, true}};
  int nonzero = 0;
  for (int it = 0; it < iterations; ++it) {
    std::string text = testing::RandomFormula(rng);
    auto q = logic::ParseAndBind(text, Ontology::Default());
    ASSERT_TRUE(q.ok()) << text << "\n" << q.status().message();
    const Case& c = cases[it % 5];
    const int n = min_entities + rng() % (max_entities - min_entities + 1);
    Scene scene = polygons ? testing::RandomPolygonScene(rng, n, c.crisp && it % 2 == 0)
                           : testing::RandomScene(rng, n, c.crisp && it % 2 == 0);
    TruthParams params;
    params.semantics = c.semantics;
    params.crisp = c.crisp;
    ReferenceEvaluator reference(*q, params, 50'000'000);
    std::set<std::string> disabled;
    if (!disabled_one.empty()) disabled.insert(disabled_one);
    PlannedEvaluator planned(*q, params, 50'000'000, disabled);
    auto r = reference.Score(scene, true);
    auto p = planned.Score(scene, true);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(p.ok()) << p.status().message();
    if (c.crisp) {
      ASSERT_EQ(r->value, p->value) << text << " [" << SemanticsName(c.semantics) << " crisp]";
    } else {
      ASSERT_NEAR(r->value, p->value, 1e-12) << text << " [" << SemanticsName(c.semantics) << "]";
    }
    if (r->value > 0) {
      ++nonzero;
      ASSERT_EQ(r->witness.size(), p->witness.size()) << text;
      ASSERT_EQ(r->atoms.size(), p->atoms.size()) << text;
      // Canonical witnesses (evaluator.h): the same witness, each atom printed and valued the same.
      ASSERT_EQ(r->witness, p->witness) << text << " [" << SemanticsName(c.semantics) << (c.crisp ? " crisp]" : "]");
      for (size_t i = 0; i < r->atoms.size(); ++i) {
        ASSERT_EQ(r->atoms[i].first, p->atoms[i].first) << text;
        ASSERT_NEAR(r->atoms[i].second, p->atoms[i].second, 1e-12) << text << " " << r->atoms[i].first;
      }
    }
  }
  EXPECT_GT(nonzero, iterations / 10) << "the random cases should often be satisfiable";
}

TEST(Evaluator, PlannedEqualsReferenceAllOptimisations) { ExpectSameScores("", 3000, 1); }

// Dense scenes exercise the spatial grid (used above 16 candidates) and the relation cache.
TEST(Evaluator, PlannedEqualsReferenceOnDenseScenes) { ExpectSameScores("", 200, 29, 60, 140); }

// Polygon entities (holes, multipolygons) mixed with boxes: every relation goes through GEOS.
TEST(Evaluator, PlannedEqualsReferenceOnPolygonScenes) {
  ExpectSameScores("", 1500, 41, 0, 8, true);
  ExpectSameScores("", 60, 43, 40, 90, true);  // dense: the spatial grid
}

TEST(Evaluator, PlannedEqualsReferenceWithEachOptimisationOff) {
  for (const auto& [name, what] : EvaluatorOptimizations()) {
    SCOPED_TRACE(name);
    ExpectSameScores(name, 600, 17);
  }
}

// Hand-checked cases of the spec's examples.
class SpecExamples : public ::testing::Test {
 protected:
  Scene scene_;
  void Add(const char* cls, double x, double y, double w, double h, double p = 1.0) {
    Corners c{x, y, x + w, y, x + w, y + h, x, y + h};
    scene_.entities.push_back(
        MakeSceneEntity(static_cast<int>(scene_.entities.size()), *Ontology::Default().FindClass(cls), p, c));
  }
  double Value(const std::string& text, bool crisp = true, bool reference = true) {
    auto q = logic::ParseAndBind(text, Ontology::Default());
    EXPECT_TRUE(q.ok()) << q.status().message();
    TruthParams params;
    params.crisp = crisp;
    std::unique_ptr<Evaluator> e;
    if (reference) e = std::make_unique<ReferenceEvaluator>(*q, params, 1'000'000);
    else e = std::make_unique<PlannedEvaluator>(*q, params, 1'000'000, std::set<std::string>{});
    auto r = e->Score(scene_, false);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->value : -1;
  }
};

TEST_F(SpecExamples, DistinctnessNeedsTwoPlanes) {
  Add("plane", 0, 0, 10, 10);
  EXPECT_EQ(Value("plane(a) AND plane(b)"), 0.0);
  EXPECT_EQ(Value("plane(a)"), 1.0);
  Add("plane", 12, 0, 10, 10);
  EXPECT_EQ(Value("plane(a) AND plane(b) AND near(a, b)"), 1.0);
  EXPECT_EQ(Value("plane(a) AND plane(b) AND near(a, b)", true, false), 1.0);
}

TEST_F(SpecExamples, ThreePlanesAcrossComponents) {
  // plane(a) AND plane(b) AND near(a, b) AND plane(c) AND near(c, h) AND helicopter(h): three planes.
  Add("plane", 0, 0, 10, 10);
  Add("plane", 12, 0, 10, 10);
  Add("helicopter", 100, 100, 10, 10);
  const std::string f = "plane(a) AND plane(b) AND near(a, b) AND plane(c) AND near(c, h) AND helicopter(h)";
  EXPECT_EQ(Value(f), 0.0);
  EXPECT_EQ(Value(f, true, false), 0.0);
  Add("plane", 112, 100, 10, 10);
  EXPECT_EQ(Value(f), 1.0);
  EXPECT_EQ(Value(f, true, false), 1.0);
}

TEST_F(SpecExamples, NestedQuantifierExcludesEveryBoundVariable) {
  // "a plane with no other plane near it": the other plane must differ from a.
  Add("plane", 0, 0, 10, 10);
  const std::string f = "plane(a) AND NOT exists b: plane(b) AND near(b, a)";
  EXPECT_EQ(Value(f), 1.0);
  Add("plane", 11, 0, 10, 10);
  EXPECT_EQ(Value(f), 0.0);
  EXPECT_EQ(Value(f, true, false), 0.0);
}

TEST_F(SpecExamples, CountingAndSoftProduct) {
  Add("storage_tank", 0, 0, 10, 10, 0.9);
  Add("storage_tank", 50, 0, 10, 10, 0.8);
  Add("storage_tank", 100, 0, 10, 10, 0.5);
  // exists>=2: product of the two largest, 0.9 · 0.8.
  EXPECT_NEAR(Value("exists>=2 x: storage_tank(x)", false), 0.72, 1e-12);
  EXPECT_NEAR(Value("exists>=2 x: storage_tank(x)", false, false), 0.72, 1e-12);
  // exists<=2: 1 − value(exists>=3) = 1 − 0.9·0.8·0.5.
  EXPECT_NEAR(Value("exists<=2 x: storage_tank(x)", false), 1 - 0.36, 1e-12);
  EXPECT_EQ(Value("exists=3 x: storage_tank(x)"), 1.0);
  EXPECT_EQ(Value("exists=2 x: storage_tank(x)"), 0.0);
  EXPECT_EQ(Value("exists<=1 x: storage_tank(x)"), 0.0);
  EXPECT_EQ(Value("exists>=4 x: storage_tank(x)"), 0.0);
  // forall over nothing is 1; exists over nothing is 0.
  EXPECT_EQ(Value("forall s: ship(s) -> near(s, s)"), 1.0);
  EXPECT_EQ(Value("exists s: ship(s)"), 0.0);
}

TEST_F(SpecExamples, DirectionalConesAndTies) {
  Add("plane", 0, 0, 10, 10);   // centre (5, 5)
  Add("ship", 20, 20, 10, 10);  // centre (25, 25): exactly on the 45° boundary
  EXPECT_EQ(Value("plane(a) AND ship(b) AND left_of(a, b)"), 1.0);
  EXPECT_EQ(Value("plane(a) AND ship(b) AND above(a, b)"), 1.0);  // north = image up (y down)
  EXPECT_EQ(Value("plane(a) AND ship(b) AND below(a, b)"), 0.0);
  EXPECT_EQ(Value("plane(a) AND ship(b) AND right_of(a, b)"), 0.0);
}

TEST_F(SpecExamples, SoftDirectionalJustAcrossTheLine) {
  // The plane's centre is 1 px right of one ship's: left_of fails crisply but has soft truth
  // 0.5 − 0.05/0.5 = 0.4. Twenty more ships (enough for the planner's sorted-coordinate filter)
  // lie far to the left, where left_of(plane, ship) is 0.
  Add("plane", 101, 0, 20, 20);  // centre (111, 10)
  Add("ship", 100, 0, 20, 20);   // centre (110, 10): v.x = +1, S = 20
  for (int i = 0; i < 20; ++i) Add("ship", -1000 - 30.0 * i, 0, 20, 20);
  const std::string f = "plane(a) AND ship(b) AND left_of(a, b)";
  EXPECT_NEAR(Value(f, false, true), 0.4, 1e-12);
  EXPECT_NEAR(Value(f, false, false), 0.4, 1e-12);
  EXPECT_EQ(Value(f, true, false), 0.0);
  // The same seen from the other side: the ship is right of the plane by soft truth 0.4.
  EXPECT_NEAR(Value("plane(a) AND ship(b) AND right_of(b, a)", false, false), 0.4, 1e-12);
}

TEST(Relations, SoftRampAndCrispAgreeOnTheSide) {
  TruthParams soft, crisp;
  crisp.crisp = true;
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    Scene s = testing::RandomScene(rng, 2, true);
    if (s.entities.size() < 2) continue;
    const SceneEntity* args[2] = {&s.entities[0], &s.entities[1]};
    for (int r = 0; r <= static_cast<int>(logic::Relation::kClustered); ++r) {
      auto rel = static_cast<logic::Relation>(r);
      if (rel == logic::Relation::kAligned) continue;
      double c = RelationTruth(rel, args, crisp), v = RelationTruth(rel, args, soft);
      ASSERT_TRUE(c == 0.0 || c == 1.0);
      ASSERT_GE(v, 0.0);
      ASSERT_LE(v, 1.0);
      // Soft truth ≥ 0.5 exactly where the crisp relation holds.
      ASSERT_EQ(c == 1.0, v >= 0.5) << logic::RelationName(rel);
    }
  }
}

}  // namespace
}  // namespace georune::reason
