// WordNet 3.0 database files (Debian's wordnet-base, /usr/share/wordnet): the one reader that
// the built-in translator (nouns → ontology classes), BM25 query widening (synonyms) and METEOR
// (NLTK-compatible morphy and lemma names) share.
//
// Files read: index.{noun,verb,adj,adv}, data.{noun,verb,adj,adv} and {noun,verb,adj,adv}.exc.
// All twelve are memory-mapped, nothing is parsed up front: lemmas and exceptions are found by
// binary search over the sorted index and exception files (as WordNet's own library does), and a
// synset is parsed from data.* at its byte offset when asked for.
//
// Errors: Open() returns kNotFound (with a hint to install wordnet-base) when a file is missing,
// kIoError when one cannot be mapped. Lookups never fail: a word or offset that is not there
// gives an empty answer; a malformed synset line gives kCorrupt from ReadSynset and is skipped by
// the higher-level lookups.
//
// Thread safety: an opened WordNet is immutable; every const method may be called from several
// threads at once. Shared() and Default() are thread-safe.
//
// Words: lemmas are as WordNet writes them, lower-case with '_' for spaces ("ice_cream"). Unless
// a method says otherwise, arguments must already be lower-case.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/files.h"
#include "georune/common/status.h"

namespace georune {

// WordNet's four parts of speech (adjective satellites are adjectives here, as in index.adj).
enum class WordNetPos : uint8_t { kNoun = 0, kVerb = 1, kAdj = 2, kAdv = 3 };
inline constexpr std::array<WordNetPos, 4> kWordNetPos = {WordNetPos::kNoun, WordNetPos::kVerb, WordNetPos::kAdj,
                                                          WordNetPos::kAdv};

// One synset line of data.<pos>.
struct WordNetSynset {
  uint32_t offset = 0;  // byte offset in data.<pos>, its identifier
  WordNetPos pos = WordNetPos::kNoun;
  // The synset's lemma names in file order, case kept ("Ford", "ice_cream"); an adjective's
  // syntactic marker ("(a)", "(p)", "(ip)") is removed.
  std::vector<std::string> words;
  // Offsets of its hypernyms and instance hypernyms (pointers '@' and '@i', same part of
  // speech), in file order.
  std::vector<uint32_t> hypernyms;
};

class WordNet {
 public:
  static constexpr const char* kDefaultDir = "/usr/share/wordnet";

  // $GEORUNE_WORDNET_DIR when set and not empty, else kDefaultDir.
  static std::string DefaultDir();

  // Maps the twelve files of `dir`. The caller owns the result.
  static Result<std::unique_ptr<WordNet>> Open(const std::string& dir);
  // The WordNet of `dir`, opened on first use and kept for the life of the process (never
  // freed, so the pointer stays valid in every thread until exit). A failure is not cached: a
  // later call tries again.
  static Result<const WordNet*> Shared(const std::string& dir);
  // Shared(DefaultDir()).
  static Result<const WordNet*> Default();

  WordNet(const WordNet&) = delete;
  WordNet& operator=(const WordNet&) = delete;

  const std::string& dir() const { return dir_; }

  // Synset offsets of `lemma` in part of speech `pos`, most frequent sense first (the order of
  // index.<pos>). Empty when the lemma is not in that index.
  std::vector<uint32_t> Senses(std::string_view lemma, WordNetPos pos) const;
  // Whether `lemma` has at least one sense in `pos`.
  bool Contains(std::string_view lemma, WordNetPos pos) const;

  // The synset at `offset` in data.<pos>. kNotFound when no synset line starts there (an offset
  // from another part of speech, say), kCorrupt when the line does not parse.
  Result<WordNetSynset> ReadSynset(WordNetPos pos, uint32_t offset) const;

  // NLTK's WordNetCorpusReader._morphy: the base forms of `form` in `pos` that are in the
  // index. When `form` is in the exception list, `form` and its listed bases (the list's last
  // line for that form, as NLTK keeps it); otherwise `form` and its one-step detachments
  // (NLTK's MORPHOLOGICAL_SUBSTITUTIONS, including "ves" → "f"), and when none of those is
  // indexed, the detachments applied again until one is. No duplicates, NLTK's order. Empty
  // when nothing is found. "dogs" → {dog}, "geese" → {goose}, "running" (verb) → {run}.
  std::vector<std::string> Morphy(std::string_view form, WordNetPos pos) const;

  // NLTK's `[l.name() for s in wordnet.synsets(word) for l in s.lemmas()]`: for each part of
  // speech, for each Morphy form of the lower-cased `word`, the lemma names of each of its
  // synsets (case kept, markers removed, duplicates kept). Empty when the word is not in WordNet.
  std::vector<std::string> SynsetLemmaNames(std::string_view word) const;

  // Base forms of `word` by WordNet's own morphology (morphy(7WN): no "ves" → "f" rule), in any
  // part of speech, for query widening: per part of speech in turn, the first base its
  // exception list gives, `word` itself when indexed, and each one-step detachment that is
  // indexed. No duplicates. "churches" → {church}. Empty when none is found.
  std::vector<std::string> BaseForms(std::string_view word) const;

  // Single-word synonyms of `word` (lower-case): for each of its BaseForms, for each part of
  // speech, the words (lower-cased) of its first `max_senses` senses, without multi-word
  // lemmas ("ice_cream"), without `word` and the base form themselves, without duplicates, in
  // that order. Empty when the word is not in WordNet. Synonyms("car") includes "automobile".
  std::vector<std::string> Synonyms(std::string_view word, int max_senses = 2) const;

 private:
  WordNet() = default;
  // The bases listed for `form` in <pos>.exc, one vector per line for that form, in file order.
  std::vector<std::vector<std::string_view>> Exceptions(std::string_view form, WordNetPos pos) const;

  std::string dir_;
  std::array<MappedFile, 4> index_;
  std::array<MappedFile, 4> data_;
  std::array<MappedFile, 4> exceptions_;
};

}  // namespace georune
