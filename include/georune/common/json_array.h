// The elements of a file holding one JSON array, streamed: memory holds one block of the file
// and one element, however large the file. The elements are not parsed here (the caller parses
// each one's text, and places its errors with ElementJsonDiagnostic); this splits the array
// and checks what lies between its elements.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "georune/common/diagnostic.h"
#include "georune/common/status.h"

namespace georune {

struct JsonArrayElement {
  size_t index = 0;       // 0-based
  int line = 0;           // where its first character stands, 1-based
  int column = 0;         // 1-based, in bytes
  std::string_view text;  // its JSON text, without the blanks around it
};

struct JsonArrayOptions {
  uint64_t max_element_bytes = uint64_t{64} << 20;
  std::string element_name = "element";   // in messages: "element 3 is larger than …"
  std::string expected = "a JSON array";  // in "expected a JSON array"
  std::string hint;                       // for every error about the file's shape
};

// Calls fn(element) for each element of the JSON array in the open regular file `fd` (named
// `path` in messages), in order, reading blocks of `block` bytes; stops at the first non-OK
// status fn returns. A UTF-8 byte order mark at the start is skipped, as JSON parsers do.
// An element runs from its first byte to the ',' or ']' that ends it (blanks around it
// dropped), so what is wrong inside it -- "1 2" included -- is for the caller's parse to find.
// Errors are kInvalidInput at FILE:LINE(:COL): no array ("expected …"), a missing element
// after ',', an unmatched '}', text after the array, an array or element the file ends inside,
// and an element longer than max_element_bytes (at its first line; nothing more is read).
// kIoError when reading fails.
Status ForEachJsonArrayElement(int fd, const std::string& path, const JsonArrayOptions& options,
                               const std::function<Status(const JsonArrayElement&)>& fn,
                               size_t block = size_t{1} << 16);

// The diagnostic for a parse error of `element`'s text (`what`: the JSON library's message),
// placed in the file: the error's line and column within the element moved to where the
// element stands.
Diagnostic ElementJsonDiagnostic(std::string_view path, const JsonArrayElement& element, std::string_view what,
                                 std::string hint);

}  // namespace georune
