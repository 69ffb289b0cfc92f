// The built-in translator's two front stages (docs/translation.md):
//
//  1. Normalise (normaliser.cpp): English text → tokens. Lower case; full stops, '?', '!', ';'
//     and ':' become commas (at the end they vanish), other punctuation is dropped; hyphens
//     split ("oil-tank" → oil tank);
//     British spellings mapped to American ("harbour" → harbor, "metre" → meter); contractions
//     expanded; symbols spelled out (">" → more than, "<" → fewer than, ">=" → at least,
//     "<=" → at most, "N+" → N or more, "&" → and); "100m" split into 100 m; filler that
//     carries no meaning anywhere ("please") removed. Commas stay as "," tokens: the grammar
//     treats them as optional pauses, never as meaning.
//  2. Look words up (lexicon.cpp): one longest-match lexicon of phrases (relations,
//     arrangements, quantities, comparisons, units, number words, link words, filler), and the
//     noun matcher: the longest run of words the ontology names (its classes, labels, synonyms,
//     plurals, groups), plurals WordNet knows (WordNet::Morphy: "geese"), a single-letter typo in
//     a noun of five letters or more, and WordNet synonyms (words of the synset of the noun's
//     most frequent sense) of a class name. A word WordNet reaches only through a hypernym is NOT accepted; NounChain()
//     gives that chain for the refusal's hint.
//
// Thread-safe: the tables are immutable after first use; WordNet answers are cached under a
// mutex.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/ontology/ontology.h"

namespace georune {
class WordNet;
}

namespace georune::nl {

using Tokens = std::vector<std::string>;

// Text → normalised tokens (stage 1 above).
Tokens Normalise(std::string_view text);

// Whether a token is a number written with digits ("12", "2.5").
bool IsNumberToken(const std::string& token);

enum class LexKind {
  kRelation,     // "next to" → near; value = relation, swap = relation(object, head)
  kPronounRel,   // "nearby", "on it" after a with-object → value = relation of object to head
  kArrangement,  // "in a row" → value = aligned|clustered|row (aligned AND clustered)
  kGroupNoun,    // "row", "cluster" (before "of") → value = row|clustered
  kComparison,   // "more than" → value = > >= < <=
  kCountDet,     // "at least" (before a number) → value = > >= < <= =
  kVague,        // "several" → number = the count, value = ">=" or "=" ("a dozen": = 12 entities)
  kNegDet,       // "no", "without any"
  kEveryDet,     // "every", "all", "each"
  kArticle,      // "a", "the", "any"
  kNumber,       // number words: "three" → 3
  kUnit,         // "square meters" → value = m2, area = true
  kLink,         // "that", "is", "located", "parked" (carry no meaning between noun and relation)
  kNearVerb,     // "docked", "moored": a following on/in means near
  kPreamble,     // "show me", "images of" (at the start of a query)
  kTrailer,      // "in the image" (at the end of a query)
};

struct LexEntry {
  std::string phrase;  // words separated by single spaces
  LexKind kind;
  std::string value;
  long number = 0;
  bool swap = false;
  bool area = false;
};

// The longest entry of `kind` at t[p]; its length in tokens, 0 when none (then *hit untouched).
size_t MatchPhrase(const Tokens& t, size_t p, LexKind kind, const LexEntry** hit = nullptr);
// Whether `word` occurs in some phrase of the lexicon (for naming the words nobody understood).
bool LexiconKnows(const std::string& word);

struct NounMatch {
  std::string cls;    // canonical class or group name, or "object"
  size_t length = 0;  // tokens consumed
  bool plural = false;
  std::string corrected;  // non-empty when a typo was corrected: the word meant
};

// The longest noun at t[p] (stage 2 above); nullopt when none. `wordnet` may be null (no
// WordNet plurals or synonyms).
std::optional<NounMatch> MatchNoun(const Tokens& t, size_t p, const Ontology& ontology, const WordNet* wordnet);

// For a word the ontology does not name: the WordNet hypernym chain from it to an ontology
// word ("runway → airfield → field"), when one exists within three levels; "" otherwise.
std::string NounChain(const std::string& word, const Ontology& ontology, const WordNet* wordnet);

// The relation an object has with a head of class `cls` when none is written ("a bridge with
// no vehicles" → on): on for bridges, helipads, courts, fields, airports (and, beyond DOTA,
// parking lots, stadiums, overpasses, golf fields, roads of other ontologies); near otherwise.
std::string ContentRelation(const std::string& cls);

}  // namespace georune::nl
