// Crisp relations exactly on their boundaries (spec §4), with decimal corners as label files
// write them: each case puts two or three boxes exactly on a relation's threshold, then one
// decimal step (0.001 px) to either side, and checks the spec's rule (≤ holds at the tie, <
// fails). Positions are random decimals, so that floating point often rounds the derived
// quantities to the wrong side; each test checks that its cases include such roundings.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include "georune/logic/bound.h"
#include "georune/reason/evaluator.h"
#include "georune/reason/planner.h"
#include "georune/reason/relations.h"
#include "random_formulas.h"

namespace georune::reason {
namespace {

using logic::Relation;

constexpr double kStep = 0.001;

// A decimal with `places` places in [lo, hi).
double Decimal(std::mt19937& rng, double lo, double hi, int places = 1) {
  const double scale = std::pow(10.0, places);
  const auto steps = static_cast<long long>((hi - lo) * scale);
  return std::round(lo * scale + static_cast<double>(rng() % steps)) / scale;
}

// Rounds to `places` decimals (the value a label file would hold).
double Round(double v, int places = 6) {
  const double scale = std::pow(10.0, places);
  return std::round(v * scale) / scale;
}

SceneEntity Rect(double x0, double y0, double w, double h, int id = 0) {
  const double x1 = Round(x0 + w), y1 = Round(y0 + h);
  return MakeSceneEntity(id, 0, 1.0, Corners{x0, y0, x1, y0, x1, y1, x0, y1});
}

double Crisp(Relation r, const SceneEntity& a, const SceneEntity& b, const TruthParams& params) {
  const SceneEntity* args[2] = {&a, &b};
  return RelationTruth(r, args, params);
}

TruthParams CrispParams() {
  TruthParams p;
  p.crisp = true;
  return p;
}

// Squares of sides s1, s2 (S = (s1 + s2) / 2) whose nearest corners are (0.6t, 0.8t) apart, so
// that d = t = k·S exactly; then b moved by ±kStep in x.
TEST(ExactTies, NearAndFarOnTheirThresholds) {
  std::mt19937 rng(3);
  const TruthParams params = CrispParams();
  int misses = 0;
  for (int i = 0; i < 300; ++i) {
    const double s1 = Decimal(rng, 1, 40), s2 = Decimal(rng, 1, 40);
    const double x = Decimal(rng, 0, 4000), y = Decimal(rng, 0, 4000);
    const bool far = i % 2 == 1;
    const double k = far ? params.k_far : params.k_near;
    const double t = Round(k * (s1 + s2) / 2);
    const SceneEntity a = Rect(x, y, s1, s1);
    const double bx = Round(x + s1 + 0.6 * t), by = Round(y + s1 + 0.8 * t);
    const Relation r = far ? Relation::kFar : Relation::kNear;
    const SceneEntity tie = Rect(bx, by, s2, s2);
    ASSERT_EQ(Crisp(r, a, tie, params), 1.0) << "tie " << i;
    misses += far ? ConvexDistance(a.hull, tie.hull) < k * (a.s + tie.s) / 2
                  : ConvexDistance(a.hull, tie.hull) > k * (a.s + tie.s) / 2;
    ASSERT_EQ(Crisp(r, a, Rect(Round(bx + kStep), by, s2, s2), params), far ? 1.0 : 0.0) << i;
    ASSERT_EQ(Crisp(r, a, Rect(Round(bx - kStep), by, s2, s2), params), far ? 0.0 : 1.0) << i;
  }
  EXPECT_GT(misses, 0) << "floating point should put some ties on the wrong side";
}

// on(a, b): b covers exactly half of a (t_on = 0.5) after one turn by a Pythagorean rotation.
TEST(ExactTies, OnAtHalfTheArea) {
  std::mt19937 rng(5);
  const TruthParams params = CrispParams();
  auto turned = [](double x0, double y0, double w, double h) {
    // (x, y) → (0.6x − 0.8y, 0.8x + 0.6y): exact in decimals.
    const double xs[4] = {x0, x0 + w, x0 + w, x0}, ys[4] = {y0, y0, y0 + h, y0 + h};
    Corners c;
    for (int k = 0; k < 4; ++k)
      c[2 * k] = Round(0.6 * xs[k] - 0.8 * ys[k]), c[2 * k + 1] = Round(0.8 * xs[k] + 0.6 * ys[k]);
    return MakeSceneEntity(0, 0, 1.0, c);
  };
  int misses = 0;
  for (int i = 0; i < 300; ++i) {
    const double x = Decimal(rng, 1000, 3000), y = Decimal(rng, 0, 2000), w = Decimal(rng, 1, 50),
                 h = Decimal(rng, 1, 50);
    const SceneEntity a = turned(x, y, w, h);
    const double half = Round(x + w / 2, 2);
    auto cover = [&](double from) { return turned(from, y - 10, 100, h + 20); };
    const SceneEntity tie = cover(half);
    ASSERT_EQ(Crisp(Relation::kOn, a, tie, params), 1.0) << "tie " << i;
    misses += ConvexIntersectionArea(a.hull, tie.hull) < 0.5 * a.area;
    ASSERT_EQ(Crisp(Relation::kOn, a, cover(Round(half + kStep)), params), 0.0) << i;
    ASSERT_EQ(Crisp(Relation::kOn, a, cover(Round(half - kStep)), params), 1.0) << i;
    ASSERT_EQ(Crisp(Relation::kContains, tie, a, params), 1.0) << i;
  }
  EXPECT_GT(misses, 0);
}

// overlaps: turned rectangles sharing an edge touch without overlapping.
TEST(ExactTies, TouchingBoxesDoNotOverlap) {
  std::mt19937 rng(7);
  const TruthParams params = CrispParams();
  int misses = 0;
  for (int i = 0; i < 300; ++i) {
    const double x = Decimal(rng, 0, 3000), y = Decimal(rng, 0, 3000);
    const double a = Decimal(rng, 3, 40), b = Decimal(rng, 1, 30);  // half-axes u = (a, b), w = (−b, a)/2
    const double ux = a, uy = b, wx = Round(-b / 2, 2), wy = Round(a / 2, 2);
    auto box = [&](double cx, double cy) {
      return MakeSceneEntity(
          0, 0, 1.0,
          Corners{Round(cx + ux + wx), Round(cy + uy + wy), Round(cx - ux + wx), Round(cy - uy + wy),
                  Round(cx - ux - wx), Round(cy - uy - wy), Round(cx + ux - wx), Round(cy + uy - wy)});
    };
    const SceneEntity first = box(x, y);
    const SceneEntity touching = box(Round(x + 2 * wx), Round(y + 2 * wy));
    ASSERT_EQ(Crisp(Relation::kOverlaps, first, touching, params), 0.0) << "tie " << i;
    misses += ConvexIntersectionArea(first.hull, touching.hull) > 0;
    ASSERT_EQ(Crisp(Relation::kNear, first, touching, params), 1.0) << i;
    const double towards = wx < 0 ? kStep : -kStep;  // along x, back towards the first box
    ASSERT_EQ(Crisp(Relation::kOverlaps, first, box(Round(x + 2 * wx + towards), Round(y + 2 * wy)), params), 1.0) << i;
    const SceneEntity apart = box(Round(x + 2 * wx + (wx < 0 ? -kStep : kStep)), Round(y + 2 * wy + kStep));
    ASSERT_EQ(Crisp(Relation::kOverlaps, first, apart, params), 0.0) << i;
  }
  EXPECT_GT(misses, 0);
}

// parallel / perpendicular: a long side along (q, p) against one along (1, 0) or (0, 1), with
// p/q the best approximations of tan 15° (no rational direction is exactly at 15°, so the
// verdict is decided by the sign of an irrational difference, checked here in integers), and
// exactly at 45° with thresholds of 45°.
TEST(ExactTies, ParallelAndPerpendicularAtTheirAngles) {
  const TruthParams params = CrispParams();
  auto sheared = [](long long q, long long p) {
    const double x = static_cast<double>(q), y = static_cast<double>(p);
    return MakeSceneEntity(0, 0, 1.0, Corners{0, 0, x, y, x, y + 1, 0, 1});
  };
  const SceneEntity across = MakeSceneEntity(1, 0, 1.0, Corners{0, 0, 1000, 0, 1000, 1, 0, 1});
  const SceneEntity up = MakeSceneEntity(2, 0, 1.0, Corners{0, 0, 1, 0, 1, 1000, 0, 1000});
  // Directions (q, p) on both sides of 15° (long sides: q > 1000): a stretch of denominators, and the solutions of
  // x² − 3q² = 1 (just inside) and x² − 3q² = −2 (just outside), x = 2q − p, whose angles differ
  // from 15° by less than floating point resolves.
  std::vector<std::pair<long long, long long>> directions;
  for (long long q = 10'000'000; q < 10'000'000 + 300; ++q) {
    const auto tan15 = static_cast<long long>(std::floor((2 - std::sqrt(3.0)) * static_cast<double>(q)));
    for (long long p = tan15 - 1; p <= tan15 + 2; ++p) directions.emplace_back(q, p);
  }
  for (auto [x, y] : {std::pair<long long, long long>{2, 1}, {1, 1}}) {
    for (; y < 2'000'000'000LL; std::tie(x, y) = std::pair(2 * x + 3 * y, x + 2 * y))
      if (y > 1000) directions.emplace_back(y, 2 * y - x);
  }
  int misses = 0;
  for (const auto& [q, p] : directions) {
    // δ <= 15° ⇔ p/q <= 2 − √3 ⇔ (2q − p)² >= 3q² (2q − p > 0).
    const __int128 l = 2 * q - p;
    const bool within = l * l >= static_cast<__int128>(3) * q * q;
    const SceneEntity e = sheared(q, p);
    ASSERT_EQ(Crisp(Relation::kParallel, e, across, params), within ? 1.0 : 0.0) << q << " " << p;
    ASSERT_EQ(Crisp(Relation::kPerpendicular, e, up, params), within ? 1.0 : 0.0) << q << " " << p;
    misses += (OrientationDifference(e.theta(), across.theta()) <= 15.0) != within;
  }
  EXPECT_GT(misses, 0);
  TruthParams at45 = params;
  at45.parallel_deg = at45.perpendicular_deg = 45;
  for (long long q : {3LL, 7LL, 1234567LL}) {
    for (long long p : {q - 1, q, q + 1}) {
      const SceneEntity e = sheared(q, p);
      ASSERT_EQ(Crisp(Relation::kParallel, e, across, at45), p <= q ? 1.0 : 0.0) << q << " " << p;
      ASSERT_EQ(Crisp(Relation::kPerpendicular, e, across, at45), p >= q ? 1.0 : 0.0) << q << " " << p;
    }
  }
}

// aligned: squares of side 2 whose centres fit a strip exactly 2 wide (t_al · min s), turned by a
// Pythagorean rotation and moved by random decimals.
TEST(ExactTies, AlignedStripExactlyAsWideAsTheSmallestSize) {
  std::mt19937 rng(11);
  const TruthParams params = CrispParams();
  int misses = 0;
  for (int i = 0; i < 300; ++i) {
    const double x = Decimal(rng, 0, 3000), y = Decimal(rng, 0, 3000), len = Decimal(rng, 20, 200);
    auto square = [&](double cx, double cy) {  // side 2 centred on the turned (cx, cy)
      Corners c;
      const double dx[4] = {-1, 1, 1, -1}, dy[4] = {-1, -1, 1, 1};
      for (int k = 0; k < 4; ++k) {
        const double px = cx + dx[k], py = cy + dy[k];
        c[2 * k] = Round(x + 0.6 * px - 0.8 * py), c[2 * k + 1] = Round(y + 0.8 * px + 0.6 * py);
      }
      return MakeSceneEntity(0, 0, 1.0, c);
    };
    auto aligned = [&](double offset) {
      const SceneEntity e[3] = {square(0, 0), square(len, 0), square(Round(len / 2, 2), offset)};
      const SceneEntity* args[3] = {&e[0], &e[1], &e[2]};
      if (offset == 2) {
        const Vec2 c[3] = {e[0].c, e[1].c, e[2].c};
        misses += StripWidth(c) > params.t_aligned * e[0].s;
      }
      return RelationTruth(Relation::kAligned, args, params);
    };
    ASSERT_EQ(aligned(2), 1.0) << "tie " << i;
    ASSERT_EQ(aligned(2 - kStep), 1.0) << i;
    ASSERT_EQ(aligned(2 + kStep), 0.0) << i;
  }
  EXPECT_GT(misses, 0);
}

// larger / smaller with equal areas of different shapes, and comparisons on their thresholds.
TEST(ExactTies, LargerAndComparisons) {
  std::mt19937 rng(13);
  const TruthParams params = CrispParams();
  const auto& o = Ontology::Default();
  auto compare = [&](const std::string& text, const SceneEntity& a, const SceneEntity& b, double gsd) {
    auto q = logic::ParseAndBind("plane(a) AND plane(b) AND " + text, o);
    EXPECT_TRUE(q.ok()) << text;
    const logic::BoundNode& node = *q->root->children[0]->children.back();
    const SceneEntity* args[2] = {&a, &b};
    return CompareTruth(node, std::span<const SceneEntity* const>(args, node.vars.size()), gsd, params);
  };
  for (int i = 0; i < 200; ++i) {
    const double x = Decimal(rng, 0, 3000), y = Decimal(rng, 0, 3000);
    const double w = Decimal(rng, 1, 20), h = Decimal(rng, 1, 20);
    const SceneEntity a = Rect(x, y, w, h);
    const SceneEntity same = Rect(Round(x + 0.7), y, h, w);  // the same area, turned
    ASSERT_EQ(Crisp(Relation::kLarger, a, same, params), 0.0) << i;
    ASSERT_EQ(Crisp(Relation::kSmaller, a, same, params), 0.0) << i;
    ASSERT_EQ(Crisp(Relation::kLarger, a, Rect(x, y, w, Round(h - kStep)), params), 1.0) << i;
    // d = 5 px exactly: nearest corners (3, 4) apart.
    const SceneEntity b = Rect(Round(x + w + 3), Round(y + h + 4), 2, 2);
    const SceneEntity b_far = Rect(Round(x + w + 3 + kStep), Round(y + h + 4), 2, 2);
    EXPECT_EQ(compare("distance(a, b) <= 5", a, b, 0.3), 1.0) << i;
    EXPECT_EQ(compare("distance(a, b) < 5", a, b, 0.3), 0.0) << i;
    EXPECT_EQ(compare("distance(a, b) <= 5", a, b_far, 0.3), 0.0) << i;
    EXPECT_EQ(compare("distance(a, b) <= 1.5 m", a, b, 0.3), 1.0) << i;  // 1.5 m / 0.3 m/px = 5 px
    EXPECT_EQ(compare("distance(a, b) >= 1.5 m", a, b, 0.3), 1.0) << i;
    EXPECT_EQ(compare("distance(a, b) <= 1.5 m", a, b_far, 0.3), 0.0) << i;
    const std::string area = std::to_string(Round(w * h, 4));
    EXPECT_EQ(compare("area(a) >= " + area, a, b, 0.3), 1.0) << i;
    EXPECT_EQ(compare("area(a) > " + area, a, b, 0.3), 0.0) << i;
    EXPECT_EQ(compare("length(a) <= " + std::to_string(std::max(w, h)), a, b, 0.3), 1.0) << i;
  }
}

// The reference and the planned evaluator on scenes full of exact ties: unit squares on a
// lattice of decimal positions (centres on diagonals, touching edges, distances equal to S).
TEST(ExactTies, PlannedEqualsReferenceOnLatticeScenes) {
  std::mt19937 rng(17);
  const auto& o = Ontology::Default();
  for (int it = 0; it < 600; ++it) {
    const std::string text = testing::RandomFormula(rng);
    auto q = logic::ParseAndBind(text, o);
    ASSERT_TRUE(q.ok()) << text;
    Scene scene;
    scene.gsd = 0.5;
    const int n = 2 + static_cast<int>(rng() % 7);
    const double origin = Decimal(rng, 0, 3000);
    for (int i = 0; i < n; ++i) {
      const double cx = Round(origin + 1.1 * static_cast<double>(rng() % 6)),
                   cy = Round(origin + 1.1 * static_cast<double>(rng() % 6));
      const char* names[] = {"plane", "ship", "harbor", "small_vehicle"};
      const int cls = *o.FindClass(names[rng() % 4]);
      scene.entities.push_back(MakeSceneEntity(
          i, cls, 1.0, Corners{cx, cy, Round(cx + 1.1), cy, Round(cx + 1.1), Round(cy + 1.1), cx, Round(cy + 1.1)}));
    }
    TruthParams params = CrispParams();
    ReferenceEvaluator reference(*q, params, 10'000'000);
    PlannedEvaluator planned(*q, params, 10'000'000, {});
    auto r = reference.Score(scene, true);
    auto p = planned.Score(scene, true);
    ASSERT_TRUE(r.ok() && p.ok()) << text;
    ASSERT_EQ(r->value, p->value) << text;
    ASSERT_EQ(r->witness, p->witness) << text;
    ASSERT_EQ(r->atoms, p->atoms) << text;
  }
}

// The crisp near/far fast path (TruthParams::distance_bounds: bounding-box and centroid distances
// settle the verdict without d) against the plain test, on random turned boxes with decimal
// corners placed around the thresholds (ties included: axis-aligned squares whose box gap is d),
// degenerate boxes (segments, points) and polygon entities' absence of bounds.
TEST(ExactTies, NearAndFarFromBoundsEqualThePlainTest) {
  std::mt19937 rng(13);
  TruthParams fast = CrispParams(), plain = CrispParams();
  plain.distance_bounds = false;
  auto turned = [&](double cx, double cy, double w, double h) {
    const double t = Decimal(rng, 0, 3.2, 3), c = std::cos(t), s = std::sin(t);
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    Corners out;
    for (int k = 0; k < 4; ++k)
      out[2 * k] = Round(cx + dx[k] * c - dy[k] * s, 3), out[2 * k + 1] = Round(cy + dx[k] * s + dy[k] * c, 3);
    return MakeSceneEntity(0, 0, 1.0, out);
  };
  std::vector<logic::BoundQuery> comparisons;  // distance comparisons: the same fast path
  for (const char* text : {"distance(a, b) < 30", "distance(a, b) >= 12.5", "distance(a, b) <= 0",
                           "distance(a, b) <= 20 m", "distance(a, b) > 1 km"}) {
    auto q = logic::ParseAndBind(std::string("plane(a) AND plane(b) AND ") + text, Ontology::Default());
    ASSERT_TRUE(q.ok()) << text;
    comparisons.push_back(std::move(q).value());
  }
  int settled = 0, cases = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = Decimal(rng, 0, 4000), y = Decimal(rng, 0, 4000);
    const double w1 = Decimal(rng, 0, 40), h1 = i % 7 == 0 ? 0 : Decimal(rng, 0, 40);
    const double w2 = i % 11 == 0 ? 0 : Decimal(rng, 0, 40), h2 = Decimal(rng, 0, 40);
    const double reach = (i % 3 + 1) * 40.0;  // centre offsets up to 40, 80 or 120 px
    const SceneEntity a = turned(x, y, w1, h1);
    const SceneEntity b = i % 5 == 0 ? Rect(Round(a.max_x + Decimal(rng, 0, 100, 3), 3), y, w2, w2)
                                     : turned(x + Decimal(rng, -reach, reach), y + Decimal(rng, -reach, reach), w2, h2);
    for (const Relation r : {Relation::kNear, Relation::kFar}) {
      ASSERT_EQ(Crisp(r, a, b, fast), Crisp(r, a, b, plain)) << i;
      ASSERT_EQ(Crisp(r, b, a, fast), Crisp(r, b, a, plain)) << i;
      const double t = (r == Relation::kNear ? fast.k_near : fast.k_far) * (a.s + b.s) / 2;
      const double gx = std::max({0.0, a.min_x - b.max_x, b.min_x - a.max_x});
      const double gy = std::max({0.0, a.min_y - b.max_y, b.min_y - a.max_y});
      settled += std::hypot(gx, gy) > t + 1e-5 || std::hypot(a.c.x - b.c.x, a.c.y - b.c.y) < t - 1e-5;
      ++cases;
    }
    const SceneEntity* args[2] = {&a, &b};
    for (const logic::BoundQuery& q : comparisons) {
      const logic::BoundNode& node = *q.root->children[0]->children.back();
      ASSERT_EQ(CompareTruth(node, args, 0.5, fast), CompareTruth(node, args, 0.5, plain)) << i;
    }
  }
  EXPECT_GT(settled, cases / 4) << "the bounds should settle many cases";
  EXPECT_LT(settled, cases * 9 / 10) << "and leave many to the plain test";
}

// Ties exactly on the threshold, where the bounds equal d: axis-aligned squares side by side
// (box gap = d = t) and one decimal step to either side, with and without the fast path.
TEST(ExactTies, NearAndFarTiesWhereTheBoxGapIsTheDistance) {
  std::mt19937 rng(17);
  TruthParams fast = CrispParams(), plain = CrispParams();
  plain.distance_bounds = false;
  for (int i = 0; i < 600; ++i) {
    const double s = Decimal(rng, 1, 40), x = Decimal(rng, 0, 4000), y = Decimal(rng, 0, 4000);
    const bool far = i % 2 == 1;
    const Relation r = far ? Relation::kFar : Relation::kNear;
    const double t = (far ? fast.k_far : fast.k_near) * s;
    const SceneEntity a = Rect(x, y, s, s);
    for (const double step : {0.0, kStep, -kStep}) {
      const SceneEntity b = Rect(Round(x + s + t + step), y, s, s);
      const double expected = step == 0 ? 1.0 : (step > 0) == far ? 1.0 : 0.0;
      ASSERT_EQ(Crisp(r, a, b, fast), expected) << i << " step " << step;
      ASSERT_EQ(Crisp(r, a, b, plain), expected) << i << " step " << step;
    }
  }
}

}  // namespace
}  // namespace georune::reason
