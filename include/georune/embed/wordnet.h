// A reader of the WordNet 3.0 database files (Debian wordnet-base, /usr/share/wordnet).
//
// Parses index.{noun,verb,adj,adv} (binary search over the sorted, memory-mapped file) and reads
// synsets from data.* at their byte offsets. Lemmas are found through WordNet's morphology: the
// exception lists (*.exc) and the detachment rules of morphy(7WN).
//
// Open() returns kNotFound if the folder lacks the index files. An opened WordNet is immutable
// and safe to use from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/files.h"
#include "georune/common/status.h"

namespace georune::embed {

class WordNet {
 public:
  static constexpr const char* kDefaultDir = "/usr/share/wordnet";
  static Result<std::unique_ptr<WordNet>> Open(const std::string& dir = kDefaultDir);

  // Single-word synonyms of `word` (lower-case) from the first `max_senses` senses of each part
  // of speech, most frequent sense first, without `word` itself and without duplicates.
  // Multi-word lemmas ("ice_cream") are skipped. Empty when the word is not in WordNet.
  std::vector<std::string> Synonyms(std::string_view word, int max_senses = 2) const;

  // Base forms of `word` found in WordNet (morphy), e.g. "churches" -> {"church"}.
  std::vector<std::string> BaseForms(std::string_view word) const;

 private:
  WordNet() = default;
  // Synset offsets of lemma in part of speech p (0 noun, 1 verb, 2 adj, 3 adv); empty if absent.
  std::vector<long> Offsets(int p, std::string_view lemma) const;
  std::vector<std::string> SynsetWords(int p, long offset) const;

  MappedFile index_[4];
  MappedFile data_[4];
  std::unordered_map<std::string, std::string> exceptions_[4];
};

}  // namespace georune::embed
