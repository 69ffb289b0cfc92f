// Word tokenisation for lexical retrieval and hashed embeddings.
//
// LowercaseWords(): lower-cases ASCII letters and splits on anything that is not an ASCII letter
// or digit; bytes >= 0x80 (non-ASCII UTF-8) are kept inside words. Numbers stay words ("1426").
// Stem(): the Snowball English stemmer (libstemmer). IsStopword(): a fixed English list.
// All functions are pure and thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace georune::embed {

std::vector<std::string> LowercaseWords(std::string_view text);
std::string Stem(std::string_view word);
bool IsStopword(std::string_view word);
// LowercaseWords, drop stopwords, stem: the terms BM25 and the hashed embedder index.
std::vector<std::string> IndexTerms(std::string_view text);

}  // namespace georune::embed
