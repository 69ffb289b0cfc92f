// Diagnostics: where (file and line, or query column), what, and a hint, in concepts.
//
// Three shapes of location:
//  - a file: "FILE:LINE: message" (LINE is 1-based; 0 means the whole file);
//  - a query text: "query:1:COL: message", then the text and a caret under COL (1-based);
//  - none: "message".
// The hint names what to change in words ("raise the LLM request timeout"), never an edge's
// flag; `settings` names the options it means, for the CLI to add their flags.
// Format() returns the full text shown to the user; ToStatus() wraps it in a Status that keeps
// the parts (Status::diagnostic()), kInvalidInput unless told otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/common/setting.h"
#include "georune/common/status.h"

namespace georune {

struct Diagnostic {
  std::string source;             // file path, or "query"
  int line = 0;                   // 1-based line in `source`; 0 when not tied to a line
  int column = 0;                 // 1-based column (characters), 0 when unknown
  int length = 1;                 // characters the caret underlines
  std::string message;            // what was wrong, lower-case, no trailing period
  std::string hint;               // how to fix it; may be empty
  std::string text;               // the offending source line or query, for the caret; may be empty
  std::vector<Setting> settings;  // the options the hint asks to change; may be empty

  // The full text. `settings_text` (an edge's spelling of `settings`, e.g. "--llm-timeout") is
  // added after the hint in parentheses, or on an "option:" line when there is no hint.
  std::string Format(std::string_view settings_text = {}) const;
  // "SOURCE:LINE:COL" as far as known; empty when there is no source.
  std::string Where() const;
  // "\n  TEXT\n  ^^^" under the column, when there is a text and a column; else empty.
  std::string Caret() const;
  Status ToStatus(StatusCode code = StatusCode::kInvalidInput) const { return {code, *this}; }
  // Adds a setting the hint refers to: `return FileDiagnostic(...).With(Setting::kCrs).ToStatus();`
  Diagnostic With(Setting setting) && {
    settings.push_back(setting);
    return std::move(*this);
  }
};

// A failure split for a structured edge (the server's JSON, Python's exception attributes).
struct ErrorParts {
  std::string error;  // what went wrong (the caret display of a query error included)
  std::string where;  // "query:1:14", "body:byte 17", "file:line"…; empty when nowhere
  std::string hint;   // how to fix it; may be empty
};

// The parts of a failure: those of its Diagnostic when it has one, else SplitMessage's.
ErrorParts PartsOf(const Status& status);

// Splits a message "WHERE: MESSAGE … (hint: HINT)" or "…\n  hint: HINT" into its parts.
ErrorParts SplitMessage(const std::string& message);

// A diagnostic tied to no place: "message (hint: ...)".
Diagnostic PlainDiagnostic(std::string message, std::string hint = {});

// A diagnostic for a line of a file: "FILE:LINE: message (hint: ...)".
Diagnostic FileDiagnostic(std::string_view path, int line, std::string message, std::string hint = {});

// A diagnostic at byte offset `offset` (length `length`) of a query text.
Diagnostic QueryDiagnostic(std::string_view query, size_t offset, size_t length, std::string message,
                           std::string hint = {});

}  // namespace georune
