#include "georune/plan/optimizer.h"

namespace georune::plan {

const std::vector<OptimizerInfo>& Optimizers() {
  static const std::vector<OptimizerInfo> kList = {
      {Optimizer::kClassIndex, "class-index", "archive",
       "images that cannot hold the classes and counts the query needs are never opened"},
      {Optimizer::kClassCounts, "class-counts", "archive",
       "crisp formulas of class atoms only are scored from the index's class counts, and images holding none of "
       "the classes a formula reads take the empty scene's value: no entity is read for them"},
      {Optimizer::kParallel, "parallel", "archive", "images are evaluated on all cores"},
      {Optimizer::kTopkBounds, "topk-bounds", "archive",
       "with a top-K limit, images are evaluated best upper bound first until none left can enter"},
      {Optimizer::kClassDomains, "class-domains", "plan", "a variable ranges only over entities its class atoms allow"},
      {Optimizer::kEagerConjuncts, "eager-conjuncts", "plan",
       "each conjunct is checked as soon as its variables are bound"},
      {Optimizer::kJoinOrder, "join-order", "plan", "variables are bound smallest domain first, then along relations"},
      {Optimizer::kAlignedPruning, "aligned-pruning", "plan",
       "a partial set that is not aligned cuts the search (aligned is anti-monotone)"},
      {Optimizer::kComponents, "components", "plan",
       "independent parts of an exists block with disjoint class domains are maximised apart"},
      {Optimizer::kBranchAndBound, "branch-and-bound", "execute",
       "a partial assignment that cannot beat the best so far is cut"},
      {Optimizer::kCountEarlyStop, "count-early-stop", "execute",
       "crisp counting stops once enough entities are found"},
      {Optimizer::kSpatialIndex, "spatial-index", "plan",
       "a variable tied to a bound entity by near/on/overlaps/distance takes candidates from a grid, by a "
       "directional relation from sorted coordinates"},
      {Optimizer::kRelationCache, "relation-cache", "execute",
       "binary relation values are computed once per entity pair and image"},
      {Optimizer::kSymmetry, "symmetry", "plan",
       "interchangeable variables (same one-variable conjuncts, symmetric use) are bound in one order only"},
      {Optimizer::kArrangements, "arrangements", "plan",
       "n same-class variables under aligned/clustered are decided by an exact polynomial operator, not enumerated"},
  };
  return kList;
}

const char* NameOf(Optimizer o) { return Optimizers()[static_cast<size_t>(o)].name; }

std::optional<Optimizer> ParseOptimizer(std::string_view name) {
  for (const OptimizerInfo& info : Optimizers()) {
    if (name == info.name) return info.id;
  }
  return std::nullopt;
}

OptimizerSet OptimizerSet::Without(const std::set<std::string>& disabled) {
  OptimizerSet set;
  for (const std::string& name : disabled) {
    if (auto o = ParseOptimizer(name)) set.Disable(*o);
  }
  return set;
}

}  // namespace georune::plan
