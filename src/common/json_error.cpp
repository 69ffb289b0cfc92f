#include "georune/common/json_error.h"

#include <algorithm>
#include <charconv>

namespace georune {
namespace {

bool Consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

int ConsumeInt(std::string_view& s) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc()) return 0;
  s.remove_prefix(static_cast<size_t>(ptr - s.data()));
  return v;
}

// "number overflow parsing '1e999'" -> "the number '1e999' is out of range"; "; last read: 'x'"
// -> " (at 'x')"; "syntax error while parsing value - " dropped.
std::string Reword(std::string_view r) {
  for (std::string_view lead : {"syntax error while parsing value - ", "syntax error while parsing object - ",
                                "syntax error while parsing array - ", "syntax error while parsing object key - ",
                                "syntax error while parsing object separator - "}) {
    if (Consume(r, lead)) break;
  }
  std::string last;
  if (size_t at = r.find("; last read: "); at != std::string_view::npos) {
    last = std::string(r.substr(at + 13));
    r = r.substr(0, at);
  }
  std::string out;
  if (Consume(r, "number overflow parsing ")) {
    out = "the number " + std::string(r) + " is out of range";
    last.clear();
  } else if (Consume(r, "unexpected end of input; ")) {
    out = "the text ends too early (" + std::string(r) + ")";
    last.clear();
  } else {
    out = std::string(r);
  }
  if (!last.empty() && last.size() <= 40) out += " (at " + last + ")";
  return out;
}

}  // namespace

JsonProblem DescribeJsonError(std::string_view what) {
  JsonProblem p;
  if (what.substr(0, 16) == "[json.exception.") {
    size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  std::string_view s = what;
  if (Consume(s, "parse error at line ")) {
    p.line = ConsumeInt(s);
    if (Consume(s, ", column ")) p.column = ConsumeInt(s);
    if (Consume(s, ": ")) what = s;
  } else if (Consume(s, "parse error at ") || Consume(s, "parse error")) {
    if (size_t colon = s.find(": "); colon != std::string_view::npos) what = s.substr(colon + 2);
  }
  // Out-of-range numbers come without a place: name the token, for the caller to find.
  s = what;
  if (Consume(s, "number overflow parsing '") && !s.empty() && s.back() == '\'')
    p.token = std::string(s.substr(0, s.size() - 1));
  p.reason = Reword(what);
  return p;
}

std::string JsonErrorMessage(std::string_view what) {
  JsonProblem p = DescribeJsonError(what);
  return "not valid JSON" + (p.column > 0 ? " at column " + std::to_string(p.column) : std::string()) + ": " + p.reason;
}

Diagnostic JsonDiagnostic(std::string_view path, int line, std::string_view what, std::string hint,
                          std::string_view text) {
  JsonProblem p = DescribeJsonError(what);
  if (p.column == 0 && !p.token.empty()) {
    // Where the token first stands as a value: after ':' '[' ',' and blanks.
    for (size_t at = text.find(p.token); at != std::string_view::npos; at = text.find(p.token, at + 1)) {
      size_t before = text.find_last_not_of(" \t\r\n", at == 0 ? std::string_view::npos : at - 1);
      if (at != 0 &&
          (before == std::string_view::npos || std::string_view(":[,").find(text[before]) == std::string_view::npos))
        continue;
      const size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
      const size_t from = line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1;
      p.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(from), '\n'));
      p.column = 1 + static_cast<int>(at - from);
      break;
    }
  }
  Diagnostic d = FileDiagnostic(path, line > 0 ? line : p.line, "not valid JSON: " + p.reason, std::move(hint));
  d.column = d.line > 0 ? p.column : 0;
  return d;
}

}  // namespace georune
