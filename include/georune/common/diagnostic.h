// Diagnostics for user mistakes: where (file and line, or query column), what, and a hint.
//
// Two shapes of location:
//  - a file: "FILE:LINE: message" (LINE is 1-based; 0 means the whole file);
//  - a query text: "query:1:COL: message", then the text and a caret under COL (1-based).
// Format() returns the full text shown to the user; ToStatus() wraps it as kInvalidInput.
#pragma once

#include <string>
#include <string_view>

#include "georune/common/status.h"

namespace georune {

struct Diagnostic {
  std::string source;   // file path, or "query"
  int line = 0;         // 1-based line in `source`; 0 when not tied to a line
  int column = 0;       // 1-based column (characters), 0 when unknown
  int length = 1;       // characters the caret underlines
  std::string message;  // what was wrong, lower-case, no trailing period
  std::string hint;     // how to fix it; may be empty
  std::string text;     // the offending source line or query, for the caret; may be empty

  std::string Format() const;
  Status ToStatus() const { return Status::InvalidInput(Format()); }
};

// A diagnostic for a line of a file: "FILE:LINE: message (hint: ...)".
Diagnostic FileDiagnostic(std::string_view path, int line, std::string message,
                          std::string hint = {});

// A diagnostic at byte offset `offset` (length `length`) of a query text.
Diagnostic QueryDiagnostic(std::string_view query, size_t offset, size_t length,
                           std::string message, std::string hint = {});

}  // namespace georune
