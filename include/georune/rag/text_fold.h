// Text as people type it: folding and fuzzy comparison for names and question words.
//
// Fold(): ICU's transliterator "Any-Latin; Latin-ASCII; Lower" (NFKD-based: accents dropped,
// ø→o, ß→ss, æ→ae, ō→o, other scripts romanised), then every character that is not an ASCII
// letter or digit becomes a space, and runs of spaces collapse ("Kyōto  Station!" → "kyoto
// station"). FoldTokens() splits that on spaces. Thread safe (the transliterator is shared
// under a mutex).
//
// Similarity(): 1 − EditDistance / max(length) (common/text.h: optimal string alignment), in
// [0, 1]; 1 for two empty strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace georune::rag {

std::string Fold(std::string_view utf8);
std::vector<std::string> FoldTokens(std::string_view utf8);

double Similarity(std::string_view a, std::string_view b);

// "tokens" joined by single spaces, from `begin` for `count` tokens.
std::string JoinTokens(const std::vector<std::string>& tokens, size_t begin, size_t count);

}  // namespace georune::rag
