#include "georune/plan/analysis.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace georune::plan {
namespace {

using logic::BoundNode;
using logic::NodeKind;

bool IsArrangementRelation(const BoundNode& n) {
  return n.kind == NodeKind::kRelation &&
         (n.relation == logic::Relation::kAligned || n.relation == logic::Relation::kClustered);
}

// Relations whose truth does not change when the arguments are permuted, in floating point too
// (parallel and perpendicular depend on |θa − θb| only).
bool IsSymmetricRelation(const BoundNode& n) {
  return IsArrangementRelation(n) || (n.kind == NodeKind::kRelation && (n.relation == logic::Relation::kParallel ||
                                                                        n.relation == logic::Relation::kPerpendicular));
}

void AppendKey(const BoundNode& n, const std::vector<int>& rename, std::string* out) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "(%d:%d:%d:%d:%d:%d:%.17g:%ld:", static_cast<int>(n.kind), n.value ? 1 : 0,
                static_cast<int>(n.relation), static_cast<int>(n.measure), static_cast<int>(n.op),
                static_cast<int>(n.unit), n.number, n.count);
  *out += buf;
  if (n.kind == NodeKind::kClass) {
    *out += n.any_class ? "*" : "";
    for (int c : n.class_ids) *out += std::to_string(c) + ",";
  }
  std::vector<int> vars;
  for (int v : n.vars) vars.push_back(v >= 0 && v < static_cast<int>(rename.size()) ? rename[v] : v);
  if (IsSymmetricRelation(n)) std::sort(vars.begin(), vars.end());
  *out += "[";
  for (int v : vars) *out += std::to_string(v) + ",";
  *out += "]";
  for (const auto& c : n.children) AppendKey(*c, rename, out);
  *out += ")";
}

int MaxVar(const BoundNode& n) {
  int m = -1;
  for (int v : n.vars) m = std::max(m, v);
  for (const auto& c : n.children) m = std::max(m, MaxVar(*c));
  return m;
}

std::vector<std::string> SortedKeys(const std::vector<const BoundNode*>& conjuncts, const std::vector<int>& rename) {
  std::vector<std::string> keys;
  keys.reserve(conjuncts.size());
  for (const BoundNode* c : conjuncts) keys.push_back(SymmetricKey(*c, rename));
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

bool ContainsQuantifier(const BoundNode& n) {
  if (logic::IsQuantifier(n.kind)) return true;
  return std::any_of(n.children.begin(), n.children.end(), [](const auto& c) { return ContainsQuantifier(*c); });
}

ClassSet Restriction(const std::vector<const BoundNode*>& conjuncts, int var) {
  ClassSet out;
  for (const BoundNode* c : conjuncts) {
    if (c->kind != NodeKind::kClass || c->any_class || c->vars[0] != var) continue;
    if (!out) {
      out = c->class_ids;
    } else {
      std::vector<int> both;
      std::set_intersection(out->begin(), out->end(), c->class_ids.begin(), c->class_ids.end(),
                            std::back_inserter(both));
      out = both;
    }
  }
  return out;
}

std::vector<const BoundNode*> BindingConjuncts(const BoundNode& q) {
  const BoundNode& body = *q.children[0];
  if (q.kind != NodeKind::kForall) return logic::Conjuncts(body);
  if (body.kind == NodeKind::kImplies) return logic::Conjuncts(*body.children[0]);
  return {};
}

std::vector<ClassSet> QuantifierRestrictions(const BoundNode& q) {
  const std::vector<const BoundNode*> conjuncts = BindingConjuncts(q);
  std::vector<ClassSet> out;
  for (int v : q.vars) out.push_back(Restriction(conjuncts, v));
  return out;
}

void NestedRestrictions(const BoundNode& n, std::vector<ClassSet>* out) {
  if (logic::IsQuantifier(n.kind)) {
    for (auto& r : QuantifierRestrictions(n)) out->push_back(std::move(r));
  }
  for (const auto& c : n.children) NestedRestrictions(*c, out);
}

bool Disjoint(const ClassSet& a, const ClassSet& b) {
  if (!a || !b) return false;
  std::vector<int> both;
  std::set_intersection(a->begin(), a->end(), b->begin(), b->end(), std::back_inserter(both));
  return both.empty();
}

void ForEachQuantifier(const BoundNode& n, const std::function<void(const BoundNode&)>& f) {
  if (logic::IsQuantifier(n.kind)) f(n);
  for (const auto& c : n.children) ForEachQuantifier(*c, f);
}

std::vector<ClassSet> VariableClasses(const logic::BoundQuery& query) {
  std::vector<ClassSet> out(query.var_names.size());
  ForEachQuantifier(*query.root, [&](const BoundNode& q) {
    auto restrictions = QuantifierRestrictions(q);
    for (size_t i = 0; i < q.vars.size(); ++i) out[q.vars[i]] = restrictions[i];
  });
  return out;
}

ClassSet MetricClasses(const logic::BoundQuery& query) {
  const auto var_classes = VariableClasses(query);
  std::vector<int> out;
  bool any = false;
  std::function<void(const BoundNode&)> walk = [&](const BoundNode& n) {
    const bool metric = n.kind == NodeKind::kCompare && (n.unit == logic::Unit::kM || n.unit == logic::Unit::kKm ||
                                                         n.unit == logic::Unit::kM2 || n.unit == logic::Unit::kHa);
    if (metric) {
      for (int v : n.vars) {
        if (!var_classes[v]) any = true;
        else out.insert(out.end(), var_classes[v]->begin(), var_classes[v]->end());
      }
    }
    for (const auto& c : n.children) walk(*c);
  };
  walk(*query.root);
  if (any) return std::nullopt;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<bool> RelevantClasses(const logic::BoundQuery& query, int class_count) {
  std::vector<bool> keep(class_count, false);
  for (const ClassSet& r : VariableClasses(query)) {
    if (!r) return {};
    for (int c : *r) {
      if (c >= 0 && c < class_count) keep[c] = true;
    }
  }
  return keep;
}

std::string SymmetricKey(const BoundNode& node, const std::vector<int>& rename) {
  std::string out;
  AppendKey(node, rename, &out);
  return out;
}

std::vector<int> SymmetricGroups(const std::vector<const BoundNode*>& conjuncts, const std::vector<int>& vars) {
  int max_var = -1;
  for (const BoundNode* c : conjuncts) max_var = std::max(max_var, MaxVar(*c));
  for (int v : vars) max_var = std::max(max_var, v);
  std::vector<int> identity(static_cast<size_t>(max_var + 1));
  std::iota(identity.begin(), identity.end(), 0);
  const std::vector<std::string> original = SortedKeys(conjuncts, identity);

  // Transpositions that are automorphisms compose into an equivalence: a variable joins the
  // first group whose representative it can be swapped with.
  std::vector<int> group(vars.size(), -1);
  std::vector<size_t> representatives;
  for (size_t p = 0; p < vars.size(); ++p) {
    for (size_t g = 0; g < representatives.size() && group[p] < 0; ++g) {
      std::vector<int> swap = identity;
      std::swap(swap[vars[p]], swap[vars[representatives[g]]]);
      if (SortedKeys(conjuncts, swap) == original) group[p] = static_cast<int>(g);
    }
    if (group[p] < 0) {
      group[p] = static_cast<int>(representatives.size());
      representatives.push_back(p);
    }
  }
  return group;
}

std::optional<Arrangement> FindArrangement(const std::vector<const BoundNode*>& conjuncts, const std::vector<int>& vars,
                                           const std::vector<int>& groups) {
  if (vars.empty() || std::any_of(groups.begin(), groups.end(), [&](int g) { return g != groups[0]; })) {
    return std::nullopt;
  }
  std::vector<int> sorted_vars = vars;
  std::sort(sorted_vars.begin(), sorted_vars.end());
  Arrangement a;
  a.n = vars.size();
  for (const BoundNode* c : conjuncts) {
    if (ContainsQuantifier(*c)) return std::nullopt;
    if (IsArrangementRelation(*c)) {
      std::vector<int> args = c->vars;
      std::sort(args.begin(), args.end());
      if (args != sorted_vars) return std::nullopt;
      (c->relation == logic::Relation::kAligned ? a.aligned : a.clustered) = true;
      continue;
    }
    // Otherwise it must mention only these variables: one (a candidate filter) or several
    // (a restriction).
    std::vector<int> used;
    std::vector<const BoundNode*> stack = {c};
    while (!stack.empty()) {
      const BoundNode* n = stack.back();
      stack.pop_back();
      used.insert(used.end(), n->vars.begin(), n->vars.end());
      for (const auto& ch : n->children) stack.push_back(ch.get());
    }
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    for (int v : used) {
      if (!std::binary_search(sorted_vars.begin(), sorted_vars.end(), v)) return std::nullopt;
    }
    if (used.empty()) return std::nullopt;
    if (used.size() > 1) a.restricted = true;
  }
  if (!a.aligned && !a.clustered) return std::nullopt;
  return a;
}

}  // namespace georune::plan
