// Tokens of the query language (spec §2). Internal to the logic module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"
#include "georune/logic/ast.h"

namespace georune::logic {

enum class TokenKind {
  kName,
  kNumber,
  kLParen,
  kRParen,
  kComma,
  kColon,
  kAnd,
  kOr,
  kNot,
  kImplies,
  kExists,
  kForall,
  kTrue,
  kFalse,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Span span;
  std::string text;  // kName: as written; kNumber: digits
  double number = 0;
};

const char* TokenKindName(TokenKind kind);

// Splits the query into tokens; an unknown character is a diagnostic with its column.
Result<std::vector<Token>> Tokenize(std::string_view text);

}  // namespace georune::logic
