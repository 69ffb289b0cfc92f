// Recursive-descent parser for spec §2. Quantifiers may also start an operand of AND/OR/NOT
// (`plane(a) AND NOT exists b: …`); their scope runs as far right as possible.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "georune/common/diagnostic.h"
#include "georune/common/text.h"
#include "georune/logic/ast.h"
#include "lexer.h"

namespace georune::logic {
namespace {

constexpr int kMaxDepth = 200;

bool MeasureFromName(std::string_view name, Measure* out) {
  std::string n = AsciiLower(name);
  if (n == "distance") *out = Measure::kDistance;
  else if (n == "center_distance" || n == "centre_distance") *out = Measure::kCenterDistance;
  else if (n == "area") *out = Measure::kArea;
  else if (n == "length") *out = Measure::kLength;
  else if (n == "width") *out = Measure::kWidth;
  else if (n == "angle") *out = Measure::kAngle;
  else return false;
  return true;
}

bool UnitFromName(std::string_view name, Unit* out) {
  std::string n = AsciiLower(name);
  if (n == "px") *out = Unit::kPx;
  else if (n == "m") *out = Unit::kM;
  else if (n == "km") *out = Unit::kKm;
  else if (n == "px2") *out = Unit::kPx2;
  else if (n == "m2") *out = Unit::kM2;
  else if (n == "ha") *out = Unit::kHa;
  else if (n == "deg") *out = Unit::kDeg;
  else return false;
  return true;
}

bool IsCmp(TokenKind k) {
  return k == TokenKind::kLt || k == TokenKind::kLe || k == TokenKind::kGt || k == TokenKind::kGe ||
         k == TokenKind::kEq;
}

CmpOp ToCmp(TokenKind k) {
  switch (k) {
    case TokenKind::kLt: return CmpOp::kLt;
    case TokenKind::kLe: return CmpOp::kLe;
    case TokenKind::kGt: return CmpOp::kGt;
    case TokenKind::kGe: return CmpOp::kGe;
    default: return CmpOp::kEq;
  }
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {}

  Result<std::unique_ptr<AstNode>> ParseQuery() {
    auto f = Formula(0);
    if (!f.ok()) return f;
    if (Peek().kind != TokenKind::kEnd) {
      const Token& t = Peek();
      std::string hint = "join formulas with AND, OR or ->";
      if (t.kind == TokenKind::kRParen) hint = "this ')' has no matching '('";
      return Error(t, "unexpected " + Describe(t) + " after a complete formula", hint);
    }
    return f;
  }

 private:
  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& Next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  bool Accept(TokenKind k) {
    if (Peek().kind != k) return false;
    ++pos_;
    return true;
  }

  std::string Describe(const Token& t) const {
    if (t.kind == TokenKind::kName) return "name '" + t.text + "'";
    if (t.kind == TokenKind::kNumber) return "number " + t.text;
    return TokenKindName(t.kind);
  }

  Status Error(const Token& t, std::string message, std::string hint) const {
    return QueryDiagnostic(text_, t.span.begin, std::max<size_t>(1, t.span.end - t.span.begin), std::move(message),
                           std::move(hint))
        .ToStatus();
  }

  static std::unique_ptr<AstNode> Node(AstKind kind, Span span) {
    auto n = std::make_unique<AstNode>();
    n->kind = kind;
    n->span = span;
    return n;
  }

  Result<std::unique_ptr<AstNode>> Formula(int depth) {
    if (depth > kMaxDepth) {
      return Error(Peek(), "the formula is nested too deeply (more than 200 levels)", "simplify the query");
    }
    if (Peek().kind == TokenKind::kExists || Peek().kind == TokenKind::kForall) return Quantified(depth);
    return Implication(depth);
  }

  Result<std::unique_ptr<AstNode>> Quantified(int depth) {
    const Token& q = Next();
    auto node = Node(q.kind == TokenKind::kExists ? AstKind::kExists : AstKind::kForall, q.span);
    if (q.kind == TokenKind::kExists && IsCmp(Peek().kind)) {
      const Token& cmp = Next();
      const Token& n = Peek();
      if (n.kind != TokenKind::kNumber || n.text.find_first_of(".eE") != std::string::npos) {
        return Error(n, "expected a whole number after '" + std::string(q.text) + cmp.text + "'",
                     "write a counting quantifier like exists>=3 x: storage_tank(x)");
      }
      Next();
      if (n.number > 1e6) return Error(n, "count " + n.text + " is too large", "counts up to 1000000 are accepted");
      node->kind = AstKind::kCount;
      node->count_op = ToCmp(cmp.kind);
      node->count = static_cast<long>(n.number);
    }
    for (;;) {
      const Token& v = Peek();
      if (v.kind != TokenKind::kName) {
        return Error(v, "expected a variable name after '" + std::string(q.text) + "', found " + Describe(v),
                     "write for example: exists x: plane(x)");
      }
      Next();
      node->vars.push_back(v.text);
      node->var_spans.push_back(v.span);
      if (!Accept(TokenKind::kComma)) break;
    }
    if (node->kind == AstKind::kCount && node->vars.size() > 1) {
      return Error(tokens_[pos_ - 1], "a counting quantifier binds one variable only",
                   "write exists>=n x: … with a single variable; count pairs with separate variables");
    }
    if (!Accept(TokenKind::kColon)) {
      return Error(Peek(), "expected ':' after the quantified variables, found " + Describe(Peek()),
                   "write for example: exists x: plane(x)");
    }
    auto body = Formula(depth + 1);
    if (!body.ok()) return body;
    node->span.end = (*body)->span.end;
    node->children.push_back(std::move(body).value());
    return node;
  }

  Result<std::unique_ptr<AstNode>> Implication(int depth) {
    auto left = Disjunction(depth);
    if (!left.ok()) return left;
    if (Peek().kind != TokenKind::kImplies) return left;
    Next();
    auto right = Formula(depth + 1);
    if (!right.ok()) return right;
    auto node = Node(AstKind::kImplies, {(*left)->span.begin, (*right)->span.end});
    node->children.push_back(std::move(left).value());
    node->children.push_back(std::move(right).value());
    return node;
  }

  // Operand lists for AND / OR; a quantifier operand ends the list (its scope runs right).
  Result<std::unique_ptr<AstNode>> Disjunction(int depth) {
    auto first = Conjunction(depth);
    if (!first.ok()) return first;
    if (Peek().kind != TokenKind::kOr) return first;
    auto node = Node(AstKind::kOr, (*first)->span);
    node->children.push_back(std::move(first).value());
    while (Accept(TokenKind::kOr)) {
      auto next = Conjunction(depth);
      if (!next.ok()) return next;
      node->span.end = (*next)->span.end;
      node->children.push_back(std::move(next).value());
    }
    return node;
  }

  Result<std::unique_ptr<AstNode>> Conjunction(int depth) {
    auto first = Negation(depth);
    if (!first.ok()) return first;
    if (Peek().kind != TokenKind::kAnd) return first;
    auto node = Node(AstKind::kAnd, (*first)->span);
    node->children.push_back(std::move(first).value());
    while (Accept(TokenKind::kAnd)) {
      auto next = Negation(depth);
      if (!next.ok()) return next;
      node->span.end = (*next)->span.end;
      node->children.push_back(std::move(next).value());
    }
    return node;
  }

  Result<std::unique_ptr<AstNode>> Negation(int depth) {
    if (depth > kMaxDepth) {
      return Error(Peek(), "the formula is nested too deeply (more than 200 levels)", "simplify the query");
    }
    if (Peek().kind == TokenKind::kNot) {
      const Token& t = Next();
      auto inner = Negation(depth + 1);
      if (!inner.ok()) return inner;
      auto node = Node(AstKind::kNot, {t.span.begin, (*inner)->span.end});
      node->children.push_back(std::move(inner).value());
      return node;
    }
    if (Peek().kind == TokenKind::kExists || Peek().kind == TokenKind::kForall) return Quantified(depth + 1);
    return Primary(depth);
  }

  Result<std::unique_ptr<AstNode>> Primary(int depth) {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kLParen: {
        Next();
        auto inner = Formula(depth + 1);
        if (!inner.ok()) return inner;
        if (!Accept(TokenKind::kRParen)) {
          return Error(Peek(),
                       "expected ')' to close the '(' at column " + std::to_string(t.span.begin + 1) + ", found " +
                           Describe(Peek()),
                       "check that every '(' has a matching ')'");
        }
        return inner;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        Next();
        return Node(t.kind == TokenKind::kTrue ? AstKind::kTrue : AstKind::kFalse, t.span);
      case TokenKind::kName: return AtomOrComparison();
      case TokenKind::kEnd:
        return Error(t, "the query ends where a formula was expected",
                     "complete the formula, for example: plane(a) AND helicopter(b)");
      default:
        return Error(t, "expected a formula, found " + Describe(t),
                     "a formula starts with an atom like plane(a), '(', NOT, exists or forall");
    }
  }

  Result<std::unique_ptr<AstNode>> AtomOrComparison() {
    const Token& name = Next();
    if (Peek().kind != TokenKind::kLParen) {
      return Error(Peek(), "expected '(' after '" + name.text + "', found " + Describe(Peek()),
                   "predicates take variables in parentheses, for example plane(a) or near(a, b)");
    }
    Next();
    auto node = Node(AstKind::kAtom, name.span);
    node->name = name.text;
    node->name_span = name.span;
    for (;;) {
      const Token& v = Peek();
      if (v.kind != TokenKind::kName) {
        return Error(v, "expected a variable name in '" + name.text + "(…)', found " + Describe(v),
                     "arguments are variable names, for example near(a, b)");
      }
      Next();
      node->vars.push_back(v.text);
      node->var_spans.push_back(v.span);
      if (Accept(TokenKind::kComma)) continue;
      if (Accept(TokenKind::kRParen)) break;
      return Error(Peek(), "expected ',' or ')' in '" + name.text + "(…)', found " + Describe(Peek()),
                   "separate arguments with commas and close with ')'");
    }
    node->span.end = tokens_[pos_ - 1].span.end;
    Measure measure;
    if (!MeasureFromName(name.text, &measure)) {
      if (IsCmp(Peek().kind)) {
        return Error(name, "'" + name.text + "' is not a measure and cannot be compared",
                     "measures are distance, center_distance, area, length, width and angle");
      }
      return node;
    }
    node->kind = AstKind::kComparison;
    node->measure = measure;
    const Token& cmp = Peek();
    if (!IsCmp(cmp.kind) || cmp.kind == TokenKind::kEq) {
      return Error(cmp, "expected a comparison <, <=, > or >= after '" + name.text + "(…)', found " + Describe(cmp),
                   "compare a measure with a number, for example length(s) > 100 m");
    }
    Next();
    node->op = ToCmp(cmp.kind);
    const Token& num = Peek();
    if (num.kind != TokenKind::kNumber) {
      return Error(num, "expected a number after '" + cmp.text + "', found " + Describe(num),
                   "for example: distance(a, b) < 30 m");
    }
    Next();
    if (!std::isfinite(num.number)) return Error(num, "the number is out of range", "use a finite number");
    node->number = num.number;
    node->span.end = num.span.end;
    if (Peek().kind == TokenKind::kName) {
      Unit unit;
      if (UnitFromName(Peek().text, &unit)) {
        node->unit = unit;
        node->span.end = Next().span.end;
      } else if (Peek(1).kind != TokenKind::kLParen) {
        return Error(Peek(), "unknown unit '" + Peek().text + "'", "units are px, m, km, px2, m2, ha and deg");
      }
    }
    return node;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<AstNode>> Parse(std::string_view text) {
  if (text.size() > 100000) {
    return Status::InvalidInput("query: the query is longer than 100000 characters");
  }
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  Parser parser(text, std::move(tokens).value());
  return parser.ParseQuery();
}

const char* MeasureName(Measure m) {
  switch (m) {
    case Measure::kDistance: return "distance";
    case Measure::kCenterDistance: return "center_distance";
    case Measure::kArea: return "area";
    case Measure::kLength: return "length";
    case Measure::kWidth: return "width";
    case Measure::kAngle: return "angle";
  }
  return "?";
}

const char* UnitName(Unit u) {
  switch (u) {
    case Unit::kNone: return "";
    case Unit::kPx: return "px";
    case Unit::kM: return "m";
    case Unit::kKm: return "km";
    case Unit::kPx2: return "px2";
    case Unit::kM2: return "m2";
    case Unit::kHa: return "ha";
    case Unit::kDeg: return "deg";
  }
  return "?";
}

const char* CmpOpText(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return "<";
    case CmpOp::kLe: return "<=";
    case CmpOp::kGt: return ">";
    case CmpOp::kGe: return ">=";
    case CmpOp::kEq: return "=";
  }
  return "?";
}

}  // namespace georune::logic
