// Binder: AST → BoundQuery. Resolves names against the ontology, numbers variables, closes
// free variables (spec §2) and reports every user mistake as a located diagnostic.
#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include "georune/common/diagnostic.h"
#include "georune/common/text.h"
#include "georune/logic/bound.h"

namespace georune::logic {
namespace {

struct RelationInfo {
  Relation relation;
  int min_arity, max_arity;  // max_arity 0 = unbounded
};

const std::unordered_map<std::string, RelationInfo>& RelationTable() {
  static const std::unordered_map<std::string, RelationInfo> kTable = {
      {"near", {Relation::kNear, 2, 2}},
      {"close_to", {Relation::kNear, 2, 2}},
      {"is_close", {Relation::kNear, 2, 2}},
      {"next_to", {Relation::kNear, 2, 2}},
      {"beside", {Relation::kNear, 2, 2}},
      {"adjacent_to", {Relation::kNear, 2, 2}},
      {"far", {Relation::kFar, 2, 2}},
      {"far_from", {Relation::kFar, 2, 2}},
      {"left_of", {Relation::kLeftOf, 2, 2}},
      {"west_of", {Relation::kLeftOf, 2, 2}},
      {"is_left_of", {Relation::kLeftOf, 2, 2}},
      {"right_of", {Relation::kRightOf, 2, 2}},
      {"east_of", {Relation::kRightOf, 2, 2}},
      {"is_right_of", {Relation::kRightOf, 2, 2}},
      {"above", {Relation::kAbove, 2, 2}},
      {"north_of", {Relation::kAbove, 2, 2}},
      {"is_above", {Relation::kAbove, 2, 2}},
      {"below", {Relation::kBelow, 2, 2}},
      {"south_of", {Relation::kBelow, 2, 2}},
      {"is_below", {Relation::kBelow, 2, 2}},
      {"on", {Relation::kOn, 2, 2}},
      {"in", {Relation::kOn, 2, 2}},
      {"inside", {Relation::kOn, 2, 2}},
      {"within", {Relation::kOn, 2, 2}},
      {"is_on", {Relation::kOn, 2, 2}},
      {"contains", {Relation::kContains, 2, 2}},
      {"overlaps", {Relation::kOverlaps, 2, 2}},
      {"overlap", {Relation::kOverlaps, 2, 2}},
      {"parallel", {Relation::kParallel, 2, 2}},
      {"perpendicular", {Relation::kPerpendicular, 2, 2}},
      {"larger", {Relation::kLarger, 2, 2}},
      {"larger_than", {Relation::kLarger, 2, 2}},
      {"smaller", {Relation::kSmaller, 2, 2}},
      {"smaller_than", {Relation::kSmaller, 2, 2}},
      {"aligned", {Relation::kAligned, 3, 0}},
      {"clustered", {Relation::kClustered, 2, 0}},
  };
  return kTable;
}

// One occurrence of a free variable: the chain of ancestors from the root down to its atom.
struct Occurrence {
  std::vector<BoundNode*> path;
  Span span;
};

class Binder {
 public:
  Binder(std::string_view text, const Ontology& ontology) : text_(text), ontology_(ontology) {}

  Result<BoundQuery> Run(const AstNode& ast) {
    auto root = BindNode(ast);
    if (!root.ok()) return root.status();
    query_.root = std::move(root).value();
    GEORUNE_RETURN_IF_ERROR(CloseFreeVariables());
    query_.text = std::string(text_);
    return std::move(query_);
  }

 private:
  Status Error(Span span, std::string message, std::string hint) const {
    return QueryDiagnostic(text_, span.begin, std::max<uint32_t>(1, span.end - span.begin), std::move(message),
                           std::move(hint))
        .ToStatus();
  }

  int NewVar(const std::string& name) {
    query_.var_names.push_back(name);
    return static_cast<int>(query_.var_names.size()) - 1;
  }

  // Resolves a variable occurrence: the innermost binding in scope, else a free variable.
  int UseVar(const std::string& name, Span span, BoundNode* atom) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    auto [pos, inserted] = free_ids_.try_emplace(name, -1);
    if (inserted) {
      pos->second = NewVar(name);
      free_order_.push_back(pos->second);
    }
    Occurrence occ;
    occ.path = path_;
    occ.path.push_back(atom);
    occ.span = span;
    occurrences_[pos->second].push_back(std::move(occ));
    return pos->second;
  }

  std::string Suggestions(const std::string& name) const {
    std::vector<std::string> out = ontology_.Suggest(name, 3);
    std::string lower = AsciiLower(name);
    for (const auto& [rel, info] : RelationTable()) {
      if (EditDistance(lower, rel) <= std::max<size_t>(1, rel.size() / 4) &&
          std::find(out.begin(), out.end(), rel) == out.end()) {
        out.push_back(rel);
      }
    }
    if (out.empty()) return "";
    std::string s = "did you mean ";
    for (size_t i = 0; i < out.size() && i < 4; ++i) s += (i ? ", " : "") + std::string("'") + out[i] + "'";
    return s + "?";
  }

  Result<std::unique_ptr<BoundNode>> BindAtom(const AstNode& ast, std::unique_ptr<BoundNode> node) {
    const std::string lower = AsciiLower(ast.name);
    const int arity = static_cast<int>(ast.vars.size());
    auto rel = RelationTable().find(lower);
    if (rel != RelationTable().end()) {
      const RelationInfo& info = rel->second;
      if (arity < info.min_arity || (info.max_arity && arity > info.max_arity)) {
        std::string expected = info.max_arity == info.min_arity ? std::to_string(info.min_arity)
                                                                : "at least " + std::to_string(info.min_arity);
        return Error(ast.span,
                     "relation '" + ast.name + "' takes " + expected + " variables, got " + std::to_string(arity),
                     info.min_arity == 2 && info.max_arity == 2 ? "write for example " + lower + "(a, b)"
                                                                : "write for example " + lower + "(a, b, c)");
      }
      node->kind = NodeKind::kRelation;
      node->relation = info.relation;
    } else {
      node->kind = NodeKind::kClass;
      if (lower == "object" || lower == "entity") {
        node->any_class = true;
        node->class_name = "object";
      } else {
        auto set = ontology_.Resolve(ast.name);
        if (!set) {
          std::string hint = Suggestions(ast.name);
          if (hint.empty()) {
            hint = "classes are the ontology's (" + ontology_.name() + ") names such as '" + ontology_.Class(0).name +
                   "'; relations are near, far, left_of, right_of, above, below, on, "
                   "contains, overlaps, parallel, perpendicular, larger, smaller, aligned, clustered";
          }
          return Error(ast.name_span, "unknown predicate '" + ast.name + "'", hint);
        }
        node->class_name = set->name;
        node->class_ids = set->class_ids;
      }
      if (arity != 1) {
        return Error(ast.span, "class '" + ast.name + "' takes one variable, got " + std::to_string(arity),
                     "write for example " + (node->any_class ? std::string("object") : node->class_name) + "(x)");
      }
    }
    for (size_t i = 0; i < ast.vars.size(); ++i) {
      node->vars.push_back(UseVar(ast.vars[i], ast.var_spans[i], node.get()));
    }
    return node;
  }

  Result<std::unique_ptr<BoundNode>> BindComparison(const AstNode& ast, std::unique_ptr<BoundNode> node) {
    const int arity = static_cast<int>(ast.vars.size());
    const bool binary =
        ast.measure == Measure::kDistance || ast.measure == Measure::kCenterDistance || ast.measure == Measure::kAngle;
    const int expected = binary ? 2 : 1;
    if (arity != expected) {
      return Error(ast.span,
                   std::string("measure '") + MeasureName(ast.measure) + "' takes " + std::to_string(expected) +
                       (expected == 1 ? " variable" : " variables") + ", got " + std::to_string(arity),
                   binary ? std::string("write for example ") + MeasureName(ast.measure) + "(a, b) < 30 m"
                          : std::string("write for example ") + MeasureName(ast.measure) + "(a) > 100 m");
    }
    bool unit_ok = false;
    const char* units = "";
    switch (ast.measure) {
      case Measure::kDistance:
      case Measure::kCenterDistance:
      case Measure::kLength:
      case Measure::kWidth:
        unit_ok = ast.unit == Unit::kNone || ast.unit == Unit::kPx || ast.unit == Unit::kM || ast.unit == Unit::kKm;
        units = "px, m or km";
        break;
      case Measure::kArea:
        unit_ok = ast.unit == Unit::kNone || ast.unit == Unit::kPx2 || ast.unit == Unit::kM2 || ast.unit == Unit::kHa;
        units = "px2, m2 or ha";
        break;
      case Measure::kAngle:
        unit_ok = ast.unit == Unit::kNone || ast.unit == Unit::kDeg;
        units = "deg";
        break;
    }
    if (!unit_ok) {
      return Error(
          ast.span,
          std::string("unit '") + UnitName(ast.unit) + "' does not fit measure '" + MeasureName(ast.measure) + "'",
          std::string(MeasureName(ast.measure)) + " takes " + units + " (no unit means pixels or degrees)");
    }
    if (ast.number < 0) {
      return Error(ast.span, "a measure is never negative", "compare with a number >= 0");
    }
    node->kind = NodeKind::kCompare;
    node->measure = ast.measure;
    node->op = ast.op;
    node->number = ast.number;
    node->unit = ast.unit;
    if (ast.unit == Unit::kM || ast.unit == Unit::kKm || ast.unit == Unit::kM2 || ast.unit == Unit::kHa) {
      query_.uses_metric_units = true;
    }
    for (size_t i = 0; i < ast.vars.size(); ++i) {
      node->vars.push_back(UseVar(ast.vars[i], ast.var_spans[i], node.get()));
    }
    return node;
  }

  Result<std::unique_ptr<BoundNode>> BindQuantifier(const AstNode& ast, std::unique_ptr<BoundNode> node) {
    switch (ast.kind) {
      case AstKind::kExists: node->kind = NodeKind::kExists; break;
      case AstKind::kForall: node->kind = NodeKind::kForall; break;
      default: {
        long n = ast.count;
        switch (ast.count_op) {
          case CmpOp::kGe: node->kind = NodeKind::kAtLeast; break;
          case CmpOp::kGt:
            node->kind = NodeKind::kAtLeast;
            n += 1;
            break;
          case CmpOp::kLe: node->kind = NodeKind::kAtMost; break;
          case CmpOp::kLt:
            node->kind = NodeKind::kAtMost;
            n -= 1;
            break;
          case CmpOp::kEq: node->kind = NodeKind::kExactly; break;
        }
        if (n < 0) {
          return Error(ast.span, "'exists<0' can never hold", "count with exists<=0 (none) or exists>=1");
        }
        node->count = n;
      }
    }
    const size_t scope_size = scope_.size();
    for (size_t i = 0; i < ast.vars.size(); ++i) {
      const std::string& name = ast.vars[i];
      for (size_t j = 0; j < i; ++j) {
        if (ast.vars[j] == name) {
          return Error(ast.var_spans[i], "variable '" + name + "' is listed twice in one quantifier",
                       "use a different name for each variable");
        }
      }
      for (const auto& [bound, id] : scope_) {
        if (bound == name) {
          return Error(ast.var_spans[i], "variable '" + name + "' is already bound by an enclosing quantifier",
                       "rename it: every variable names a different entity");
        }
      }
      int id = NewVar(name);
      node->vars.push_back(id);
      scope_.emplace_back(name, id);
    }
    auto body = BindChild(*ast.children[0], node.get());
    scope_.resize(scope_size);
    if (!body.ok()) return body.status();
    node->children.push_back(std::move(body).value());
    return node;
  }

  Result<std::unique_ptr<BoundNode>> BindChild(const AstNode& child, BoundNode* parent) {
    path_.push_back(parent);
    auto r = BindNode(child);
    path_.pop_back();
    return r;
  }

  Result<std::unique_ptr<BoundNode>> BindNode(const AstNode& ast) {
    auto node = std::make_unique<BoundNode>();
    node->span = ast.span;
    switch (ast.kind) {
      case AstKind::kTrue:
      case AstKind::kFalse:
        node->kind = NodeKind::kConst;
        node->value = ast.kind == AstKind::kTrue;
        return node;
      case AstKind::kAtom: return BindAtom(ast, std::move(node));
      case AstKind::kComparison: return BindComparison(ast, std::move(node));
      case AstKind::kExists:
      case AstKind::kForall:
      case AstKind::kCount: return BindQuantifier(ast, std::move(node));
      case AstKind::kNot:
      case AstKind::kAnd:
      case AstKind::kOr:
      case AstKind::kImplies: {
        node->kind = ast.kind == AstKind::kNot   ? NodeKind::kNot
                     : ast.kind == AstKind::kAnd ? NodeKind::kAnd
                     : ast.kind == AstKind::kOr  ? NodeKind::kOr
                                                 : NodeKind::kImplies;
        for (const auto& c : ast.children) {
          auto child = BindChild(*c, node.get());
          if (!child.ok()) return child.status();
          // AND and OR are associative in all three semantics: flatten nested lists.
          if ((node->kind == NodeKind::kAnd || node->kind == NodeKind::kOr) && (*child)->kind == node->kind) {
            for (auto& grandchild : (*child)->children) node->children.push_back(std::move(grandchild));
            RepointOccurrences(child->get(), node.get());
          } else {
            node->children.push_back(std::move(child).value());
          }
        }
        return node;
      }
    }
    return Status::Internal("binder: unknown AST node");
  }

  // After flattening, paths through the removed node must go through its replacement.
  void RepointOccurrences(BoundNode* removed, BoundNode* replacement) {
    for (auto& [var, occs] : occurrences_) {
      for (auto& occ : occs) {
        auto it = std::find(occ.path.begin(), occ.path.end(), removed);
        if (it != occ.path.end()) occ.path.erase(it);
        (void)replacement;
      }
    }
  }

  // spec §2: free variables are existentially quantified at the top in order of first
  // appearance, or at the top of the one OR-disjunct holding all their occurrences; a free
  // variable occurring only under NOT is an error.
  Status CloseFreeVariables() {
    std::map<BoundNode*, std::vector<int>> closure_points;  // disjunct → variables
    std::vector<int> top_vars;
    std::map<BoundNode*, BoundNode*> parent_of;
    for (int var : free_order_) {
      const auto& occs = occurrences_[var];
      // Longest common ancestor chain of all occurrences (root excluded from path[0]? path[0] is the root).
      size_t common = occs[0].path.size();
      for (const auto& occ : occs) {
        size_t k = 0;
        while (k < common && k < occ.path.size() && occ.path[k] == occs[0].path[k]) ++k;
        common = k;
      }
      // The deepest node of the common chain whose parent is an OR is the disjunct.
      int closure = -1;
      for (int k = static_cast<int>(common) - 1; k >= 1; --k) {
        if (occs[0].path[k - 1]->kind == NodeKind::kOr) {
          closure = k;
          break;
        }
      }
      const size_t first_checked = closure < 0 ? 0 : static_cast<size_t>(closure);
      bool all_negated = true;
      for (const auto& occ : occs) {
        bool negated = false;
        for (size_t k = first_checked; k < occ.path.size(); ++k) negated |= occ.path[k]->kind == NodeKind::kNot;
        all_negated &= negated;
      }
      if (all_negated) {
        const std::string& name = query_.var_names[var];
        return Error(occs[0].span, "variable '" + name + "' occurs only under NOT and is not quantified",
                     "write NOT exists " + name + ": … to say that no such entity exists");
      }
      if (closure < 0) {
        top_vars.push_back(var);
      } else {
        BoundNode* disjunct = occs[0].path[closure];
        closure_points[disjunct].push_back(var);
        parent_of[disjunct] = occs[0].path[closure - 1];
      }
    }
    for (auto& [disjunct, vars] : closure_points) {
      BoundNode* parent = parent_of[disjunct];
      for (auto& child : parent->children) {
        if (child.get() == disjunct) {
          child = WrapExists(std::move(child), vars);
          break;
        }
      }
    }
    if (!top_vars.empty()) query_.root = WrapExists(std::move(query_.root), top_vars);
    return Status::Ok();
  }

  static std::unique_ptr<BoundNode> WrapExists(std::unique_ptr<BoundNode> body, const std::vector<int>& vars) {
    auto q = std::make_unique<BoundNode>();
    q->kind = NodeKind::kExists;
    q->implicit = true;
    q->span = body->span;
    q->vars = vars;
    q->children.push_back(std::move(body));
    return q;
  }

  std::string_view text_;
  const Ontology& ontology_;
  BoundQuery query_;
  std::vector<std::pair<std::string, int>> scope_;  // quantifier-bound names in scope, innermost last
  std::vector<BoundNode*> path_;                    // ancestors of the node being bound
  std::unordered_map<std::string, int> free_ids_;
  std::vector<int> free_order_;
  std::unordered_map<int, std::vector<Occurrence>> occurrences_;
};

}  // namespace

const char* RelationName(Relation r) {
  switch (r) {
    case Relation::kNear: return "near";
    case Relation::kFar: return "far";
    case Relation::kLeftOf: return "left_of";
    case Relation::kRightOf: return "right_of";
    case Relation::kAbove: return "above";
    case Relation::kBelow: return "below";
    case Relation::kOn: return "on";
    case Relation::kContains: return "contains";
    case Relation::kOverlaps: return "overlaps";
    case Relation::kParallel: return "parallel";
    case Relation::kPerpendicular: return "perpendicular";
    case Relation::kLarger: return "larger";
    case Relation::kSmaller: return "smaller";
    case Relation::kAligned: return "aligned";
    case Relation::kClustered: return "clustered";
  }
  return "?";
}

Result<BoundQuery> Bind(const AstNode& ast, std::string_view text, const Ontology& ontology) {
  Binder binder(text, ontology);
  return binder.Run(ast);
}

Result<BoundQuery> ParseAndBind(std::string_view text, const Ontology& ontology) {
  auto ast = Parse(text);
  if (!ast.ok()) return ast.status();
  return Bind(**ast, text, ontology);
}

}  // namespace georune::logic
