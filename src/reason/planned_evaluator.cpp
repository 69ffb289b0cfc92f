// The planned evaluator (see planner.h): executes the physical plan of plan/physical.h on each
// image: per-image search over class-restricted domains with eager checks and branch-and-bound.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <unordered_map>

#include "georune/plan/analysis.h"
#include "georune/reason/arrangement.h"
#include "georune/reason/planner.h"
#include "georune/reason/relations.h"

namespace georune::reason {

using logic::BoundNode;
using logic::NodeKind;
using plan::Disjoint;
using plan::Optimizer;

const std::vector<std::pair<std::string, std::string>>& EvaluatorOptimizations() {
  static const std::vector<std::pair<std::string, std::string>> kList = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const plan::OptimizerInfo& o : plan::Optimizers()) {
      if (std::string(o.stage) != "archive") out.emplace_back(o.name, o.what);
    }
    return out;
  }();
  return kList;
}

void PlannedEvaluator::MergeStats(const Stats& from, Stats* into) {
  for (const auto& [block, s] : from) {
    BlockStats& t = (*into)[block];
    t.searches += s.searches;
    for (const auto& [j, n] : s.join_orders) t.join_orders[j] += n;
    for (const auto& [v, n] : s.scanned) t.scanned[v] += n;
    for (const auto& [v, n] : s.candidates) t.candidates[v] += n;
    t.grid_lookups += s.grid_lookups;
    for (const auto& [o, n] : s.operators) t.operators[o] += n;
    t.assignments += s.assignments;
    if (t.components.size() < s.components.size()) t.components.resize(s.components.size());
    for (size_t c = 0; c < s.components.size(); ++c) {
      ComponentStats& tc = t.components[c];
      tc.searches += s.components[c].searches;
      tc.found += s.components[c].found;
      tc.assignments += s.components[c].assignments;
      tc.ms += s.components[c].ms;
    }
  }
}

void PlannedEvaluator::Reset(const Scene& scene) {
  Evaluator::Reset(scene);
  int max_class = -1;
  for (const auto& e : scene.entities) max_class = std::max(max_class, e.class_id);
  for (auto& v : by_class_) v.clear();
  by_class_.resize(max_class + 1);
  all_entities_.clear();
  for (int i = 0; i < static_cast<int>(scene.entities.size()); ++i) {
    by_class_[scene.entities[i].class_id].push_back(i);
    all_entities_.push_back(i);
  }
  domain_cache_.clear();
  for (auto& c : relation_cache_) c.clear();
  grids_.clear();
  grid_seen_.assign(scene.entities.size(), 0);
  grid_stamp_ = 0;
}

// A uniform grid over a domain's entities; each entity is listed in every cell its bounding box
// touches. Queries return the domain entities whose box comes within a distance of a box.
struct PlannedEvaluator::Grid {
  double x0 = 0, y0 = 0, cell = 1;
  int nx = 1, ny = 1;
  double max_s = 0;  // largest s = √area in the domain
  std::vector<std::vector<int>> cells;
  std::vector<std::pair<double, int>> by_axis[2];  // (centroid x or y, entity), sorted

  int Cx(double x) const { return std::clamp(static_cast<int>(std::floor((x - x0) / cell)), 0, nx - 1); }
  int Cy(double y) const { return std::clamp(static_cast<int>(std::floor((y - y0) / cell)), 0, ny - 1); }
};

const PlannedEvaluator::Grid& PlannedEvaluator::GridOf(const std::vector<int>& domain) {
  auto it = grids_.find(&domain);
  if (it != grids_.end()) return *it->second;
  auto g = std::make_unique<Grid>();
  const auto& ents = scene_->entities;
  double x1 = 0, y1 = 0, area = 0;
  bool first = true;
  for (int e : domain) {
    const SceneEntity& en = ents[e];
    if (first) {
      g->x0 = en.min_x, g->y0 = en.min_y, x1 = en.max_x, y1 = en.max_y;
      first = false;
    }
    g->x0 = std::min(g->x0, en.min_x), g->y0 = std::min(g->y0, en.min_y);
    x1 = std::max(x1, en.max_x), y1 = std::max(y1, en.max_y);
    g->max_s = std::max(g->max_s, en.s);
    area += (en.max_x - en.min_x) * (en.max_y - en.min_y);
  }
  // Cells about the size of a typical box, at most ~4 boxes' worth of cells per entity.
  const double typical = std::sqrt(std::max(area / std::max<size_t>(1, domain.size()), 1.0));
  g->cell = std::max({typical * 2, (x1 - g->x0) / 256, (y1 - g->y0) / 256, 1e-9});
  g->nx = std::max(1, static_cast<int>(std::ceil((x1 - g->x0) / g->cell)) + 1);
  g->ny = std::max(1, static_cast<int>(std::ceil((y1 - g->y0) / g->cell)) + 1);
  g->cells.resize(static_cast<size_t>(g->nx) * g->ny);
  for (int e : domain) {
    const SceneEntity& en = ents[e];
    for (int cy = g->Cy(en.min_y); cy <= g->Cy(en.max_y); ++cy) {
      for (int cx = g->Cx(en.min_x); cx <= g->Cx(en.max_x); ++cx) g->cells[cy * g->nx + cx].push_back(e);
    }
    g->by_axis[0].emplace_back(en.c.x, e);
    g->by_axis[1].emplace_back(en.c.y, e);
  }
  std::sort(g->by_axis[0].begin(), g->by_axis[0].end());
  std::sort(g->by_axis[1].begin(), g->by_axis[1].end());
  const Grid& ref = *g;
  grids_.emplace(&domain, std::move(g));
  return ref;
}

// Scenes above this many entities do not cache (the table is n² per relation).
constexpr size_t kMaxCachedEntities = 1500;

double PlannedEvaluator::CachedRelation(logic::Relation relation, int first, int second) {
  const size_t n = scene_->entities.size();
  const SceneEntity* pair[2] = {&scene_->entities[first], &scene_->entities[second]};
  if (n > kMaxCachedEntities) return RelationTruth(relation, pair, params_);
  const size_t r = static_cast<size_t>(relation);
  if (relation_cache_.size() <= r) relation_cache_.resize(r + 1);
  std::vector<double>& table = relation_cache_[r];
  if (table.empty()) table.assign(n * n, std::nan(""));
  double& slot = table[static_cast<size_t>(first) * n + second];
  if (std::isnan(slot)) slot = RelationTruth(relation, pair, params_);
  return slot;
}

const std::vector<int>& PlannedEvaluator::Domain(const ClassSet& classes) {
  if (!classes) return all_entities_;
  if (classes->size() == 1) {
    static const std::vector<int> kEmpty;
    const int c = classes->front();
    return c < static_cast<int>(by_class_.size()) ? by_class_[c] : kEmpty;
  }
  auto it = domain_cache_.find(&*classes);
  if (it != domain_cache_.end()) return it->second;
  std::vector<int> merged;
  for (int c : *classes) {
    if (c < static_cast<int>(by_class_.size())) merged.insert(merged.end(), by_class_[c].begin(), by_class_[c].end());
  }
  std::sort(merged.begin(), merged.end());
  return domain_cache_.emplace(&*classes, std::move(merged)).first->second;
}

double PlannedEvaluator::EvalAtom(const BoundNode& node, const Env& env) {
  if (node.kind != NodeKind::kRelation || !On(Optimizer::kRelationCache)) return Atom(node, env);
  if (node.relation == logic::Relation::kClustered) {
    return ClusteredFromNear(
        node.vars.size(),
        [&](size_t i, size_t j) {
          return CachedRelation(logic::Relation::kNear, env.entity[node.vars[i]], env.entity[node.vars[j]]);
        },
        params_.crisp);
  }
  if (node.vars.size() == 2) return CachedRelation(node.relation, env.entity[node.vars[0]], env.entity[node.vars[1]]);
  return Atom(node, env);
}

double PlannedEvaluator::Best(const BoundNode& node, Env& env, std::vector<int>* best) {
  switch (node.kind) {
    case NodeKind::kExists: return Exists(*plan_->block_of.at(&node), env, best);
    case NodeKind::kForall: return Forall(node, env, best);
    default: return Count(node, env, best);
  }
}

double PlannedEvaluator::Exists(const Block& block, Env& env, std::vector<int>* best) {
  const Semantics s = params_.semantics;
  double v = 1.0;
  for (int c : block.outer_conjuncts) {
    v = And(s, v, Eval(*block.conjuncts[c], env));
    if (v == 0.0) return 0.0;
  }
  std::vector<int> tuple(block.vars.size(), -1);
  std::vector<double> values;
  for (size_t ci = 0; ci < block.components.size(); ++ci) {
    const Component& comp = block.components[ci];
    std::vector<int> part;
    double c = SearchComponent(block, ci, env, best ? &part : nullptr);
    if (c == 0.0) {
      if (best) best->clear();
      return 0.0;
    }
    v = And(s, v, c);
    values.push_back(c);
    if (best) {
      for (size_t i = 0; i < comp.positions.size(); ++i) tuple[comp.positions[i]] = part[i];
    }
  }
  if (!best) return v;
  // The canonical witness is the smallest tuple of the block's best value. Product and
  // Łukasiewicz conjunctions grow with each component's value, so it is made of each component's
  // own canonical best; a Gödel conjunction (min) ties every part at or above the block's value:
  // such a component's smallest tuple reaching that value is searched again.
  for (size_t c = 0; s == Semantics::kGodel && c < block.components.size(); ++c) {
    if (values[c] <= v) continue;
    const Component& comp = block.components[c];
    std::vector<int> part;
    SearchComponent(block, c, env, &part, v);
    for (size_t i = 0; i < comp.positions.size(); ++i) tuple[comp.positions[i]] = part[i];
  }
  *best = tuple;
  return v;
}

// Spatial filter of one level: a conjunct tying the new variable to a bound entity within a
// distance gives a radius around that entity's box (conservative: box distance ≤ polygon
// distance); a directional conjunct, a half-plane of centroids.
struct PlannedEvaluator::SpatialFilter {
  const BoundNode* conj = nullptr;
  int other_var = -1;
  double radius_px = 0;  // fixed radius (overlap-type: 0; distance<X: X)
  bool scaled = false;   // near: radius k·(s_other + max_s)/2
  // Directional relations: the candidate's centroid coordinate on `axis` (0 x, 1 y) must be
  // below (`less`) or above the bound entity's, within a slack of slack_s·(s_other + max_s)/2.
  int axis = -1;
  bool less = false;
  double slack_s = 0;
};

// The vectors of a component search. They are kept between searches (SearchComponent takes
// them from and returns them to the evaluator's pool, cleared), so that evaluating an image
// allocates little once the first images are done.
struct PlannedEvaluator::SearchBuffers {
  // 1. Candidates per variable (index into comp.positions), with the value of their
  //    one-variable conjuncts; the domain each came from.
  std::vector<std::vector<std::pair<int, double>>> cand;
  std::vector<const std::vector<int>*> domain_of;
  std::vector<bool> is_unary;  // per block conjunct: folded into the candidates' values
  // 3. Join order (indices into comp.positions) and the level of each variable.
  std::vector<int> order, level_of;
  // 4. Schedule: the conjuncts checked at each level, those evaluated before the search, and
  //    partial aligned() checks.
  std::vector<std::vector<int>> at_level;
  std::vector<int> before_search;
  std::vector<std::vector<std::pair<const BoundNode*, std::vector<int>>>> aligned_checks;
  // Symmetry: the level of the previous variable of the same group (-1: none); its entity
  // must be smaller.
  std::vector<int> previous_same_group;
  // 5. Spatial filters per level.
  std::vector<SpatialFilter> spatial;
  // 6. The search: the current and best assignments; per level, the candidates a spatial
  // filter admits.
  std::vector<int> current, best_tuple;
  std::vector<std::vector<size_t>> nearby;
  // ChooseJoinOrder's scratch: per variable, conjuncts linking it to placed ones; placed.
  std::vector<int> links;
  std::vector<bool> placed;
  // Schedule's scratch: per query variable, its level in this component (-1: bound outside).
  std::vector<int> level_of_var;

  // Empties every vector, keeping the capacity (also of the inner vectors).
  void Clear() {
    for (auto& c : cand) c.clear();
    cand.clear(), domain_of.clear(), is_unary.clear(), order.clear(), level_of.clear();
    for (auto& l : at_level) l.clear();
    for (auto& l : aligned_checks) l.clear();
    for (auto& l : nearby) l.clear();
    at_level.clear(), before_search.clear(), aligned_checks.clear(), previous_same_group.clear();
    spatial.clear(), current.clear(), best_tuple.clear(), nearby.clear(), links.clear(), placed.clear();
    level_of_var.clear();
  }
};

// The working state of one component search, filled step by step.
struct PlannedEvaluator::ComponentSearch : SearchBuffers {
  const Block& block;
  const Component& comp;
  size_t k = 0;
  // `canonical`: the witness is wanted, so an assignment of the best value replaces the best
  // one found when its canonical tuple is smaller (planner.h); values are capped at `cap` (a
  // Gödel block's value, see Exists).
  double best_value = 0.0;     // the maximum
  double witness_value = 0.0;  // canonical: best_tuple's value, tied with the maximum
  bool done = false;
  bool canonical = false;
  bool lex_first = false;  // tuples come in lexicographic order: the first tied one is the witness
  bool symmetric = false;  // interchangeable variables take increasing entities in level order
  double cap = 1.0;
  // A witness search started from a known best (the arrangement operator's) stops after this
  // many assignments, keeping what it has (0: no limit).
  uint64_t step_limit = 0, steps_at_start = 0;
  bool truncated = false;

  ComponentSearch(const Block& b, const Component& c, SearchBuffers&& buffers)
      : SearchBuffers(std::move(buffers)), block(b), comp(c), k(c.positions.size()) {}
};

// Defined where SearchBuffers is complete (the pool of them is a member).
PlannedEvaluator::PlannedEvaluator(const logic::BoundQuery& query, const TruthParams& params, uint64_t budget,
                                   const std::set<std::string>& disabled)
    : PlannedEvaluator(plan::BuildPlan(query, plan::OptimizerSet::Without(disabled), params.crisp), params, budget) {}

PlannedEvaluator::PlannedEvaluator(std::shared_ptr<const plan::PhysicalPlan> plan, const TruthParams& params,
                                   uint64_t budget)
    : Evaluator(*plan->query, params, budget), plan_(std::move(plan)) {}

PlannedEvaluator::~PlannedEvaluator() = default;

PlannedEvaluator::SearchBuffers PlannedEvaluator::TakeBuffers() {
  if (spare_buffers_.empty()) return {};
  SearchBuffers b = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return b;
}

void PlannedEvaluator::GiveBack(SearchBuffers&& buffers) {
  buffers.Clear();
  spare_buffers_.push_back(std::move(buffers));
}

double PlannedEvaluator::SearchComponent(const Block& block, size_t component, Env& env, std::vector<int>* best,
                                         double cap) {
  const auto started = std::chrono::steady_clock::now();
  ComponentSearch search(block, block.components[component], TakeBuffers());
  search.canonical = best != nullptr;
  search.symmetric = On(Optimizer::kSymmetry);
  search.cap = cap;
  const uint64_t steps_before = steps_;
  BlockStats& st = StatsOf(block);
  if (st.components.size() < block.components.size()) st.components.resize(block.components.size());
  ++st.searches;
  const double value = RunComponentSearch(search, env, best, st);
  ComponentStats& cs = st.components[component];
  ++cs.searches;
  cs.found += value > 0.0;
  cs.assignments += steps_ - steps_before;
  st.assignments += steps_ - steps_before;
  cs.ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  GiveBack(std::move(search));
  return value;
}

// The steps of one component's search: candidates, then the arrangement operator where the plan
// chose it, otherwise (or when it declines) join order, schedule, spatial filters, enumeration.
double PlannedEvaluator::RunComponentSearch(ComponentSearch& search, Env& env, std::vector<int>* best, BlockStats& st) {
  if (!FindCandidates(search, env)) return 0.0;
  if (search.comp.arrangement) {
    std::string outcome;
    std::optional<double> value = SolveArrangementStep(search, env, best, &outcome);
    ++st.operators[outcome];
    if (value) return *value;
  }
  ChooseJoinOrder(search);
  Schedule(search);
  ChooseSpatialFilters(search, env);
  Enumerate(search, env);
  if (best && search.best_value > 0) *best = search.best_tuple;
  DescribeJoin(search, st);
  return search.best_value;
}

PlannedEvaluator::BlockStats& PlannedEvaluator::StatsOf(const Block& block) {
  for (const auto& [b, st] : block_stats_) {
    if (b == &block) return *st;
  }
  BlockStats& st = stats_[block.key];  // a map: the node stays where it is
  block_stats_.emplace_back(&block, &st);
  return st;
}

void PlannedEvaluator::DescribeJoin(const ComponentSearch& search, BlockStats& st) {
  const JoinCounters& j = JoinCountersOf(search, st);
  for (size_t l = 0; l < search.k; ++l) {
    *j.scanned[l] += search.domain_of[search.order[l]]->size();
    *j.candidates[l] += search.cand[search.order[l]].size();
    if (search.spatial[l].conj) ++st.grid_lookups;
  }
  ++*j.searches;
}

const PlannedEvaluator::JoinCounters& PlannedEvaluator::JoinCountersOf(const ComponentSearch& search, BlockStats& st) {
  for (const JoinCounters& j : join_counters_) {
    if (j.comp == &search.comp && j.order == search.order) return j;
  }
  JoinCounters j{&search.comp, search.order, nullptr, {}, {}};
  std::string join;
  for (size_t l = 0; l < search.k; ++l) {
    const std::string& name = query_.var_names[search.block.vars[search.comp.positions[search.order[l]]]];
    join += (l ? " → " : "") + name;
    j.scanned.push_back(&st.scanned[name]);  // map nodes: the counters stay where they are
    j.candidates.push_back(&st.candidates[name]);
  }
  j.searches = &st.join_orders[join];
  join_counters_.push_back(std::move(j));
  return join_counters_.back();
}

bool PlannedEvaluator::FindCandidates(ComponentSearch& search, Env& env) {
  const Block& block = search.block;
  const Component& comp = search.comp;
  const Semantics s = params_.semantics;
  search.cand.resize(search.k);
  search.domain_of.resize(search.k);
  search.is_unary.assign(block.conjuncts.size(), false);
  for (size_t i = 0; i < search.k; ++i) {
    const int p = comp.positions[i];
    const int var = block.vars[p];
    const plan::ClassScan& scan = block.scans[p];
    const std::vector<int>& entities = Domain(scan.classes);
    search.domain_of[i] = &entities;
    for (int c : scan.filters) search.is_unary[c] = true;
    // Interchangeable variables have the same candidates: compute them once.
    if (i > 0 && comp.group[i] == comp.group[i - 1] && scan.classes == block.scans[comp.positions[i - 1]].classes) {
      search.cand[i] = search.cand[i - 1];
      continue;
    }
    for (int e : entities) {
      if (env.IsBound(e)) continue;
      double u = 1.0;
      if (!scan.filters.empty()) {
        Step(*block.node);
        env.Bind(var, e);
        for (int c : scan.filters) {
          u = And(s, u, Eval(*block.conjuncts[c], env));
          if (u == 0.0) break;
        }
        env.Unbind(var);
      }
      if (u > 0.0) search.cand[i].emplace_back(e, u);
    }
    if (search.cand[i].empty()) return false;
  }
  return true;
}

std::optional<std::string> PlannedEvaluator::ArrangementRefusal(const ComponentSearch& search) const {
  const auto& cand = search.cand[0];
  ArrangementSpec spec;
  spec.aligned = search.comp.arrangement->aligned;
  spec.clustered = search.comp.arrangement->clustered;
  spec.n = search.k;
  spec.soft = !params_.crisp;
  if (!CanSolveArrangement(spec)) return "enumerated: soft aligned() has no exact polynomial operator";
  // Every variable has the same candidates (one group); the operator needs them to pass the
  // one-variable conjuncts with one value, so that only the arrangement decides.
  if (!std::all_of(cand.begin(), cand.end(), [&](const auto& c) { return c.second == cand[0].second; })) {
    return "enumerated: the candidates' class values differ (soft), no exact polynomial operator";
  }
  if (!On(Optimizer::kEagerConjuncts)) return "enumerated: eager-conjuncts is off";
  if (search.comp.arrangement->restricted && !params_.crisp) {
    return "enumerated: further conjuncts tie the variables (soft), no exact polynomial operator";
  }
  return std::nullopt;
}

double PlannedEvaluator::ValueOfSet(const ComponentSearch& search, Env& env, const std::vector<int>& found) {
  const Block& block = search.block;
  const Component& comp = search.comp;
  double v = 1.0;
  for (size_t i = 0; i < search.k; ++i) env.Bind(block.vars[comp.positions[i]], found[i]);
  for (int c : comp.conjuncts) {
    v = And(params_.semantics, v, Eval(*block.conjuncts[c], env));
    if (v == 0.0) break;
  }
  for (size_t i = search.k; i-- > 0;) env.Unbind(block.vars[comp.positions[i]]);
  return v;
}

std::optional<double> PlannedEvaluator::SolveArrangementStep(ComponentSearch& search, Env& env, std::vector<int>* best,
                                                             std::string* outcome) {
  if (auto refusal = ArrangementRefusal(search)) {
    *outcome = *refusal;
    return std::nullopt;
  }
  ArrangementSpec spec;
  spec.aligned = search.comp.arrangement->aligned;
  spec.clustered = search.comp.arrangement->clustered;
  spec.n = search.k;
  spec.soft = !params_.crisp;
  std::vector<int> ids;
  for (const auto& [e, u] : search.cand[0]) ids.push_back(e);
  ArrangementContext ctx;
  ctx.scene = scene_;
  ctx.params = &params_;
  ctx.near = [&](int a, int b) { return CachedRelation(logic::Relation::kNear, a, b); };
  ctx.tick = [&]() { Step(*search.block.node); };
  std::vector<int> found = SolveArrangement(spec, ids, ctx);
  if (found.empty()) {
    *outcome = "exact arrangement operator: none";
    return 0.0;
  }
  // The value of the set found, from the atoms themselves (this also verifies it).
  const double v = ValueOfSet(search, env, found);
  if (search.comp.arrangement->restricted && v != 1.0) return NarrowToArrangements(search, spec, ids, ctx, outcome);
  if (params_.crisp && v != 1.0) {
    *outcome = "enumerated: a set found on a rounding boundary did not verify";
    return std::nullopt;
  }
  *outcome = "exact arrangement operator: found";
  if (best) {
    // The smallest set is searched only where plain nested loops could finish within the image
    // budget (N^n assignments), so where the reference can answer the witnesses agree.
    const double loops = std::pow(static_cast<double>(scene_->entities.size()), static_cast<double>(search.k));
    *best = loops <= static_cast<double>(budget_) ? CanonicalArrangement(search, env, found, v, outcome) : found;
  }
  return v;
}

std::optional<double> PlannedEvaluator::NarrowToArrangements(ComponentSearch& search, const ArrangementSpec& spec,
                                                             const std::vector<int>& ids, const ArrangementContext& ctx,
                                                             std::string* outcome) {
  // Every solution is an aligned/clustered set of n candidates, so its members are among the
  // members of such sets; the further conjuncts are then enumerated over those only.
  const std::vector<int> members = ArrangementMembers(spec, ids, ctx);
  if (members.size() < search.k) {
    *outcome = "restricted arrangement: no candidate set, none enumerated";
    return 0.0;
  }
  for (auto& cand : search.cand) {
    std::erase_if(cand, [&](const auto& c) { return !std::binary_search(members.begin(), members.end(), c.first); });
  }
  *outcome = "restricted arrangement: enumerated over the members of aligned/clustered sets";
  return std::nullopt;
}

void PlannedEvaluator::ChooseJoinOrder(ComponentSearch& search) {
  // Smallest domain first, then the most connected to what is bound (links counted
  // incrementally: per conjunct, how many of its variables are placed).
  const Block& block = search.block;
  const Component& comp = search.comp;
  const size_t k = search.k;
  std::vector<int>& links = search.links;
  std::vector<bool>& placed = search.placed;
  links.assign(k, 0);
  placed.assign(k, false);
  for (size_t step = 0; step < k; ++step) {
    size_t pick = k;
    if (!On(Optimizer::kJoinOrder) || search.lex_first) {
      pick = step;
    } else {
      for (size_t i = 0; i < k; ++i) {
        if (placed[i]) continue;
        if (pick == k || links[i] > links[pick] ||
            (links[i] == links[pick] && search.cand[i].size() < search.cand[pick].size())) {
          pick = i;
        }
      }
    }
    placed[pick] = true;
    search.order.push_back(static_cast<int>(pick));
    for (int c : comp.conjuncts) {
      if (!block.mask[c].Has(comp.positions[pick])) continue;
      for (size_t i = 0; i < k; ++i) {
        if (!placed[i] && block.mask[c].Has(comp.positions[i])) ++links[i];
      }
    }
  }
  search.level_of.resize(k);
  for (size_t l = 0; l < k; ++l) search.level_of[search.order[l]] = static_cast<int>(l);
  // Symmetry breaking: interchangeable variables take increasing entities in level order.
  search.previous_same_group.assign(k, -1);
  if (On(Optimizer::kSymmetry)) {
    for (size_t l = 0; l < k; ++l) {  // the last earlier level of the same group
      const int g = comp.group[search.order[l]];
      for (size_t j = l; j-- > 0;) {
        if (comp.group[search.order[j]] == g) {
          search.previous_same_group[l] = static_cast<int>(j);
          break;
        }
      }
    }
  }
}

void PlannedEvaluator::Schedule(ComponentSearch& search) {
  // Each conjunct at the level binding its last variable. A quantified conjunct ranges over
  // entities distinct from every bound variable (spec §6), so it also waits for every variable
  // whose class domain could hold one of its quantified entities; when none could and it uses
  // no block variable, it is evaluated once, before the search.
  const Block& block = search.block;
  const Component& comp = search.comp;
  const size_t k = search.k;
  search.at_level.assign(k, {});
  search.aligned_checks.assign(k, {});
  std::vector<int>& level_of_var = search.level_of_var;  // per variable; -1: bound outside the component
  level_of_var.assign(query_.var_names.size(), -1);
  for (size_t i = 0; i < k; ++i) level_of_var[block.vars[comp.positions[i]]] = search.level_of[i];
  for (int c : comp.conjuncts) {
    if (search.is_unary[c]) continue;
    int level = static_cast<int>(k) - 1;
    if (On(Optimizer::kEagerConjuncts)) {
      level = -1;
      for (size_t i = 0; i < k; ++i) {
        const int p = comp.positions[i];
        bool waits = block.mask[c].Has(p);
        for (size_t r = 0; block.quantified[c] && !waits && r < block.nested[c].size(); ++r) {
          waits = !Disjoint(block.nested[c][r], block.scans[p].classes);
        }
        if (waits) level = std::max(level, search.level_of[i]);
      }
      if (level < 0) {
        search.before_search.push_back(c);
        continue;
      }
    }
    search.at_level[level].push_back(c);
    const BoundNode& conj = *block.conjuncts[c];
    if (On(Optimizer::kAlignedPruning) && conj.kind == NodeKind::kRelation &&
        conj.relation == logic::Relation::kAligned) {
      // Partial checks wherever at least three of its variables are bound, before the last.
      for (int l = 0; l < level; ++l) {
        std::vector<int> bound_vars;
        for (int v : conj.vars) {
          if (level_of_var[v] <= l) bound_vars.push_back(v);  // or bound outside
        }
        if (bound_vars.size() >= 3 && bound_vars.size() < conj.vars.size()) {
          search.aligned_checks[l].emplace_back(&conj, bound_vars);
        }
      }
    }
  }
}

void PlannedEvaluator::ChooseSpatialFilters(ComponentSearch& search, const Env& env) {
  // At each level, a conjunct tying the new variable to a bound entity; the candidates then
  // come from the domain's grid (or sorted centroids).
  const Block& block = search.block;
  const Component& comp = search.comp;
  search.spatial.assign(search.k, {});
  if (!On(Optimizer::kSpatialIndex)) return;
  const double soft = params_.crisp ? 1.0 : 1.0 + params_.softness;
  for (size_t l = 0; l < search.k; ++l) {
    const int var = block.vars[comp.positions[search.order[l]]];
    if (search.cand[search.order[l]].size() < 16) continue;  // a scan is as fast below this
    for (int c : search.at_level[l]) {
      const BoundNode& n = *block.conjuncts[c];
      if (n.vars.size() != 2 || (n.vars[0] != var && n.vars[1] != var) || n.vars[0] == n.vars[1]) continue;
      SpatialFilter f;
      f.conj = &n;
      f.other_var = n.vars[0] == var ? n.vars[1] : n.vars[0];
      if (n.kind == NodeKind::kRelation) {
        const bool first = n.vars[0] == var;  // the new variable is the relation's a in R(a, b)
        switch (n.relation) {
          case logic::Relation::kNear:
            f.scaled = true;
            f.radius_px = soft * params_.k_near;
            break;
          case logic::Relation::kOn:
          case logic::Relation::kContains:
          case logic::Relation::kOverlaps: f.radius_px = 0; break;
          // v = c(a) − c(b): left_of needs v.x < 0, right_of v.x > 0, above v.y < 0, below
          // v.y > 0; soft truth is above 0 up to a quarter of S across the line.
          case logic::Relation::kLeftOf:
          case logic::Relation::kRightOf:
          case logic::Relation::kAbove:
          case logic::Relation::kBelow: {
            const bool towards_less = n.relation == logic::Relation::kLeftOf || n.relation == logic::Relation::kAbove;
            f.axis = n.relation == logic::Relation::kLeftOf || n.relation == logic::Relation::kRightOf ? 0 : 1;
            f.less = towards_less == first;
            f.slack_s = params_.crisp ? 0.0 : params_.softness;
            break;
          }
          default: continue;
        }
      } else if (n.kind == NodeKind::kCompare && n.measure == logic::Measure::kDistance &&
                 (n.op == logic::CmpOp::kLt || n.op == logic::CmpOp::kLe)) {
        double t = ThresholdInPixels(n, scene_->gsd);
        if (!std::isfinite(t)) continue;
        f.radius_px = t * soft;
      } else {
        continue;
      }
      // The other variable must be bound before this level (an earlier level or outside).
      bool other_bound = env.entity[f.other_var] >= 0;
      for (size_t j = 0; j < l && !other_bound; ++j) {
        other_bound = block.vars[comp.positions[search.order[j]]] == f.other_var;
      }
      if (!other_bound) continue;
      search.spatial[l] = f;
      if (f.axis < 0) break;  // distance-type: the most selective; keep it
    }
  }
}

void PlannedEvaluator::Nearby(const ComponentSearch& search, size_t level, size_t i, const Env& env,
                              std::vector<size_t>* out) {
  // The positions in cand[i] of the candidates the level's spatial filter admits, in cand order.
  const SpatialFilter& f = search.spatial[level];
  const auto& cand = search.cand[i];
  const Grid& g = GridOf(*search.domain_of[i]);
  const SceneEntity& u = scene_->entities[env.entity[f.other_var]];
  std::vector<int>& hits = nearby_hits_;  // Nearby does not recurse
  hits.clear();
  if (f.axis >= 0) {
    // A half-plane from the sorted centroid coordinates; ties included (conservative).
    const auto& sorted = g.by_axis[f.axis];
    const double slack = f.slack_s * (u.s + g.max_s) / 2.0;
    const double at = f.axis == 0 ? u.c.x : u.c.y;
    const double eps = 1e-9 * (1.0 + std::abs(at));
    if (f.less) {
      auto end = std::upper_bound(sorted.begin(), sorted.end(), std::make_pair(at + slack + eps, INT_MAX));
      for (auto it = sorted.begin(); it != end; ++it) hits.push_back(it->second);
    } else {
      auto begin = std::lower_bound(sorted.begin(), sorted.end(), std::make_pair(at - slack - eps, INT_MIN));
      for (auto it = begin; it != sorted.end(); ++it) hits.push_back(it->second);
    }
  }
  const double r = f.scaled ? f.radius_px * (u.s + g.max_s) / 2.0 : f.radius_px;
  const uint32_t stamp = ++grid_stamp_;
  for (int cy = g.Cy(u.min_y - r); f.axis < 0 && cy <= g.Cy(u.max_y + r); ++cy) {
    for (int cx = g.Cx(u.min_x - r); cx <= g.Cx(u.max_x + r); ++cx) {
      for (int e : g.cells[cy * g.nx + cx]) {
        if (grid_seen_[e] == stamp) continue;
        grid_seen_[e] = stamp;
        const SceneEntity& en = scene_->entities[e];
        const double dx = std::max({0.0, en.min_x - u.max_x, u.min_x - en.max_x});
        const double dy = std::max({0.0, en.min_y - u.max_y, u.min_y - en.max_y});
        if (dx * dx + dy * dy <= r * r * (1 + 1e-12) + 1e-9) hits.push_back(e);
      }
    }
  }
  std::sort(hits.begin(), hits.end());
  out->clear();
  size_t h = 0;
  for (size_t c = 0; c < cand.size() && h < hits.size(); ++c) {
    while (h < hits.size() && hits[h] < cand[c].first) ++h;
    if (h < hits.size() && hits[h] == cand[c].first) out->push_back(c);
  }
}

void PlannedEvaluator::Enumerate(ComponentSearch& search, Env& env) {
  double start = 1.0;
  for (int c : search.before_search) {
    start = And(params_.semantics, start, Eval(*search.block.conjuncts[c], env));
    if (start == 0.0) return;
  }
  search.current.assign(search.k, -1);
  search.nearby.resize(search.k);
  Descend(search, env, 0, start);
}

// The depth-first search of Enumerate: binds the variable of `level`, checks the conjuncts
// scheduled there, cuts by branch and bound, and records the best full assignment.
void PlannedEvaluator::Descend(ComponentSearch& search, Env& env, size_t level, double partial) {
  const Semantics s = params_.semantics;
  const bool bnb = On(Optimizer::kBranchAndBound);
  if (level == search.k) {
    const double value = std::min(partial, search.cap);
    if (!search.canonical) {
      if (value > search.best_value) {
        search.best_value = value;
        search.best_tuple = search.current;
        if (search.best_value >= search.cap) search.done = true;
      }
      return;
    }
    if (value <= 0) return;
    std::vector<int> tuple = CanonicalTuple(search, level);
    search.best_value = std::max(search.best_value, value);
    const bool tied = !ClearlyBetter(search.best_value, value, true);
    if (search.best_tuple.empty() || ClearlyBetter(value, search.witness_value, true) ||
        (tied && Smaller(tuple, search.best_tuple))) {
      search.best_tuple = std::move(tuple);
      search.witness_value = value;
    }
    if (search.lex_first && tied) search.done = true;
    return;
  }
  if (search.step_limit && steps_ - search.steps_at_start > search.step_limit) {
    search.truncated = search.done = true;
    return;
  }
  const Block& block = search.block;
  const size_t i = search.order[level];
  const int var = block.vars[search.comp.positions[i]];
  const auto& cand = search.cand[i];
  const int previous = search.previous_same_group[level];
  const int floor = previous >= 0 ? search.current[search.order[previous]] : -1;
  std::vector<size_t>& positions = search.nearby[level];
  const bool filtered = search.spatial[level].conj != nullptr;
  if (filtered) Nearby(search, level, i, env, &positions);
  const size_t count = filtered ? positions.size() : cand.size();
  std::vector<const SceneEntity*> args;
  for (size_t pi = 0; pi < count; ++pi) {
    const auto& [e, u] = cand[filtered ? positions[pi] : pi];
    if (search.done) return;
    if (e <= floor || env.IsBound(e)) continue;
    Step(*block.node);
    double v = And(s, partial, u);
    search.current[i] = e;
    if (v == 0.0 || (bnb && Cut(search, level, v))) {
      search.current[i] = -1;
      continue;
    }
    env.Bind(var, e);
    bool reject = false;
    for (int c : search.at_level[level]) {
      v = And(s, v, Eval(*block.conjuncts[c], env));
      if (v == 0.0 || (bnb && Cut(search, level, v))) {
        reject = true;
        break;
      }
    }
    if (!reject && search.lex_first && search.symmetric && search.comp.arrangement &&
        search.comp.arrangement->clustered && level + 1 < search.k) {
      reject = !ClusterCompletable(search, level);
    }
    for (size_t a = 0; !reject && a < search.aligned_checks[level].size(); ++a) {
      const auto& [conj, vars] = search.aligned_checks[level][a];
      args.clear();
      for (int av : vars) args.push_back(&scene_->entities[env.entity[av]]);
      double truth = RelationTruth(logic::Relation::kAligned, args, params_);
      reject = truth == 0.0 || (bnb && Cut(search, level, And(s, v, truth)));
    }
    if (!reject) Descend(search, env, level + 1, v);
    search.current[i] = -1;
    env.Unbind(var);
  }
}

bool PlannedEvaluator::Cut(const ComponentSearch& search, size_t level, double bound) const {
  const double capped = std::min(bound, search.cap);
  if (!search.canonical) return capped <= search.best_value;
  // Never cut what could raise the maximum (the value stays the ranking's, to the bit); below
  // it, only a tied value with a smaller tuple can replace the witness.
  if (search.best_tuple.empty() || capped > search.best_value) return false;
  if (ClearlyBetter(search.best_value, capped, true)) return true;
  return !Smaller(CanonicalTuple(search, level), search.best_tuple);
}

bool PlannedEvaluator::ClusterCompletable(const ComponentSearch& search, size_t level) {
  std::vector<int> nodes;  // the prefix, then the candidates after its last entity
  for (size_t l = 0; l <= level; ++l) nodes.push_back(search.current[search.order[l]]);
  const size_t bound = nodes.size();
  const int last = nodes.back();
  for (const auto& [e, u] : search.cand[search.order[level]]) {
    if (e > last) nodes.push_back(e);
  }
  if (nodes.size() < search.k) return false;
  std::vector<bool> seen(nodes.size(), false);
  std::vector<size_t> queue{0};
  seen[0] = true;
  size_t reached = 1, prefix_reached = 1;
  for (size_t h = 0; h < queue.size(); ++h) {
    if (reached >= search.k && prefix_reached == bound) return true;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (seen[j] || CachedRelation(logic::Relation::kNear, nodes[queue[h]], nodes[j]) <= 0.0) continue;
      seen[j] = true;
      queue.push_back(j);
      ++reached;
      prefix_reached += j < bound;
    }
  }
  return reached >= search.k && prefix_reached == bound;
}

std::vector<int> PlannedEvaluator::CanonicalTuple(const ComponentSearch& search, size_t level) {
  // The levels up to `level` are bound. Symmetric groups: a group's bound entities, sorted, on
  // its first positions (its unbound members take larger entities, so they come last).
  std::vector<int> out(search.k, -1);
  std::vector<bool> done(search.k, false);
  for (size_t i = 0; i < search.k; ++i) {
    if (done[i]) continue;
    std::vector<size_t> positions;
    std::vector<int> entities;
    for (size_t j = i; j < search.k; ++j) {
      if (j != i && (!search.symmetric || search.comp.group[j] != search.comp.group[i])) continue;
      done[j] = true;
      positions.push_back(j);
      if (static_cast<size_t>(search.level_of[j]) <= level && search.current[j] >= 0)
        entities.push_back(search.current[j]);
    }
    std::sort(entities.begin(), entities.end());
    for (size_t r = 0; r < entities.size(); ++r) out[positions[r]] = entities[r];
  }
  return out;
}

bool PlannedEvaluator::Smaller(const std::vector<int>& partial, const std::vector<int>& best) {
  if (best.size() != partial.size()) return true;
  for (size_t i = 0; i < partial.size(); ++i) {
    if (partial[i] < 0 || partial[i] < best[i]) return true;
    if (partial[i] > best[i]) return false;
  }
  return false;
}

std::vector<int> PlannedEvaluator::CanonicalArrangement(ComponentSearch& search, Env& env,
                                                        const std::vector<int>& found, double value,
                                                        std::string* outcome) {
  // The enumerating search, started from the operator's set and looking only for a smaller
  // tuple of the same value, within a bound on its work.
  search.canonical = true;
  search.lex_first = true;
  search.best_value = search.witness_value = value;
  search.best_tuple = found;
  std::sort(search.best_tuple.begin(), search.best_tuple.end());
  search.step_limit = kCanonicalArrangementSteps;
  search.steps_at_start = steps_;
  ChooseJoinOrder(search);
  Schedule(search);
  ChooseSpatialFilters(search, env);
  Enumerate(search, env);
  if (search.truncated) *outcome += " (witness: the operator's set; the smallest was not found within the bound)";
  return search.best_tuple;
}

double PlannedEvaluator::Forall(const BoundNode& node, Env& env, std::vector<int>* worst) {
  const std::vector<plan::ClassScan>& scans = plan_->loop_of.at(&node)->scans;
  double worst_value = 1.0, witness_value = 1.0;
  bool any = false;
  std::vector<int> current;
  std::function<void(size_t)> loop = [&](size_t i) {
    if (worst_value <= 0.0) return;
    if (i == node.vars.size()) {
      Step(node);
      double v = Eval(*node.children[0], env);
      if (!any || ClearlyBetter(v, witness_value, false)) {
        if (worst) *worst = current;  // the first minimum (up to ties, evaluator.h)
        witness_value = v;
      }
      any = true;
      worst_value = std::min(worst_value, v);
      return;
    }
    const std::vector<int>& entities = Domain(scans[i].classes);
    for (int e : entities) {
      if (env.IsBound(e)) continue;
      env.Bind(node.vars[i], e);
      current.push_back(e);
      loop(i + 1);
      current.pop_back();
      env.Unbind(node.vars[i]);
      if (worst_value <= 0.0) return;
    }
  };
  loop(0);
  if (worst && worst_value >= 1.0) worst->clear();  // every case holds: no telling witness
  return worst_value;
}

double PlannedEvaluator::Count(const BoundNode& node, Env& env, std::vector<int>* chosen) {
  const int var = node.vars[0];
  const plan::LoopPlan& loop = *plan_->loop_of.at(&node);
  const std::vector<int>& entities = Domain(loop.scans[0].classes);
  const long stop_at = node.kind == NodeKind::kAtLeast ? node.count : node.count + 1;
  const bool early = params_.crisp && On(Optimizer::kCountEarlyStop);
  std::vector<std::pair<double, int>> values;
  long ones = 0;
  for (int e : entities) {
    if (env.IsBound(e)) continue;
    Step(node);
    env.Bind(var, e);
    double v = Eval(*node.children[0], env);
    env.Unbind(var);
    if (v > 0) values.emplace_back(v, e);
    if (v >= 1.0 && ++ones >= stop_at && early) break;
  }
  return CountValue(node, values, chosen);
}

}  // namespace georune::reason
