// The physical plan: the operators that execute a bound query, chosen before any image is read.
//
// The stages (docs/architecture.md): parse → bind → analyse (plan/analysis.h, read-only) →
// optimise (the optimisers of plan/optimizer.h, each switchable) → physical plan (this file) →
// execute (search::Run over the archive, reason::PlannedEvaluator on each image).
//
// Per quantifier the plan holds:
//  - an exists block: its conjuncts, each variable's class scan, and its components (parts maximised
//    apart). Per component: the scans (with the one-variable conjuncts folded into them), its
//    symmetric groups, and either the exact arrangement operator or a join: the checks of the
//    conjuncts over several variables, and the spatial lookups that can feed a variable's
//    candidates from a bound one. The join order is adaptive: the estimated order here comes
//    from the archive's class statistics; execution reorders per image by the actual candidate
//    counts (join-order), then schedules each check at the level binding its last variable;
//  - a forall or counting quantifier: the class scan of each variable (a nested loop; counting
//    stops early in crisp mode with count-early-stop).
// Connectives (AND, OR, NOT, implication) are evaluated in place with their short-circuits.
//
// Every decision records the optimiser that made it, for --explain. A plan is immutable once
// built and may be shared by the evaluators of every thread; `query` must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "georune/logic/bound.h"
#include "georune/plan/analysis.h"
#include "georune/plan/optimizer.h"

namespace georune::plan {

// A set of variable positions (any number of them).
class VarSet {
 public:
  explicit VarSet(size_t n = 0) : words_((n + 63) / 64, 0) {}
  void Set(size_t p) { words_[p / 64] |= uint64_t{1} << (p % 64); }
  bool Has(size_t p) const { return p / 64 < words_.size() && (words_[p / 64] >> (p % 64) & 1); }
  bool Empty() const;
  bool Only(size_t p) const;  // p and nothing else

 private:
  std::vector<uint64_t> words_;
};

// The archive's class statistics, for estimated selectivities only (never for answers).
struct ClassStatistics {
  uint64_t images = 0;
  std::vector<uint64_t> entities_per_class, images_per_class;  // by class id
};

// What a class scan is expected to return: entities per image holding the classes, and the
// fraction of images holding any.
struct Estimate {
  bool known = false;
  double rows_per_image = 0;
  double image_fraction = 0;
};

struct ClassScan {
  int position = 0;          // in ExistsPlan::vars
  ClassSet classes;          // nullopt: every entity (class-domains off, or no class atom)
  std::string text;          // "plane", "plane ∩ vehicle", "every entity"
  std::vector<int> filters;  // one-variable conjuncts folded in (eager-conjuncts)
  Estimate estimate;
};

// A conjunct tying a variable to another one already bound, that can give its candidates from
// a per-image grid (distance-type) or from centroids sorted on an axis (directional).
struct SpatialLookup {
  int conjunct = 0;
  int position = 0;   // the variable whose candidates it gives
  int other_var = 0;  // the bound one (var id; may be bound outside the block)
  bool directional = false;
};

struct ComponentPlan {
  std::vector<int> positions;              // indices into ExistsPlan::vars
  std::vector<int> conjuncts;              // indices into ExistsPlan::conjuncts
  std::vector<int> group;                  // per position: its group of interchangeable variables
  std::optional<Arrangement> arrangement;  // the exact arrangement operator applies
  std::vector<int> estimated_order;        // indices into positions, smallest estimate first
  std::vector<SpatialLookup> lookups;      // possible per-image (spatial-index)
  int interchangeable = 0;                 // variables in a group of two or more (symmetry)
};

struct ExistsPlan {
  const logic::BoundNode* node = nullptr;
  std::string key;  // the block's print: names it in --explain and in the evaluator's statistics
  std::vector<int> vars;
  std::vector<const logic::BoundNode*> conjuncts;
  std::vector<VarSet> mask;                   // block variables each conjunct uses (by position)
  std::vector<bool> quantified;               // conjunct holds a quantifier
  std::vector<std::vector<ClassSet>> nested;  // per conjunct: domains of its quantified variables
  std::vector<ClassScan> scans;               // per variable position
  std::vector<ComponentPlan> components;
  std::vector<int> outer_conjuncts;  // no block variable, no quantifier: evaluated first
};

// A forall or counting quantifier: a nested loop over each variable's class scan.
struct LoopPlan {
  const logic::BoundNode* node = nullptr;
  std::vector<ClassScan> scans;  // per variable of the quantifier
  bool early_stop = false;       // counting, crisp: stops once enough are found (count-early-stop)
};

struct PhysicalPlan {
  const logic::BoundQuery* query = nullptr;
  OptimizerSet optimizers;
  bool crisp = false;
  std::vector<std::unique_ptr<ExistsPlan>> blocks;
  std::vector<std::unique_ptr<LoopPlan>> loops;
  std::unordered_map<const logic::BoundNode*, const ExistsPlan*> block_of;
  std::unordered_map<const logic::BoundNode*, const LoopPlan*> loop_of;
};

// The optimise stage: the physical plan of every quantifier of `query`. `stats` (may be null)
// gives the estimates and the estimated join orders.
std::shared_ptr<const PhysicalPlan> BuildPlan(const logic::BoundQuery& query, const OptimizerSet& optimizers,
                                              bool crisp, const ClassStatistics* stats = nullptr);

// The plan as an indented tree of operators following the formula, each with the optimiser
// that chose it and its estimate; what --explain prints before running.
std::string PrintPlan(const PhysicalPlan& plan);

// The line naming a component's operator ("join {a, b}", "arrangement {a … }").
std::string ComponentName(const PhysicalPlan& plan, const ExistsPlan& block, const ComponentPlan& comp);

}  // namespace georune::plan
