// The parsed form of a query (spec/logic.md §2): an abstract syntax tree with source spans.
//
// Parse() accepts the whole grammar of §2 (ASCII and Unicode operators, case-insensitive
// keywords) and returns the tree, or a kInvalidInput Status whose message is a diagnostic with
// the column, a caret and a hint. Names are kept as written; the binder resolves them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"

namespace georune::logic {

struct Span {
  uint32_t begin = 0, end = 0;  // byte offsets into the query text, [begin, end)
};

enum class CmpOp { kLt, kLe, kGt, kGe, kEq };
enum class Measure { kDistance, kCenterDistance, kArea, kLength, kWidth, kAngle };
enum class Unit { kNone, kPx, kM, kKm, kPx2, kM2, kHa, kDeg };

enum class AstKind {
  kTrue,
  kFalse,
  kAtom,        // name(var, …)
  kComparison,  // measure(var[, var]) op number [unit]
  kNot,
  kAnd,
  kOr,
  kImplies,
  kExists,
  kForall,
  kCount,  // exists CMP n x: φ
};

struct AstNode {
  AstKind kind = AstKind::kTrue;
  Span span;
  // kAtom: predicate name as written. kExists/kForall/kCount and kAtom/kComparison: variables.
  std::string name;
  Span name_span;
  std::vector<std::string> vars;
  std::vector<Span> var_spans;
  // kComparison
  Measure measure = Measure::kDistance;
  CmpOp op = CmpOp::kLt;
  double number = 0;
  Unit unit = Unit::kNone;
  // kCount: the comparison and n as written (`exists>2` keeps kGt and 2)
  CmpOp count_op = CmpOp::kGe;
  long count = 0;
  std::vector<std::unique_ptr<AstNode>> children;  // kNot: 1; kAnd/kOr: ≥2; kImplies: 2; quantifiers: 1
};

Result<std::unique_ptr<AstNode>> Parse(std::string_view text);

const char* MeasureName(Measure m);
const char* UnitName(Unit u);  // "" for kNone
const char* CmpOpText(CmpOp op);

}  // namespace georune::logic
