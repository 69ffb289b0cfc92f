// Human text for the JSON library's exception messages, which users must never see raw
// ("[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while
// parsing value - number overflow parsing '1e999'; last read: '1e999'").
#pragma once

#include <string>
#include <string_view>

#include "georune/common/diagnostic.h"

namespace georune {

struct JsonProblem {
  int line = 0;        // 1-based line within the parsed text; 0 when the message gives none
  int column = 0;      // 1-based column; 0 when the message gives none
  std::string reason;  // e.g. "the number '1e999' is out of range"
  std::string token;   // the offending token when the message names one but no place ("1e999")
};

// Takes what() of any nlohmann::json exception. Never fails: an unknown shape comes back as
// its text without the "[json.exception.…]" tag.
JsonProblem DescribeJsonError(std::string_view what);

// "not valid JSON at column C: REASON" (the column only when known): the message for a parse
// error of a one-line text, to be placed by the caller (FILE:LINE).
std::string JsonErrorMessage(std::string_view what);

// The diagnostic for a JSON error in FILE: at `line` (one JSON text per line), or, with line 0,
// at the error's own line (the file is one JSON text); with the error's column, its reason
// after "not valid JSON: ", and `hint`. An error without a place (a number out of range) is
// placed where its token first stands as a value in `text`, the parsed text.
Diagnostic JsonDiagnostic(std::string_view path, int line, std::string_view what, std::string hint = {},
                          std::string_view text = {});

}  // namespace georune
