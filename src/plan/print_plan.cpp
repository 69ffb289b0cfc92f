// The physical plan as text (--explain, before running): an indented tree that follows the
// formula, each operator with the optimiser that chose it in brackets.
#include <cstdio>
#include <string>

#include "georune/plan/physical.h"

namespace georune::plan {
namespace {

using logic::BoundNode;
using logic::NodeKind;

std::string Pad(int depth) { return std::string(2 * static_cast<size_t>(depth), ' '); }

std::string Tag(const PhysicalPlan& plan, Optimizer o) {
  return std::string(" [") + NameOf(o) + (plan.optimizers.On(o) ? "" : ", off") + "]";
}

std::string EstimateText(const Estimate& e) {
  if (!e.known) return "";
  char buf[96];
  std::snprintf(buf, sizeof buf, "; est. %.1f per image, in %.0f %% of images", e.rows_per_image,
                100.0 * e.image_fraction);
  return buf;
}

std::string VarName(const PhysicalPlan& plan, int var) { return plan.query->var_names[var]; }

// One line for the scans of variables first … last (a run of alike scans: same classes, as
// many filters), with the filters of the first.
std::string ScanLine(const PhysicalPlan& plan, const std::vector<const BoundNode*>& conjuncts,
                     const std::vector<int>& vars, const std::vector<ClassScan>& scans, size_t first, size_t last,
                     int depth) {
  const ClassScan& scan = scans[first];
  const size_t n = last - first + 1;
  std::string line = Pad(depth) + "scan " + VarName(plan, vars[first]);
  if (n > 1) line += (n == 2 ? ", " : " … ") + VarName(plan, vars[last]) + " (" + std::to_string(n) + ")";
  line += ": " + scan.text + Tag(plan, Optimizer::kClassDomains) + EstimateText(scan.estimate);
  for (size_t i = 0; i < scan.filters.size(); ++i) {
    line += (i ? ", " : "; filter ") + logic::PrintNode(*plan.query, *conjuncts[scan.filters[i]]).substr(0, 120);
  }
  if (n > 1 && !scan.filters.empty()) line += " (each variable its own)";
  if (!scan.filters.empty()) line += Tag(plan, Optimizer::kEagerConjuncts);
  return line + "\n";
}

// Scan lines for every variable, alike consecutive scans on one line ("x0 … x99 (100)").
std::string ScanLines(const PhysicalPlan& plan, const std::vector<const BoundNode*>& conjuncts,
                      const std::vector<int>& vars, const std::vector<ClassScan>& scans, int depth) {
  std::string out;
  for (size_t p = 0; p < vars.size();) {
    size_t q = p + 1;
    while (q < vars.size() && scans[q].text == scans[p].text && scans[q].filters.size() == scans[p].filters.size()) {
      ++q;
    }
    out += ScanLine(plan, conjuncts, vars, scans, p, q - 1, depth);
    p = q;
  }
  return out;
}

std::string ArrangementText(const Arrangement& a) {
  return std::string(a.aligned && a.clustered ? "aligned AND clustered"
                     : a.aligned              ? "aligned"
                                              : "clustered") +
         " of " + std::to_string(a.n);
}

void PrintComponent(const PhysicalPlan& plan, const ExistsPlan& b, const ComponentPlan& comp, int depth,
                    std::string* out);
void PrintNode(const PhysicalPlan& plan, const BoundNode& node, int depth, std::string* out);

void PrintExists(const PhysicalPlan& plan, const ExistsPlan& b, int depth, std::string* out) {
  *out += Pad(depth) + "exists-block " + b.key + "\n";
  *out += ScanLines(plan, b.conjuncts, b.vars, b.scans, depth + 1);
  for (int c : b.outer_conjuncts) {
    *out += Pad(depth + 1) + "check first " + logic::PrintNode(*plan.query, *b.conjuncts[c]).substr(0, 120) + "\n";
  }
  if (b.components.size() > 1) {
    *out += Pad(depth + 1) + std::to_string(b.components.size()) + " independent components, maximised apart" +
            Tag(plan, Optimizer::kComponents) + "\n";
  }
  for (const ComponentPlan& comp : b.components) PrintComponent(plan, b, comp, depth + 1, out);
}

void PrintComponent(const PhysicalPlan& plan, const ExistsPlan& b, const ComponentPlan& comp, int depth,
                    std::string* out) {
  *out += Pad(depth) + ComponentName(plan, b, comp);
  if (comp.arrangement) {
    *out += ": exact arrangement operator (" + ArrangementText(*comp.arrangement) + ", polynomial)" +
            Tag(plan, Optimizer::kArrangements) + "\n";
    if (!plan.crisp && comp.arrangement->aligned) {
      *out += Pad(depth + 1) + "soft aligned(): no exact operator, the join below enumerates instead\n";
    }
    if (comp.arrangement->restricted) {
      *out += Pad(depth + 1) +
              "further conjuncts on its variables: its set is kept when it passes them, otherwise the join "
              "enumerates the members of its sets only\n";
    }
    *out += Pad(depth + 1) + "where the operator declines on an image, a join:\n";
    ++depth;
  } else {
    *out += ": join\n";
  }
  std::string order;
  for (size_t i = 0; i < comp.estimated_order.size() && i < 12; ++i) {
    order += (i ? " → " : "") + VarName(plan, b.vars[comp.positions[comp.estimated_order[i]]]);
  }
  if (comp.estimated_order.size() > 12) order += " → …";
  *out += Pad(depth + 1) + "join order: " + order +
          (plan.optimizers.On(Optimizer::kJoinOrder) ? " (estimated; reordered per image by the candidates found)"
                                                     : " (the variables' own order)") +
          Tag(plan, Optimizer::kJoinOrder) + "\n";
  if (comp.interchangeable > 0) {
    *out += Pad(depth + 1) + std::to_string(comp.interchangeable) +
            " interchangeable variables bound in increasing entity order" + Tag(plan, Optimizer::kSymmetry) + "\n";
  }
  for (int c : comp.conjuncts) {
    const BoundNode& conj = *b.conjuncts[c];
    bool folded = false;
    for (int p : comp.positions) {
      for (int f : b.scans[p].filters) folded |= f == c;
    }
    if (folded) continue;
    if (b.quantified[c]) {
      *out += Pad(depth + 1) + "check, once its variables and every one it must differ from are bound" +
              Tag(plan, Optimizer::kEagerConjuncts) + ":\n";
      PrintNode(plan, conj, depth + 2, out);
      continue;
    }
    *out += Pad(depth + 1) + "check " + logic::PrintNode(*plan.query, conj).substr(0, 120) +
            " when its variables are bound" + Tag(plan, Optimizer::kEagerConjuncts);
    if (plan.optimizers.On(Optimizer::kAlignedPruning) && conj.kind == NodeKind::kRelation &&
        conj.relation == logic::Relation::kAligned && conj.vars.size() > 3) {
      *out += "; partial checks from 3 bound" + Tag(plan, Optimizer::kAlignedPruning);
    }
    *out += "\n";
  }
  for (const SpatialLookup& l : comp.lookups) {
    *out += Pad(depth + 1) + "lookup " + VarName(plan, b.vars[l.position]) + " near " + VarName(plan, l.other_var) +
            " by " + logic::PrintNode(*plan.query, *b.conjuncts[l.conjunct]).substr(0, 80) +
            (l.directional ? ": sorted centroids" : ": grid") + ", when " + VarName(plan, l.other_var) +
            " is bound first" + Tag(plan, Optimizer::kSpatialIndex) + "\n";
  }
}

void PrintLoop(const PhysicalPlan& plan, const LoopPlan& l, int depth, std::string* out) {
  const BoundNode& q = *l.node;
  *out += Pad(depth) + (q.kind == NodeKind::kForall ? "forall-loop " : "count-loop ") +
          logic::PrintNode(*plan.query, q).substr(0, 200) + "\n";
  const std::vector<const BoundNode*> conjuncts = BindingConjuncts(q);
  *out += ScanLines(plan, conjuncts, q.vars, l.scans, depth + 1);
  if (q.kind != NodeKind::kForall) {
    *out += Pad(depth + 1) + (l.early_stop ? "stops once enough entities count" : "counts every entity") +
            Tag(plan, Optimizer::kCountEarlyStop) + "\n";
  }
  PrintNode(plan, *q.children[0], depth + 1, out);
}

// Connectives print only where a quantifier lies below them; a quantifier prints its plan.
void PrintNode(const PhysicalPlan& plan, const BoundNode& node, int depth, std::string* out) {
  if (!ContainsQuantifier(node)) return;
  if (auto it = plan.block_of.find(&node); it != plan.block_of.end()) {
    PrintExists(plan, *it->second, depth, out);
    return;
  }
  if (auto it = plan.loop_of.find(&node); it != plan.loop_of.end()) {
    PrintLoop(plan, *it->second, depth, out);
    return;
  }
  const char* name = node.kind == NodeKind::kAnd       ? "and"
                     : node.kind == NodeKind::kOr      ? "or"
                     : node.kind == NodeKind::kNot     ? "not"
                     : node.kind == NodeKind::kImplies ? "implies"
                                                       : "evaluate";
  *out += Pad(depth) + name + "\n";
  for (const auto& c : node.children) PrintNode(plan, *c, depth + 1, out);
}

}  // namespace

std::string ComponentName(const PhysicalPlan& plan, const ExistsPlan& b, const ComponentPlan& comp) {
  std::string names;
  for (size_t i = 0; i < comp.positions.size() && i < 8; ++i) {
    names += (i ? ", " : "") + VarName(plan, b.vars[comp.positions[i]]);
  }
  if (comp.positions.size() > 8) names += ", … (" + std::to_string(comp.positions.size()) + ")";
  return "component {" + names + "}";
}

std::string PrintPlan(const PhysicalPlan& plan) {
  std::string out;
  PrintNode(plan, *plan.query->root, 1, &out);
  if (out.empty()) out = "  no quantifier: the formula is evaluated once per image\n";
  std::string off;
  for (const OptimizerInfo& o : Optimizers()) {
    if (!plan.optimizers.On(o.id)) off += (off.empty() ? "" : ", ") + std::string(o.name);
  }
  return out + "  optimisers off: " + (off.empty() ? "none" : off) + "\n";
}

}  // namespace georune::plan
