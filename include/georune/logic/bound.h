// The bound form of a query: names resolved against the ontology, relations identified,
// variables numbered, free variables closed (spec §2), and counting normalised.
//
// Bind() checks everything the spec calls an error: unknown predicate (with suggestions),
// wrong arity, counting over several variables, a variable used only under NOT, a variable
// bound twice in one scope, metric units where the archive lacks gsd is checked later (per
// image, at evaluation). Errors are diagnostics with the column of the offending name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "georune/logic/ast.h"
#include "georune/ontology/ontology.h"

namespace georune::logic {

enum class Relation {
  kNear,
  kFar,
  kLeftOf,
  kRightOf,
  kAbove,
  kBelow,
  kOn,
  kContains,
  kOverlaps,
  kParallel,
  kPerpendicular,
  kLarger,
  kSmaller,
  kAligned,
  kClustered,
};
const char* RelationName(Relation r);  // canonical name, e.g. "left_of"

enum class NodeKind {
  kConst,     // true / false
  kClass,     // C(x): class or group (class_ids), or object(x) (any_class)
  kRelation,  // relation(vars…)
  kCompare,   // measure(vars) op threshold unit
  kNot,
  kAnd,
  kOr,
  kImplies,
  kExists,
  kForall,
  kAtLeast,  // exists>=n x: φ   (n ≥ 1)
  kAtMost,   // exists<=n x: φ   (n ≥ 0)
  kExactly,  // exists=n x: φ    (n ≥ 0)
};

// True for the nodes that bind variables: exists, forall and the counting quantifiers.
inline bool IsQuantifier(NodeKind k) {
  return k == NodeKind::kExists || k == NodeKind::kForall || k == NodeKind::kAtLeast || k == NodeKind::kAtMost ||
         k == NodeKind::kExactly;
}

struct BoundNode {
  NodeKind kind = NodeKind::kConst;
  Span span;
  bool value = true;           // kConst
  std::string class_name;      // kClass: canonical class or group name ("object" for any)
  bool any_class = false;      // kClass: object(x)/entity(x)
  std::vector<int> class_ids;  // kClass: sorted ontology class ids
  Relation relation = Relation::kNear;
  Measure measure = Measure::kDistance;
  CmpOp op = CmpOp::kLt;    // kCompare: never kEq
  double number = 0;        // kCompare: threshold as written
  Unit unit = Unit::kNone;  // kCompare: as written (kNone = pixels or degrees)
  std::vector<int> vars;    // atoms: argument variables; quantifiers: bound variables
  long count = 0;           // kAtLeast/kAtMost/kExactly
  bool implicit = false;    // quantifier added by closure of free variables (§2)
  std::vector<std::unique_ptr<BoundNode>> children;
};

struct BoundQuery {
  std::string text;                    // the query text as given
  std::unique_ptr<BoundNode> root;     // closed formula
  std::vector<std::string> var_names;  // variable id → name as written
  bool uses_metric_units = false;      // some comparison uses m, km, m2 or ha
};

Result<BoundQuery> Bind(const AstNode& ast, std::string_view text, const Ontology& ontology);
// Parse + Bind.
Result<BoundQuery> ParseAndBind(std::string_view text, const Ontology& ontology);

// The canonical print: canonical names and keywords, minimal parentheses, implicit closure
// quantifiers left out. Print → parse → print is stable.
std::string Print(const BoundQuery& query);
std::string PrintNode(const BoundQuery& query, const BoundNode& node);

// A normal form for comparing formulas up to variable names and conjunct order:
// conjuncts (and disjuncts) sorted, variables renamed in order of first appearance.
std::string NormalForm(const BoundQuery& query);

// The conjuncts of a node: its children if it is an AND, else the node itself.
std::vector<const BoundNode*> Conjuncts(const BoundNode& node);

// spec §7
struct Complexity {
  int entities = 0, relations = 0, negations = 0;
  int total() const { return entities + relations + negations; }
  int level() const;  // 1..5
};
Complexity MeasureComplexity(const BoundQuery& query);

}  // namespace georune::logic
