#include "georune/common/diagnostic.h"

#include <algorithm>

namespace georune {
namespace {

// Number of UTF-8 code points in the first `bytes` bytes of `s`.
int CodePoints(std::string_view s, size_t bytes) {
  int n = 0;
  for (size_t i = 0; i < std::min(bytes, s.size()); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

std::string Diagnostic::Format() const {
  std::string out = source;
  if (line > 0) out += ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  out += ": " + message;
  if (!text.empty() && column > 0) {
    out += "\n  " + text + "\n  " + std::string(column - 1, ' ') +
           std::string(std::max(1, length), '^');
  }
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

Diagnostic FileDiagnostic(std::string_view path, int line, std::string message, std::string hint) {
  Diagnostic d;
  d.source = std::string(path);
  d.line = line;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

Diagnostic QueryDiagnostic(std::string_view query, size_t offset, size_t length,
                           std::string message, std::string hint) {
  Diagnostic d;
  d.source = "query";
  d.line = 1;
  offset = std::min(offset, query.size());
  d.column = CodePoints(query, offset) + 1;
  d.length = std::max(1, CodePoints(query.substr(offset), length));
  d.message = std::move(message);
  d.hint = std::move(hint);
  // Show the query on one line: newlines and tabs become spaces so the caret lines up.
  d.text = std::string(query);
  std::replace_if(d.text.begin(), d.text.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  return d;
}

}  // namespace georune
