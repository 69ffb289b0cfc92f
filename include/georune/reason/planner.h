// The planned evaluator: the execute stage of a physical plan (plan/physical.h) on one image —
// the reference's values (spec §6), computed on far fewer assignments.
//
// The optimisers (plan/optimizer.h), each switchable off by name (SearchOptions::disabled,
// `--disable NAME`); the plan records which one chose each operator, and this evaluator follows
// the plan, adapting only what depends on the image (join order, schedule, spatial filters):
//  - class-domains:     a variable ranges only over entities its class atoms allow (others
//                       give 0 to an `exists` body, 1 to a `forall` implication).
//  - eager-conjuncts:   each conjunct is checked as soon as its variables are bound.
//  - join-order:        variables are bound smallest-domain first, then along relations.
//  - aligned-pruning:   aligned() is anti-monotone: a partial set that is not aligned prunes.
//  - components:        independent parts of an `exists` block (variable graph components
//                       whose class domains are disjoint, spec §6) are maximised apart.
//  - branch-and-bound:  a partial assignment that cannot beat the best so far is cut.
//  - count-early-stop:  crisp counting stops once enough entities are found.
//  - spatial-index:     a variable tied by near/on/contains/overlaps/distance< to a bound entity
//                       takes its candidates from a per-image grid around that entity; one tied
//                       by left_of/right_of/above/below, from centroids sorted on that axis.
//  - relation-cache:    binary relation values are computed once per entity pair and image
//                       (clustered() reuses the cached near() values).
//  - symmetry:          interchangeable variables (plan::SymmetricGroups) are bound in
//                       increasing entity order only: one assignment per set, not n! of them.
//  - arrangements:      a component that is n interchangeable variables under aligned and/or
//                       clustered (plan::FindArrangement) is decided by the exact polynomial
//                       operator of arrangement.h; soft aligned, or soft candidates of unequal
//                       class values, are enumerated instead (--explain says so). With further
//                       conjuncts over the variables (crisp; e.g. pairwise parallel), the operator
//                       decides "none", its set is kept when it passes them, and otherwise only
//                       members of some aligned/clustered set are enumerated.
// Quantified conjuncts are evaluated only when every variable in scope is bound (spec §6).
//
// Canonical witnesses (evaluator.h): only when a witness is asked for (Best with `best`), a
// search keeps, among assignments of the best value, the one whose canonical tuple is smallest:
// the entities in the quantifier's variable order, each symmetric group's entities sorted over
// its positions (the smallest of the permutations the symmetry optimisation skipped). Branch
// and bound then cuts a branch only when it cannot reach a larger value, or the same value with
// a smaller tuple; the search no longer stops at the first 1. Scoring without a witness (the
// ranking) is unchanged. Gödel blocks search again each component above the block's value, for
// its smallest tuple reaching that value. The arrangement operator's set is replaced by the
// smallest one of its value, searched in the variables' own order (sorted tuples come in
// lexicographic order, so the first one of that value is the smallest; prefixes that cannot stay
// aligned or connected are cut) within kCanonicalArrangementSteps assignments; past that bound
// the operator's set stays and --explain says so. This search runs only where the reference's
// nested loops could finish within the image budget (N^n <= budget for N entities); beyond, the
// operator's set is the witness (same value; the reference cannot answer there).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "georune/plan/physical.h"
#include "georune/reason/arrangement.h"
#include "georune/reason/evaluator.h"

namespace georune::reason {

// Names and one-line descriptions of the evaluator's optimisers (the plan and execute stages of
// plan::Optimizers()).
const std::vector<std::pair<std::string, std::string>>& EvaluatorOptimizations();

class PlannedEvaluator : public Evaluator {
 public:
  // Plans the query itself, with the optimisers not named in `disabled`.
  PlannedEvaluator(const logic::BoundQuery& query, const TruthParams& params, uint64_t budget,
                   const std::set<std::string>& disabled);
  // Executes `plan` (of plan->query, built with params.crisp), shared by the evaluators of a run.
  PlannedEvaluator(std::shared_ptr<const plan::PhysicalPlan> plan, const TruthParams& params, uint64_t budget);
  ~PlannedEvaluator() override;
  double Best(const logic::BoundNode& node, Env& env, std::vector<int>* best) override;

  // What the searches of exists-blocks did, summed over the scenes evaluated: how often each
  // join order was used, the entities scanned and the candidates kept per variable after class
  // and one-variable filters, how many candidate lists came from the spatial grid, the
  // assignments tried, and per component its searches, those that found a value above 0, and
  // the time spent.
  struct ComponentStats {
    uint64_t searches = 0, found = 0, assignments = 0;
    double ms = 0;
  };
  struct BlockStats {
    uint64_t searches = 0;
    std::map<std::string, uint64_t> join_orders;  // "a → b → c" → searches
    std::map<std::string, uint64_t> scanned;      // variable → entities scanned, summed (rows in)
    std::map<std::string, uint64_t> candidates;   // variable → candidates, summed (rows out)
    uint64_t grid_lookups = 0;
    uint64_t assignments = 0;
    std::map<std::string, uint64_t> operators;  // operator outcome → searches
    std::vector<ComponentStats> components;     // by the plan's component index
  };
  using Stats = std::map<std::string, BlockStats>;  // keyed by the block's print (ExistsPlan::key)
  const Stats& stats() const { return stats_; }
  static void MergeStats(const Stats& from, Stats* into);

  // What each exists-block's operators did, over the scenes evaluated (for --explain, after
  // plan::PrintPlan of the same plan).
  static std::string DescribeRun(const plan::PhysicalPlan& plan, const Stats& stats);

 protected:
  void Reset(const Scene& scene) override;
  double EvalAtom(const logic::BoundNode& node, const Env& env) override;

 private:
  using Block = plan::ExistsPlan;
  using Component = plan::ComponentPlan;
  using ClassSet = plan::ClassSet;
  // The entities of a class set in this scene (every entity for nullopt), cached per set; the
  // set is the plan's.
  const std::vector<int>& Domain(const ClassSet& classes);
  double Exists(const Block& block, Env& env, std::vector<int>* best);
  // One component's search, in named steps: candidates, the arrangement operator (when the
  // component is one), join order, schedule of conjuncts, spatial filters, enumeration.
  struct SpatialFilter;
  struct SearchBuffers;
  struct ComponentSearch;
  SearchBuffers TakeBuffers();
  void GiveBack(SearchBuffers&& buffers);
  // `cap`: values above it count as equal to it (the Gödel witness search of Exists).
  double SearchComponent(const Block& block, size_t component, Env& env, std::vector<int>* best, double cap = 1.0);
  double RunComponentSearch(ComponentSearch& search, Env& env, std::vector<int>* best, BlockStats& st);
  bool FindCandidates(ComponentSearch& search, Env& env);
  std::optional<double> SolveArrangementStep(ComponentSearch& search, Env& env, std::vector<int>* best,
                                             std::string* outcome);
  // Why the exact operator does not apply to this component on this image (nullopt: it does).
  std::optional<std::string> ArrangementRefusal(const ComponentSearch& search) const;
  // The value of the component's conjuncts with the set `found` bound.
  double ValueOfSet(const ComponentSearch& search, Env& env, const std::vector<int>& found);
  // A restricted arrangement whose first set failed the further conjuncts: the candidates are
  // narrowed to the members of aligned/clustered sets (0 when too few remain), then enumerated.
  std::optional<double> NarrowToArrangements(ComponentSearch& search, const ArrangementSpec& spec,
                                             const std::vector<int>& ids, const ArrangementContext& ctx,
                                             std::string* outcome);
  void ChooseJoinOrder(ComponentSearch& search);  // search.lex_first: the variables' own order
  void Schedule(ComponentSearch& search);
  void ChooseSpatialFilters(ComponentSearch& search, const Env& env);
  void Nearby(const ComponentSearch& search, size_t level, size_t i, const Env& env, std::vector<size_t>* out);
  void Enumerate(ComponentSearch& search, Env& env);
  void Descend(ComponentSearch& search, Env& env, size_t level, double partial);
  // Canonical witnesses: whether a partial assignment bounded by `bound` (levels up to `level`
  // bound) can be cut; its canonical tuple (position order, symmetric groups sorted, -1 where
  // unbound); whether a tuple can still be smaller than the best; the smallest tuple of an
  // arrangement operator's value, from the set it found.
  bool Cut(const ComponentSearch& search, size_t level, double bound) const;
  static std::vector<int> CanonicalTuple(const ComponentSearch& search, size_t level);
  static bool Smaller(const std::vector<int>& partial, const std::vector<int>& best);
  std::vector<int> CanonicalArrangement(ComponentSearch& search, Env& env, const std::vector<int>& found, double value,
                                        std::string* outcome);
  static constexpr uint64_t kCanonicalArrangementSteps = 1'000'000;
  // Whether the bound prefix of a clustered arrangement can still grow into a connected set of
  // n: its entities and the candidates after the last lie in one near-component of n or more.
  bool ClusterCompletable(const ComponentSearch& search, size_t level);
  // Statistics of a search, counted without looking names up: a block's BlockStats and, per
  // component and join order, pointers to its counters in that BlockStats's maps (made once).
  void DescribeJoin(const ComponentSearch& search, BlockStats& st);
  BlockStats& StatsOf(const Block& block);
  std::vector<std::pair<const Block*, BlockStats*>> block_stats_;
  struct JoinCounters {
    const Component* comp;
    std::vector<int> order;
    uint64_t* searches;                          // join_orders["a → b → c"]
    std::vector<uint64_t*> scanned, candidates;  // per level
  };
  const JoinCounters& JoinCountersOf(const ComponentSearch& search, BlockStats& st);
  std::vector<JoinCounters> join_counters_;
  double Forall(const logic::BoundNode& node, Env& env, std::vector<int>* worst);
  double Count(const logic::BoundNode& node, Env& env, std::vector<int>* chosen);
  bool On(plan::Optimizer o) const { return plan_->optimizers.On(o); }

  std::shared_ptr<const plan::PhysicalPlan> plan_;
  // Per scene: entities of each class, and merged domains by class set.
  std::vector<std::vector<int>> by_class_;
  std::vector<int> all_entities_;
  std::unordered_map<const std::vector<int>*, std::vector<int>> domain_cache_;
  // Per scene: binary relation values by (relation, first, second); NaN = not computed yet.
  double CachedRelation(logic::Relation relation, int first, int second);
  std::vector<std::vector<double>> relation_cache_;
  // Per scene: a uniform grid over the entities of a domain (keyed by the domain's address).
  struct Grid;
  const Grid& GridOf(const std::vector<int>& domain);
  std::unordered_map<const std::vector<int>*, std::unique_ptr<Grid>> grids_;
  std::vector<uint32_t> grid_seen_;  // per entity: the last grid query that listed it
  std::vector<int> nearby_hits_;     // Nearby's scratch
  // Cleared vectors of finished component searches, for the next (one per nesting depth).
  std::vector<SearchBuffers> spare_buffers_;
  uint32_t grid_stamp_ = 0;
  Stats stats_;
};

}  // namespace georune::reason
