// Small text utilities shared by the modules.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace georune {

// Optimal-string-alignment distance between byte strings: insertions, deletions, substitutions
// and transpositions of neighbours each cost 1 ("nera" is one from "near"). For "did you mean"
// hints and fuzzy name matching.
size_t EditDistance(std::string_view a, std::string_view b);
// EditDistance when it is at most `max`, else max + 1 -- in time O(max · length) rather than
// O(length²): strings whose lengths differ by more than `max` are not compared at all, and the
// comparison stops at the first row whose every cell is beyond `max`.
size_t EditDistanceAtMost(std::string_view a, std::string_view b, size_t max);

// `s` with ASCII letters lower-cased; every other byte (UTF-8 sequences included) kept. For
// keywords and names compared case-insensitively (Unicode folding: rag/text_fold.h).
std::string AsciiLower(std::string_view s);

// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view TrimAsciiSpace(std::string_view s);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace georune
