// The optimise stage: builds the physical plan (physical.h) from the bound query and the
// read-only analyses, one named step per decision.
#include "georune/plan/physical.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>

namespace georune::plan {
namespace {

using logic::BoundNode;
using logic::NodeKind;

bool On(const PhysicalPlan& plan, Optimizer o) { return plan.optimizers.On(o); }

std::string ClassSetText(const ClassSet& s, const std::vector<const BoundNode*>& conjuncts, int var) {
  if (!s) return "every entity";
  std::string names;
  for (const BoundNode* c : conjuncts) {
    if (c->kind == NodeKind::kClass && !c->any_class && c->vars[0] == var) {
      names += (names.empty() ? "" : " ∩ ") + c->class_name;
    }
  }
  return names;
}

Estimate EstimateOf(const ClassSet& classes, const ClassStatistics* stats) {
  Estimate e;
  if (!stats || stats->images == 0) return e;
  uint64_t entities = 0, images = 0;
  if (!classes) {
    for (uint64_t n : stats->entities_per_class) entities += n;
    images = stats->images;
  } else {
    for (int c : *classes) {
      if (c < 0 || static_cast<size_t>(c) >= stats->entities_per_class.size()) continue;
      entities += stats->entities_per_class[c];
      images = std::max(images, stats->images_per_class[c]);  // at least the largest class's
    }
  }
  e.known = true;
  e.rows_per_image = images ? static_cast<double>(entities) / static_cast<double>(images) : 0.0;
  e.image_fraction = static_cast<double>(images) / static_cast<double>(stats->images);
  return e;
}

ClassScan ScanOf(const PhysicalPlan& plan, const std::vector<const BoundNode*>& conjuncts, int var, int position,
                 const ClassStatistics* stats) {
  ClassScan scan;
  scan.position = position;
  scan.classes = On(plan, Optimizer::kClassDomains) ? Restriction(conjuncts, var) : ClassSet{};
  scan.text = ClassSetText(scan.classes, conjuncts, var);
  scan.estimate = EstimateOf(scan.classes, stats);
  return scan;
}

// Step 1: which block variables each conjunct uses, and whether it holds a quantifier.
void AnalyseConjuncts(ExistsPlan* b) {
  const size_t k = b->vars.size();
  for (const BoundNode* c : b->conjuncts) {
    VarSet m(k);
    std::function<void(const BoundNode&)> collect = [&](const BoundNode& n) {
      for (int v : n.vars) {
        for (size_t p = 0; p < k; ++p) {
          if (b->vars[p] == v) m.Set(p);
        }
      }
      for (const auto& ch : n.children) collect(*ch);
    };
    collect(*c);
    b->mask.push_back(m);
    b->quantified.push_back(ContainsQuantifier(*c));
    b->nested.emplace_back();
    NestedRestrictions(*c, &b->nested.back());
  }
}

// Union-find over variable positions.
struct Partition {
  std::vector<int> parent;
  explicit Partition(size_t k) : parent(k) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) { return parent[x] == x ? x : parent[x] = Find(parent[x]); }
  bool Unite(int x, int y) {
    x = Find(x), y = Find(y);
    if (x == y) return false;
    parent[x] = y;
    return true;
  }
};

// Distinctness couples components unless their class domains are disjoint (spec §6), and a
// quantified conjunct ranges over entities distinct from every bound variable. Returns whether
// anything merged.
bool MergeOverlapping(const ExistsPlan& b, Partition* part) {
  const size_t k = b.vars.size();
  bool changed = false;
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i + 1; j < k; ++j) {
      if (part->Find(i) != part->Find(j) && !Disjoint(b.scans[i].classes, b.scans[j].classes)) {
        changed |= part->Unite(i, j);
      }
    }
  }
  for (size_t c = 0; c < b.conjuncts.size(); ++c) {
    if (!b.quantified[c]) continue;
    int home = -1;
    for (size_t p = 0; p < k; ++p) {
      if (b.mask[c].Has(p)) home = static_cast<int>(p);
    }
    if (home < 0) home = 0;
    for (size_t p = 0; p < k; ++p) {
      if (part->Find(p) == part->Find(home)) continue;
      for (const ClassSet& r : b.nested[c]) {
        if (!Disjoint(r, b.scans[p].classes)) {
          changed |= part->Unite(p, home);
          break;
        }
      }
    }
  }
  return changed;
}

// Step 2: the components (components): the variable graph's, merged where distinctness couples
// them; with the optimiser off, one component.
void FindComponents(const PhysicalPlan& plan, ExistsPlan* b) {
  const size_t k = b->vars.size();
  Partition part(k);
  for (size_t c = 0; c < b->conjuncts.size(); ++c) {
    int first = -1;
    for (size_t p = 0; p < k; ++p) {
      if (!b->mask[c].Has(p)) continue;
      if (first < 0) first = static_cast<int>(p);
      else part.Unite(first, static_cast<int>(p));
    }
  }
  if (On(plan, Optimizer::kComponents)) {
    while (MergeOverlapping(*b, &part)) {
    }
  } else {
    for (size_t p = 1; p < k; ++p) part.Unite(p, 0);
  }
  std::vector<int> comp_of_root(k, -1);
  for (size_t p = 0; p < k; ++p) {
    const int r = part.Find(p);
    if (comp_of_root[r] < 0) {
      comp_of_root[r] = static_cast<int>(b->components.size());
      b->components.emplace_back();
    }
    b->components[comp_of_root[r]].positions.push_back(static_cast<int>(p));
  }
  for (size_t c = 0; c < b->conjuncts.size(); ++c) {
    if (b->mask[c].Empty() && !b->quantified[c]) {
      b->outer_conjuncts.push_back(static_cast<int>(c));
      continue;
    }
    int home = 0;
    for (size_t p = 0; p < k; ++p) {
      if (b->mask[c].Has(p)) home = static_cast<int>(p);
    }
    b->components[comp_of_root[part.Find(home)]].conjuncts.push_back(static_cast<int>(c));
  }
}

// Step 3: one-variable conjuncts folded into their variable's scan (eager-conjuncts).
void FoldFilters(const PhysicalPlan& plan, ExistsPlan* b) {
  if (!On(plan, Optimizer::kEagerConjuncts)) return;
  for (const ComponentPlan& comp : b->components) {
    for (int p : comp.positions) {
      for (int c : comp.conjuncts) {
        if (b->mask[c].Only(p) && !b->quantified[c]) b->scans[p].filters.push_back(c);
      }
    }
  }
}

// Step 4: each component's operator: symmetric groups (symmetry) and the exact arrangement
// operator (arrangements).
void ChooseOperators(const PhysicalPlan& plan, ExistsPlan* b) {
  const std::vector<int> groups = SymmetricGroups(b->conjuncts, b->vars);
  for (ComponentPlan& comp : b->components) {
    std::vector<int> vars;
    std::vector<const BoundNode*> conjuncts;
    for (int p : comp.positions) {
      comp.group.push_back(On(plan, Optimizer::kSymmetry) ? groups[p] : p);
      vars.push_back(b->vars[p]);
    }
    for (int c : comp.conjuncts) conjuncts.push_back(b->conjuncts[c]);
    if (On(plan, Optimizer::kArrangements)) comp.arrangement = FindArrangement(conjuncts, vars, comp.group);
    std::map<int, int> group_sizes;
    for (int g : comp.group) ++group_sizes[g];
    for (const auto& [g, n] : group_sizes) comp.interchangeable += n > 1 ? n : 0;
  }
}

// Step 5: the estimated join order (join-order): fewest estimated rows first, then the most
// connected to what is placed, the way execution orders by the actual candidate counts.
void EstimateOrder(const PhysicalPlan& plan, ExistsPlan* b) {
  for (ComponentPlan& comp : b->components) {
    const size_t k = comp.positions.size();
    auto rows = [&](size_t i) {
      const Estimate& e = b->scans[comp.positions[i]].estimate;
      return e.known ? e.rows_per_image : 1e300;
    };
    std::vector<int> links(k, 0);
    std::vector<bool> placed(k, false);
    for (size_t step = 0; step < k; ++step) {
      size_t pick = k;
      if (!On(plan, Optimizer::kJoinOrder)) {
        pick = step;
      } else {
        for (size_t i = 0; i < k; ++i) {
          if (placed[i]) continue;
          if (pick == k || links[i] > links[pick] || (links[i] == links[pick] && rows(i) < rows(pick))) pick = i;
        }
      }
      placed[pick] = true;
      comp.estimated_order.push_back(static_cast<int>(pick));
      for (int c : comp.conjuncts) {
        if (!b->mask[c].Has(comp.positions[pick])) continue;
        for (size_t i = 0; i < k; ++i) {
          if (!placed[i] && b->mask[c].Has(comp.positions[i])) ++links[i];
        }
      }
    }
  }
}

// Whether a two-variable conjunct can feed candidates from a bound entity: distance-type
// (near, on, contains, overlaps, distance < X) through a grid, directional through sorted
// centroids (the same relations the execution's spatial filters use).
std::optional<bool> LookupKind(const BoundNode& n) {
  if (n.kind == NodeKind::kRelation) {
    switch (n.relation) {
      case logic::Relation::kNear:
      case logic::Relation::kOn:
      case logic::Relation::kContains:
      case logic::Relation::kOverlaps: return false;
      case logic::Relation::kLeftOf:
      case logic::Relation::kRightOf:
      case logic::Relation::kAbove:
      case logic::Relation::kBelow: return true;
      default: return std::nullopt;
    }
  }
  if (n.kind == NodeKind::kCompare && n.measure == logic::Measure::kDistance &&
      (n.op == logic::CmpOp::kLt || n.op == logic::CmpOp::kLe)) {
    return false;
  }
  return std::nullopt;
}

// Step 6: the spatial lookups a join can use (spatial-index): conjuncts checked at a level (not
// folded into a scan); which one serves a variable is decided per image, once the order is known.
void FindLookups(const PhysicalPlan& plan, ExistsPlan* b) {
  if (!On(plan, Optimizer::kSpatialIndex)) return;
  for (ComponentPlan& comp : b->components) {
    for (int c : comp.conjuncts) {
      const BoundNode& n = *b->conjuncts[c];
      const auto directional = LookupKind(n);
      if (!directional || n.vars.size() != 2 || n.vars[0] == n.vars[1]) continue;
      for (int p : comp.positions) {
        const std::vector<int>& filters = b->scans[p].filters;
        if (std::find(filters.begin(), filters.end(), c) != filters.end()) continue;  // checked while scanning
        for (int side = 0; side < 2; ++side) {
          if (n.vars[side] == b->vars[p]) comp.lookups.push_back({c, p, n.vars[1 - side], *directional});
        }
      }
    }
  }
}

std::unique_ptr<ExistsPlan> BuildExists(const PhysicalPlan& plan, const BoundNode& node, const ClassStatistics* stats) {
  auto b = std::make_unique<ExistsPlan>();
  b->node = &node;
  b->key = logic::PrintNode(*plan.query, node).substr(0, 200);
  b->vars = node.vars;
  b->conjuncts = logic::Conjuncts(*node.children[0]);
  AnalyseConjuncts(b.get());
  for (size_t p = 0; p < b->vars.size(); ++p) {
    b->scans.push_back(ScanOf(plan, b->conjuncts, b->vars[p], static_cast<int>(p), stats));
  }
  FindComponents(plan, b.get());
  FoldFilters(plan, b.get());
  ChooseOperators(plan, b.get());
  EstimateOrder(plan, b.get());
  FindLookups(plan, b.get());
  return b;
}

std::unique_ptr<LoopPlan> BuildLoop(const PhysicalPlan& plan, const BoundNode& node, const ClassStatistics* stats) {
  auto l = std::make_unique<LoopPlan>();
  l->node = &node;
  const std::vector<const BoundNode*> conjuncts = BindingConjuncts(node);
  for (size_t i = 0; i < node.vars.size(); ++i) {
    l->scans.push_back(ScanOf(plan, conjuncts, node.vars[i], static_cast<int>(i), stats));
  }
  l->early_stop = node.kind != NodeKind::kForall && plan.crisp && On(plan, Optimizer::kCountEarlyStop);
  return l;
}

}  // namespace

bool VarSet::Empty() const {
  return std::all_of(words_.begin(), words_.end(), [](uint64_t w) { return w == 0; });
}

bool VarSet::Only(size_t p) const {
  for (size_t i = 0; i < words_.size(); ++i) {
    if (words_[i] != (i == p / 64 ? uint64_t{1} << (p % 64) : 0)) return false;
  }
  return true;
}

std::shared_ptr<const PhysicalPlan> BuildPlan(const logic::BoundQuery& query, const OptimizerSet& optimizers,
                                              bool crisp, const ClassStatistics* stats) {
  auto plan = std::make_shared<PhysicalPlan>();
  plan->query = &query;
  plan->optimizers = optimizers;
  plan->crisp = crisp;
  ForEachQuantifier(*query.root, [&](const BoundNode& q) {
    if (q.kind == NodeKind::kExists) {
      plan->blocks.push_back(BuildExists(*plan, q, stats));
      plan->block_of[&q] = plan->blocks.back().get();
    } else {
      plan->loops.push_back(BuildLoop(*plan, q, stats));
      plan->loop_of[&q] = plan->loops.back().get();
    }
  });
  return plan;
}

}  // namespace georune::plan
