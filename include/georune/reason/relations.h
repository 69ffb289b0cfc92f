// Truth of atoms (spec §4): relations and comparisons on scene entities, soft or crisp.
//
// Every function returns a truth value in [0, 1]. Crisp mode gives exactly 0 or 1; soft mode
// gives clamp(0.5 + m / (2·w), 0, 1) from the relation's margin m (m ≥ 0 ⇔ the relation holds)
// and width w = softness · threshold; a relation that fails on its boundary (margin exactly 0
// on a strict inequality) gets a value just below 0.5. docs/parameters.md lists the margins.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "georune/logic/bound.h"
#include "georune/reason/params.h"
#include "georune/reason/scene.h"

namespace georune::reason {

// `args` are the relation's arguments in order (distinct entities, or the same one repeated).
double RelationTruth(logic::Relation relation, std::span<const SceneEntity* const> args, const TruthParams& params);

// clustered() from the near-truth of its argument pairs: near(i, j) for 0 <= i, j < n. Crisp:
// 1 if the near-graph is connected; soft: the weakest edge of the best spanning tree.
template <typename NearFn>
double ClusteredFromNear(size_t n, NearFn near, bool crisp);

// The measure of a comparison in pixels (px, px² or degrees).
double MeasureValue(logic::Measure measure, std::span<const SceneEntity* const> args);

// A comparison's threshold converted to pixels with `gsd` (metres per pixel); NaN if the unit
// is metric and gsd is NaN.
double ThresholdInPixels(const logic::BoundNode& compare, double gsd);

double CompareTruth(const logic::BoundNode& compare, std::span<const SceneEntity* const> args, double gsd,
                    const TruthParams& params);

// Truth of a class atom C(x): p(x) when x's class is in the atom's set (or any class), else 0.
double ClassTruth(const logic::BoundNode& atom, const SceneEntity& e, const TruthParams& params);

// The semantics' connectives (spec §5).
double And(Semantics s, double a, double b);
double Or(Semantics s, double a, double b);
inline double Not(double a) { return 1.0 - a; }

}  // namespace georune::reason

namespace georune::reason {

template <typename NearFn>
double ClusteredFromNear(size_t n, NearFn near, bool crisp) {
  // Prim's algorithm, maximising the weakest edge (crisp values make it plain connectivity).
  std::vector<double> best(n, -1.0);
  std::vector<bool> in_tree(n, false);
  best[0] = 1.0;
  double bottleneck = 1.0;
  for (size_t step = 0; step < n; ++step) {
    size_t u = n;
    for (size_t i = 0; i < n; ++i) {
      if (!in_tree[i] && (u == n || best[i] > best[u])) u = i;
    }
    in_tree[u] = true;
    bottleneck = std::min(bottleneck, best[u]);
    if (bottleneck <= 0.0) return 0.0;
    for (size_t v = 0; v < n; ++v) {
      if (!in_tree[v]) best[v] = std::max(best[v], near(u, v));
    }
  }
  return crisp ? (bottleneck > 0.0 ? 1.0 : 0.0) : bottleneck;
}

}  // namespace georune::reason
