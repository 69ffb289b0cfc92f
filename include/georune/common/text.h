// Small text utilities shared by the modules.
#pragma once

#include <cstddef>
#include <string_view>

namespace georune {

// Levenshtein distance (insertions, deletions, substitutions of bytes), for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace georune
