// Exact polynomial operators for n-ary arrangements (plan/analysis.h FindArrangement): among
// candidate entities, a set of n that is clustered, aligned, or both.
//
//  - clustered: a connected set of n entities exists iff a component of the near-graph over the
//    candidates has at least n nodes (any connected n-subset of it, e.g. a BFS prefix, will do).
//    Soft: the best spanning-tree bottleneck over n-subsets is the largest weight w at which the
//    graph of edges >= w has a component of n nodes (Kruskal, heaviest edge first).
//  - aligned: a set S is aligned iff its centres fit a strip of width <= t_al·min s(S). A
//    minimum-width strip has a side through two centres of S (an edge of its hull), so S is
//    aligned iff for some pair (i, j), one side of the line through c_i and c_j, and tau =
//    min s(S): every centre of S lies within t_al·tau of that line on that side, and every
//    s >= tau. Conversely any n candidates inside such a half-strip with s >= tau are aligned.
//    So: for every pair, side and tau (a size of an entity in the half-strip), the eligible
//    entities E; aligned needs |E| >= n; aligned AND clustered needs a component of the
//    near-graph restricted to E with n nodes (a subset of an aligned set is aligned).
//    With clustered, S holds the pair and is connected inside the half-strip, so only the
//    component of i among the entities of the widest half-strip (tau = min(s_i, s_j)) is
//    searched, and only pairs of one near-component at most (n-1) longest near-hops apart.
//    Cost: O(N^2) pairs for N candidates, each O(C·d + C^2) for a strip component of C entities
//    of degree d (C^2: the tau values, only when C >= n); aligned alone scans every candidate
//    per pair, O(N^3).
// The half-strip test admits a relative slack of 1e-9 so that no set the exact-rational answer
// accepts is missed by rounding; the caller verifies the set found with the atoms' own truth and
// falls back to the enumerating search if that verification disagrees (a tie at a boundary).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "georune/reason/params.h"
#include "georune/reason/scene.h"

namespace georune::reason {

struct ArrangementSpec {
  bool aligned = false;
  bool clustered = false;
  size_t n = 0;
  bool soft = false;  // soft truth: only clustered alone is supported (see CanSolveArrangement)
};

// Whether the exact operator handles this spec (soft truth with aligned is not polynomial here).
bool CanSolveArrangement(const ArrangementSpec& spec);

struct ArrangementContext {
  const Scene* scene = nullptr;
  const TruthParams* params = nullptr;
  // Truth of near(a, b) for two scene indices (the evaluator's, possibly cached).
  std::function<double(int, int)> near;
  // Called once per unit of work (a pair of entities, a threshold); may throw to stop (budget).
  std::function<void()> tick;
};

// The best set of n candidates (scene indices, ascending), or empty when none exists (crisp),
// or when every n-subset has truth 0 (soft). `candidates`: scene indices, ascending, distinct.
std::vector<int> SolveArrangement(const ArrangementSpec& spec, const std::vector<int>& candidates,
                                  const ArrangementContext& ctx);

// Crisp: the candidates (ascending) that belong to some set of n candidates the spec accepts; a
// superset of that union (it includes the rounding slack), never missing a member. Further
// conjuncts over the same variables can then be enumerated over these entities only.
std::vector<int> ArrangementMembers(const ArrangementSpec& spec, const std::vector<int>& candidates,
                                    const ArrangementContext& ctx);

}  // namespace georune::reason
