#include "lexer.h"

#include <cctype>
#include <charconv>
#include <cstring>

#include "georune/common/diagnostic.h"
#include "georune/common/text.h"

namespace georune::logic {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Symbol {
  const char* text;
  TokenKind kind;
};

// Longest first, so that "->" wins over "-" and ">=" over ">".
constexpr Symbol kSymbols[] = {
    {"\xE2\x88\x83", TokenKind::kExists},   // ∃
    {"\xE2\x88\x80", TokenKind::kForall},   // ∀
    {"\xE2\x88\xA7", TokenKind::kAnd},      // ∧
    {"\xE2\x88\xA8", TokenKind::kOr},       // ∨
    {"\xC2\xAC", TokenKind::kNot},          // ¬
    {"\xE2\x86\x92", TokenKind::kImplies},  // →
    {"\xE2\x87\x92", TokenKind::kImplies},  // ⇒
    {"\xE2\x89\xA5", TokenKind::kGe},       // ≥
    {"\xE2\x89\xA4", TokenKind::kLe},       // ≤
    {"->", TokenKind::kImplies},
    {"=>", TokenKind::kImplies},
    {">=", TokenKind::kGe},
    {"<=", TokenKind::kLe},
    {"&&", TokenKind::kAnd},
    {"||", TokenKind::kOr},
    {"(", TokenKind::kLParen},
    {")", TokenKind::kRParen},
    {",", TokenKind::kComma},
    {":", TokenKind::kColon},
    {"&", TokenKind::kAnd},
    {"|", TokenKind::kOr},
    {"!", TokenKind::kNot},
    {"~", TokenKind::kNot},
    {">", TokenKind::kGt},
    {"<", TokenKind::kLt},
    {"=", TokenKind::kEq},
};

}  // namespace

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kName: return "a name";
    case TokenKind::kNumber: return "a number";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kComma: return "','";
    case TokenKind::kColon: return "':'";
    case TokenKind::kAnd: return "AND";
    case TokenKind::kOr: return "OR";
    case TokenKind::kNot: return "NOT";
    case TokenKind::kImplies: return "'->'";
    case TokenKind::kExists: return "'exists'";
    case TokenKind::kForall: return "'forall'";
    case TokenKind::kTrue: return "'true'";
    case TokenKind::kFalse: return "'false'";
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kEq: return "'='";
    case TokenKind::kEnd: return "the end of the query";
  }
  return "?";
}

Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token tok;
    tok.span.begin = static_cast<uint32_t>(i);
    if (IsNameStart(c)) {
      size_t j = i;
      while (j < text.size() && IsNameChar(text[j])) ++j;
      tok.text = std::string(text.substr(i, j - i));
      std::string lower = AsciiLower(tok.text);
      if (lower == "and") tok.kind = TokenKind::kAnd;
      else if (lower == "or") tok.kind = TokenKind::kOr;
      else if (lower == "not") tok.kind = TokenKind::kNot;
      else if (lower == "implies") tok.kind = TokenKind::kImplies;
      else if (lower == "exists") tok.kind = TokenKind::kExists;
      else if (lower == "forall") tok.kind = TokenKind::kForall;
      else if (lower == "true") tok.kind = TokenKind::kTrue;
      else if (lower == "false") tok.kind = TokenKind::kFalse;
      else tok.kind = TokenKind::kName;
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      size_t j = i;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
      if (j < text.size() && (text[j] == 'e' || text[j] == 'E') && j + 1 < text.size() &&
          (std::isdigit(static_cast<unsigned char>(text[j + 1])) ||
           ((text[j + 1] == '+' || text[j + 1] == '-') && j + 2 < text.size() &&
            std::isdigit(static_cast<unsigned char>(text[j + 2]))))) {
        j += 2;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      }
      tok.kind = TokenKind::kNumber;
      tok.text = std::string(text.substr(i, j - i));
      auto [end, ec] = std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), tok.number);
      if (ec != std::errc() || end != tok.text.data() + tok.text.size()) {
        return QueryDiagnostic(text, i, j - i, "malformed number '" + tok.text + "'",
                               "write numbers like 100, 2.5 or 1e3")
            .ToStatus();
      }
      i = j;
    } else {
      bool matched = false;
      for (const Symbol& s : kSymbols) {
        size_t n = std::strlen(s.text);
        if (text.substr(i, n) == s.text) {
          tok.kind = s.kind;
          tok.text = s.text;
          i += n;
          matched = true;
          break;
        }
      }
      if (!matched) {
        // Show a whole UTF-8 character in the message.
        size_t n = 1;
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
        return QueryDiagnostic(text, i, n, "unexpected character '" + std::string(text.substr(i, n)) + "'",
                               "operators are AND, OR, NOT, ->, exists, forall and the comparisons < <= > >= =")
            .ToStatus();
      }
    }
    tok.span.end = static_cast<uint32_t>(i);
    tokens.push_back(std::move(tok));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.span = {static_cast<uint32_t>(text.size()), static_cast<uint32_t>(text.size())};
  tokens.push_back(end);
  return tokens;
}

}  // namespace georune::logic
