// Small text utilities shared by the modules.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace georune {

// Levenshtein distance (insertions, deletions, substitutions of bytes), for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

// `s` with ASCII letters lower-cased; every other byte (UTF-8 sequences included) kept. For
// keywords and names compared case-insensitively (Unicode folding: rag/text_fold.h).
std::string AsciiLower(std::string_view s);

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view TrimAsciiSpace(std::string_view s);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace georune
