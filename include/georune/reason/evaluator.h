// Evaluators: the value of a closed query on one image's scene (spec §3–§5), with a witness.
//
// Two implementations answer identically (spec §6):
//  - ReferenceEvaluator: plain nested loops over every entity for every variable, in the order
//    the variables are bound, with only the short-circuits every semantics allows (a
//    conjunction stops at a 0 — including a conjunct whose variables are already bound — a
//    disjunction at a 1, `exists` at 1, `forall` at 0).
//  - PlannedEvaluator: the same values, faster; see planner.h for what it does.
// Witnesses are canonical, so both give the same one (with the same atom values): a quantifier's
// witness is, among the assignments of its best value (exists: the maximum; forall: the
// minimum), the smallest tuple of scene indices (= ingest order) compared lexicographically in
// the order the quantifier lists its variables; a counting quantifier counts the n largest
// values, the smaller index first among equal values. Values tie when they differ by at most
// 1e-12 relatively (ClearlyBetter): the same value computed in another order (a·b·c against
// a·c·b) may differ in its last bits. The reference's nested loops meet the first such tuple
// first; the planned evaluator compares tuples where values tie (planner.h).
// Both are cheap to construct per query, hold no per-image state between calls, and are not
// thread safe: use one per thread.
//
// Errors: kTooComplex when the per-image budget of assignments runs out, naming the
// subformula. (A metric comparison on an image without gsd is refused before evaluation, by
// search::Run; an evaluator given such a scene treats the comparison as false.)
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/logic/bound.h"
#include "georune/reason/params.h"
#include "georune/reason/scene.h"

namespace georune::reason {

// Whether value `a` beats `b` by more than rounding (relative 1e-12): otherwise they tie and the
// smaller tuple is the witness.
inline bool ClearlyBetter(double a, double b, bool want_max) {
  const double tol = 1e-12 * std::max(std::abs(a), std::abs(b));
  return want_max ? a > b + tol : a < b - tol;
}

// Entities bound to variables while evaluating: var id → scene index (-1 when unbound).
struct Env {
  std::vector<int> entity;
  std::vector<int> bound;  // scene indices bound to variables in scope (distinctness, spec §3)

  bool IsBound(int scene_index) const {
    for (int b : bound) {
      if (b == scene_index) return true;
    }
    return false;
  }
  void Bind(int var, int scene_index) {
    entity[var] = scene_index;
    bound.push_back(scene_index);
  }
  void Unbind(int var) {
    entity[var] = -1;
    bound.pop_back();
  }
};

struct AtomExplanation {
  const logic::BoundNode* node = nullptr;  // an atom, or a quantified subformula left whole
  std::vector<int> vars;                   // its variables' scene indices (atoms)
  double value = 0;
};

struct ImageScore {
  double value = 0;
  std::vector<std::pair<std::string, int>> witness;   // variable name → entity id in its image
  std::vector<std::pair<std::string, double>> atoms;  // printed atom (with witness) → value
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Value of `node` with its free variables bound in `env`: the connectives of spec §5 (with
  // the short-circuits every semantics allows), atoms through EvalAtom, quantifiers through Best.
  double Eval(const logic::BoundNode& node, Env& env);
  // For a quantifier node: its value, and in `best` the scene indices of its variables in the
  // best assignment (exists: a maximum; forall: a minimum; counting: the entities counted, as
  // many as its n). `best` is empty when no assignment tells anything: an exists of value 0,
  // a forall of value 1.
  virtual double Best(const logic::BoundNode& node, Env& env, std::vector<int>* best) = 0;

  // Scores a scene: the query's value and, when `explain`, the witness and atom values.
  // Catches budget exhaustion and reports it.
  Result<ImageScore> Score(const Scene& scene, bool explain);

  // A wall-clock deadline: once past it, Score() stops within 256 assignments
  // and returns kTooComplex naming the subformula being enumerated. `budget_seconds` is quoted
  // in that message.
  using Clock = std::chrono::steady_clock;
  void SetDeadline(Clock::time_point deadline, double budget_seconds) {
    deadline_ = deadline;
    deadline_seconds_ = budget_seconds;
  }

 protected:
  Evaluator(const logic::BoundQuery& query, const TruthParams& params, uint64_t budget);
  // Called before evaluating a scene.
  virtual void Reset(const Scene& scene);
  // Counts one assignment tried; throws (internally) when the budget runs out.
  void Step(const logic::BoundNode& blame);
  double Atom(const logic::BoundNode& node, const Env& env) const;
  // An atom's value; an evaluator may answer from a cache.
  virtual double EvalAtom(const logic::BoundNode& node, const Env& env) { return Atom(node, env); }
  // A counting quantifier's value from the values of its body for each admissible entity
  // (zeros may be left out); `chosen` receives the entities counted.
  double CountValue(const logic::BoundNode& q, std::vector<std::pair<double, int>>& values,
                    std::vector<int>* chosen) const;

  const logic::BoundQuery& query_;
  TruthParams params_;
  const Scene* scene_ = nullptr;
  uint64_t budget_;
  uint64_t steps_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  double deadline_seconds_ = 0;
};

// `params` with the relation kernels' fast paths switched off.
inline TruthParams PlainKernels(TruthParams params) {
  params.distance_bounds = false;
  return params;
}

class ReferenceEvaluator : public Evaluator {
 public:
  // With the plain relation kernels (TruthParams::distance_bounds off): every fast path in the
  // kernels is compared with the plain test wherever the reference is.
  ReferenceEvaluator(const logic::BoundQuery& query, const TruthParams& params, uint64_t budget)
      : Evaluator(query, PlainKernels(params), budget) {}
  double Best(const logic::BoundNode& node, Env& env, std::vector<int>* best) override;

 private:
  struct Track {
    bool want_max = true;  // exists: maximum; forall: minimum
    bool any = false;
    double value = 0;
    std::vector<int> tuple, current;
  };
  double Loop(const logic::BoundNode& q, size_t i, Env& env, Track* track);
  double Count(const logic::BoundNode& q, Env& env, std::vector<int>* chosen);
};

// The quantifier semantics of counting: the semantics' AND over the n largest values.
double FoldLargest(Semantics s, std::vector<std::pair<double, int>>& values, long n, std::vector<int>* chosen);

}  // namespace georune::reason
