#include "georune/common/diagnostic.h"

#include <algorithm>
#include <memory>
#include <regex>

#include "georune/common/text.h"

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

Status::Status(StatusCode code, Diagnostic diagnostic)
    : code_(code),
      message_(diagnostic.Format()),
      diagnostic_(std::make_shared<const Diagnostic>(std::move(diagnostic))) {}

Status Status::Prefixed(const std::string& prefix) const {
  if (!diagnostic_) return {code_, prefix + message_};
  Diagnostic d = *diagnostic_;
  d.message = prefix + d.message;
  return {code_, std::move(d)};
}

std::string Diagnostic::Where() const {
  if (source.empty()) return {};
  std::string out = source;
  if (line > 0) out += ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

std::string Diagnostic::Caret() const {
  if (text.empty() || column <= 0) return {};
  return "\n  " + text + "\n  " + std::string(column - 1, ' ') + std::string(std::max(1, length), '^');
}

std::string Diagnostic::Format(std::string_view settings_text) const {
  std::string out = Where();
  if (!out.empty()) out += ": ";
  out += message + Caret();
  if (!hint.empty()) out += "\n  hint: " + hint;
  if (!settings_text.empty()) {
    out += hint.empty() ? "\n  option: " : " (";
    out += settings_text;
    if (!hint.empty()) out += ")";
  }
  return out;
}

Diagnostic PlainDiagnostic(std::string message, std::string hint) {
  Diagnostic d;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

Diagnostic FileDiagnostic(std::string_view path, int line, std::string message, std::string hint) {
  Diagnostic d;
  d.source = std::string(path);
  d.line = line;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

Diagnostic QueryDiagnostic(std::string_view query, size_t offset, size_t length, std::string message,
                           std::string hint) {
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
  std::replace_if(
      d.text.begin(), d.text.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  return d;
}

ErrorParts SplitMessage(const std::string& message) {
  ErrorParts parts;
  std::string text = message;
  if (const auto line = text.rfind("\n  hint: "); line != std::string::npos) {
    parts.hint = std::string(TrimAsciiSpace(text.substr(line + 9)));
    text.erase(line);
  } else if (const auto hint = text.rfind("(hint: "); hint != std::string::npos) {
    const auto close = text.rfind(')');
    const auto end = close != std::string::npos && close > hint ? close : text.size();
    parts.hint = std::string(TrimAsciiSpace(text.substr(hint + 7, end - hint - 7)));
    text.erase(hint, end - hint + (end < text.size() ? 1 : 0));
  }
  static const std::regex kWhere(R"(^(body:byte \d+|request:\w+|[^\s:]+:\d+(?::\d+)?): )");
  std::smatch m;
  if (std::regex_search(text, m, kWhere)) {
    parts.where = m[1];
    text = m.suffix();
  }
  parts.error = std::string(TrimAsciiSpace(text));
  return parts;
}

ErrorParts PartsOf(const Status& status) {
  const Diagnostic* d = status.diagnostic();
  if (!d) return SplitMessage(status.message());
  return {d->message + d->Caret(), d->Where(), d->hint};
}

}  // namespace georune
