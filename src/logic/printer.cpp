// Canonical printer, normal form and complexity (spec §7) of bound queries.
#include <algorithm>
#include <charconv>
#include <functional>
#include <map>

#include "georune/logic/bound.h"

namespace georune::logic {
namespace {

// Precedence, loosest first: quantifier < implication < OR < AND < NOT < primary.
enum Prec { kQuantPrec = 0, kImpliesPrec = 1, kOrPrec = 2, kAndPrec = 3, kNotPrec = 4, kPrimaryPrec = 5 };

std::string FormatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

class Printer {
 public:
  // `name_of` maps a variable id to its printed name.
  explicit Printer(std::function<std::string(int)> name_of) : name_of_(std::move(name_of)) {}

  // Prints `node` where the context needs precedence > `min_prec`, or parenthesises it.
  // `rightmost`: nothing follows in the enclosing text, so a quantifier may run to the end.
  std::string Print(const BoundNode& node, int min_prec, bool rightmost) const {
    if (IsQuantifier(node.kind) && node.implicit) return Print(*node.children[0], min_prec, rightmost);
    const int prec = Precedence(node);
    // A quantifier runs as far right as possible: it needs parentheses only when text follows.
    const bool parens = prec == kQuantPrec ? !rightmost : prec < min_prec;
    std::string body = PrintBare(node, parens || rightmost);
    return parens ? "(" + body + ")" : body;
  }

 private:
  static int Precedence(const BoundNode& node) {
    switch (node.kind) {
      case NodeKind::kExists:
      case NodeKind::kForall:
      case NodeKind::kAtLeast:
      case NodeKind::kAtMost:
      case NodeKind::kExactly: return kQuantPrec;
      case NodeKind::kImplies: return kImpliesPrec;
      case NodeKind::kOr: return kOrPrec;
      case NodeKind::kAnd: return kAndPrec;
      case NodeKind::kNot: return kNotPrec;
      default: return kPrimaryPrec;
    }
  }

  static const BoundNode& LookThroughImplicit(const BoundNode& node) {
    return IsQuantifier(node.kind) && node.implicit ? LookThroughImplicit(*node.children[0]) : node;
  }

  std::string Vars(const std::vector<int>& vars) const {
    std::string s;
    for (size_t i = 0; i < vars.size(); ++i) s += (i ? ", " : "") + name_of_(vars[i]);
    return s;
  }

  std::string List(const BoundNode& node, const char* op, int child_min_prec, bool rightmost) const {
    std::string s;
    for (size_t i = 0; i < node.children.size(); ++i) {
      const bool last = i + 1 == node.children.size();
      const BoundNode& c = *node.children[i];
      // Readability: an AND inside an OR gets parentheses, as people write it.
      int need = child_min_prec;
      if (node.kind == NodeKind::kOr && Precedence(LookThroughImplicit(c)) == kAndPrec) need = kNotPrec;
      s += (i ? op : "") + Print(c, need, last && rightmost);
    }
    return s;
  }

  std::string PrintBare(const BoundNode& node, bool rightmost) const {
    switch (node.kind) {
      case NodeKind::kConst: return node.value ? "true" : "false";
      case NodeKind::kClass: return node.class_name + "(" + Vars(node.vars) + ")";
      case NodeKind::kRelation: return std::string(RelationName(node.relation)) + "(" + Vars(node.vars) + ")";
      case NodeKind::kCompare: {
        std::string s = std::string(MeasureName(node.measure)) + "(" + Vars(node.vars) + ") " + CmpOpText(node.op) +
                        " " + FormatNumber(node.number);
        if (node.unit != Unit::kNone) s += std::string(" ") + UnitName(node.unit);
        return s;
      }
      case NodeKind::kNot: return "NOT " + Print(*node.children[0], kNotPrec, rightmost);
      case NodeKind::kAnd: return List(node, " AND ", kNotPrec, rightmost);
      case NodeKind::kOr: return List(node, " OR ", kAndPrec, rightmost);
      case NodeKind::kImplies:
        return Print(*node.children[0], kOrPrec, false) + " -> " + Print(*node.children[1], kImpliesPrec, rightmost);
      case NodeKind::kExists: return "exists " + Vars(node.vars) + ": " + Print(*node.children[0], kQuantPrec, true);
      case NodeKind::kForall: return "forall " + Vars(node.vars) + ": " + Print(*node.children[0], kQuantPrec, true);
      case NodeKind::kAtLeast:
        return "exists>=" + std::to_string(node.count) + " " + Vars(node.vars) + ": " +
               Print(*node.children[0], kQuantPrec, true);
      case NodeKind::kAtMost:
        return "exists<=" + std::to_string(node.count) + " " + Vars(node.vars) + ": " +
               Print(*node.children[0], kQuantPrec, true);
      case NodeKind::kExactly:
        return "exists=" + std::to_string(node.count) + " " + Vars(node.vars) + ": " +
               Print(*node.children[0], kQuantPrec, true);
    }
    return "?";
  }

  std::function<std::string(int)> name_of_;
};

// Variable-blind shape of a subtree with commutative children sorted: the sort key of NormalForm.
std::string Shape(const BoundNode& node) {
  Printer blind([](int) { return std::string("_"); });
  if (node.kind != NodeKind::kAnd && node.kind != NodeKind::kOr && !IsQuantifier(node.kind) &&
      node.kind != NodeKind::kNot && node.kind != NodeKind::kImplies) {
    return blind.Print(node, kPrimaryPrec, true);
  }
  std::vector<std::string> parts;
  for (const auto& c : node.children) parts.push_back(Shape(*c));
  if (node.kind == NodeKind::kAnd || node.kind == NodeKind::kOr) std::sort(parts.begin(), parts.end());
  std::string s = std::to_string(static_cast<int>(node.kind)) + "/" + std::to_string(node.count) + "/" +
                  std::to_string(node.vars.size()) + "[";
  for (const auto& p : parts) s += p + ";";
  return s + "]";
}

// A copy of the tree with AND/OR children sorted by shape and implicit quantifiers made explicit.
std::unique_ptr<BoundNode> Canonicalize(const BoundNode& node) {
  auto out = std::make_unique<BoundNode>();
  *out = BoundNode{node.kind,      node.span,     node.value,   node.class_name, node.any_class,
                   node.class_ids, node.relation, node.measure, node.op,         node.number,
                   node.unit,      node.vars,     node.count,   false,           {}};
  for (const auto& c : node.children) out->children.push_back(Canonicalize(*c));
  if (node.kind == NodeKind::kAnd || node.kind == NodeKind::kOr) {
    std::stable_sort(out->children.begin(), out->children.end(),
                     [](const auto& a, const auto& b) { return Shape(*a) < Shape(*b); });
  }
  return out;
}

// Variables in order of first use in an atom; a quantifier's own list does not count (its
// order is arbitrary), but a variable bound and never used comes after its body's.
void CollectOrder(const BoundNode& node, std::vector<int>* order) {
  auto add = [&](int v) {
    if (std::find(order->begin(), order->end(), v) == order->end()) order->push_back(v);
  };
  if (!IsQuantifier(node.kind)) {
    for (int v : node.vars) add(v);
  }
  for (const auto& c : node.children) CollectOrder(*c, order);
  if (IsQuantifier(node.kind)) {
    for (int v : node.vars) add(v);
  }
}

void Count(const BoundNode& node, Complexity* c) {
  switch (node.kind) {
    case NodeKind::kExists:
    case NodeKind::kForall: c->entities += static_cast<int>(node.vars.size()); break;
    case NodeKind::kAtLeast:
    case NodeKind::kExactly: c->entities += static_cast<int>(node.count); break;
    case NodeKind::kAtMost: c->entities += 1; break;
    case NodeKind::kRelation:
    case NodeKind::kCompare: c->relations += 1; break;
    case NodeKind::kNot: c->negations += 1; break;
    default: break;
  }
  for (const auto& ch : node.children) Count(*ch, c);
}

}  // namespace

std::string PrintNode(const BoundQuery& query, const BoundNode& node) {
  Printer p([&](int v) { return query.var_names[v]; });
  return p.Print(node, kQuantPrec, true);
}

std::string Print(const BoundQuery& query) { return PrintNode(query, *query.root); }

std::string NormalForm(const BoundQuery& query) {
  auto canonical = Canonicalize(*query.root);
  std::map<int, std::string> renamed;
  Printer p([&](int v) { return renamed.count(v) ? renamed[v] : query.var_names[v]; });
  // Rename in order of first appearance, then break ties between equal shapes by the renamed
  // text; repeat until stable (a few rounds at most).
  std::string previous;
  for (int round = 0; round < 4; ++round) {
    std::vector<int> order;
    CollectOrder(*canonical, &order);
    renamed.clear();
    std::map<int, size_t> rank;
    for (size_t i = 0; i < order.size(); ++i) {
      renamed[order[i]] = "v" + std::to_string(i + 1);
      rank[order[i]] = i;
    }
    std::function<void(BoundNode&)> sort_by_text = [&](BoundNode& n) {
      for (auto& c : n.children) sort_by_text(*c);
      if (n.kind == NodeKind::kExists || n.kind == NodeKind::kForall) {
        std::sort(n.vars.begin(), n.vars.end(), [&](int a, int b) { return rank[a] < rank[b]; });
      }
      if (n.kind == NodeKind::kAnd || n.kind == NodeKind::kOr) {
        std::stable_sort(n.children.begin(), n.children.end(), [&](const auto& a, const auto& b) {
          std::string sa = Shape(*a), sb = Shape(*b);
          return sa != sb ? sa < sb : p.Print(*a, kQuantPrec, true) < p.Print(*b, kQuantPrec, true);
        });
      }
    };
    sort_by_text(*canonical);
    std::string now = p.Print(*canonical, kQuantPrec, true);
    if (now == previous) break;
    previous = now;
  }
  return previous;
}

std::vector<const BoundNode*> Conjuncts(const BoundNode& node) {
  std::vector<const BoundNode*> out;
  if (node.kind == NodeKind::kAnd) {
    for (const auto& c : node.children) out.push_back(c.get());
  } else {
    out.push_back(&node);
  }
  return out;
}

int Complexity::level() const {
  const int t = total();
  if (t <= 2) return 1;
  if (t <= 4) return 2;
  if (t <= 6) return 3;
  if (t <= 9) return 4;
  return 5;
}

Complexity MeasureComplexity(const BoundQuery& query) {
  Complexity c;
  Count(*query.root, &c);
  return c;
}

}  // namespace georune::logic
