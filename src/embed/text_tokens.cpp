#include "georune/embed/text_tokens.h"

#include <libstemmer.h>

#include <unordered_set>

namespace georune::embed {

std::vector<std::string> LowercaseWords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      cur.push_back(char(c));
    } else if (c >= 'A' && c <= 'Z') {
      cur.push_back(char(c - 'A' + 'a'));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string Stem(std::string_view word) {
  // One stemmer per thread: sb_stemmer is not re-entrant.
  struct Holder {
    sb_stemmer* s = sb_stemmer_new("english", "UTF_8");
    ~Holder() {
      if (s) sb_stemmer_delete(s);
    }
  };
  thread_local Holder holder;
  if (!holder.s || word.empty()) return std::string(word);
  const sb_symbol* r = sb_stemmer_stem(holder.s, reinterpret_cast<const sb_symbol*>(word.data()), int(word.size()));
  if (!r) return std::string(word);
  return std::string(reinterpret_cast<const char*>(r), size_t(sb_stemmer_length(holder.s)));
}

bool IsStopword(std::string_view word) {
  static const std::unordered_set<std::string_view> kStop = {
      "a",       "about",   "above",   "after", "again", "against",  "all",       "am",      "an",     "and",
      "any",     "are",     "as",      "at",    "be",    "because",  "been",      "before",  "being",  "below",
      "between", "both",    "but",     "by",    "can",   "could",    "did",       "do",      "does",   "doing",
      "down",    "during",  "each",    "few",   "for",   "from",     "further",   "had",     "has",    "have",
      "having",  "he",      "her",     "here",  "hers",  "herself",  "him",       "himself", "his",    "how",
      "i",       "if",      "in",      "into",  "is",    "it",       "its",       "itself",  "me",     "more",
      "most",    "my",      "myself",  "no",    "nor",   "not",      "of",        "off",     "on",     "once",
      "only",    "or",      "other",   "our",   "ours",  "out",      "over",      "own",     "same",   "she",
      "should",  "so",      "some",    "such",  "than",  "that",     "the",       "their",   "theirs", "them",
      "then",    "there",   "these",   "they",  "this",  "those",    "through",   "to",      "too",    "under",
      "until",   "up",      "very",    "was",   "we",    "were",     "what",      "when",    "where",  "which",
      "while",   "who",     "whom",    "why",   "will",  "with",     "would",     "you",     "your",   "yours",
      "s",       "t",       "can",     "just",  "don",   "now",      "also",      "tell",    "please", "describe",
      "give",    "provide", "explain", "list",  "name",  "identify", "associated"};
  return kStop.count(word) > 0;
}

std::vector<std::string> IndexTerms(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : LowercaseWords(text)) {
    if (IsStopword(w)) continue;
    out.push_back(Stem(w));
  }
  return out;
}

}  // namespace georune::embed
