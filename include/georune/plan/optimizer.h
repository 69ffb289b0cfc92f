// The optimisers: each rule that changes how a query is executed, never what it answers (spec
// §6), is one named value here, switchable off by that name (SearchOptions::disabled,
// `georune query --disable NAME`, listed by `--list-optimizations`).
//
// Each acts at one stage of the pipeline (docs/architecture.md):
//  - archive:  which images are evaluated, in which order, on how many cores (search::Run);
//  - plan:     the physical plan's operators for each quantifier (plan::BuildPlan);
//  - execute:  how an operator runs on one image (reason::PlannedEvaluator).
#pragma once

#include <bitset>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace georune::plan {

enum class Optimizer {
  kClassIndex,      // archive: images without the classes and counts needed are never opened
  kClassCounts,     // archive: crisp class-only formulas are scored from the class counts
  kParallel,        // archive: images are evaluated on all cores
  kTopkBounds,      // archive: with --top K, best upper bound first until none left can enter
  kClassDomains,    // plan: a variable scans only the classes its class atoms allow
  kEagerConjuncts,  // plan: each conjunct is checked at the level binding its last variable
  kJoinOrder,       // plan: smallest candidate list first, then along relations (per image)
  kAlignedPruning,  // plan: partial aligned() checks (aligned is anti-monotone)
  kComponents,      // plan: independent components of an exists block are maximised apart
  kBranchAndBound,  // execute: a partial assignment that cannot beat the best so far is cut
  kCountEarlyStop,  // execute: crisp counting stops once enough entities are found
  kSpatialIndex,    // plan: grid / sorted-centroid candidate lists for tied variables
  kRelationCache,   // execute: binary relation values once per entity pair and image
  kSymmetry,        // plan: interchangeable variables are bound in increasing order only
  kArrangements,    // plan: exact polynomial operator for aligned/clustered arrangements
};
inline constexpr size_t kOptimizerCount = static_cast<size_t>(Optimizer::kArrangements) + 1;

struct OptimizerInfo {
  Optimizer id;
  const char* name;   // as given to --disable
  const char* stage;  // "archive", "plan" or "execute"
  const char* what;   // one line
};

// Every optimiser, in enum order.
const std::vector<OptimizerInfo>& Optimizers();
const char* NameOf(Optimizer o);
std::optional<Optimizer> ParseOptimizer(std::string_view name);

// Which optimisers are on (all by default).
class OptimizerSet {
 public:
  OptimizerSet() { on_.set(); }
  // Every name must be an optimiser's (the caller checks with ParseOptimizer); others are ignored.
  static OptimizerSet Without(const std::set<std::string>& disabled);
  bool On(Optimizer o) const { return on_.test(static_cast<size_t>(o)); }
  void Disable(Optimizer o) { on_.reset(static_cast<size_t>(o)); }

 private:
  std::bitset<kOptimizerCount> on_;
};

}  // namespace georune::plan
