// Small text utilities shared by the modules.
#pragma once

#include <cstddef>
#include <string_view>

namespace georune {

// Levenshtein distance (insertions, deletions, substitutions of bytes), for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace georune
