// WordNet (Debian's wordnet-base: /usr/share/wordnet) as a source of extra nouns for the
// built-in translator: a word the ontology does not know is mapped to an ontology class when
// one of its first noun senses, or a hypernym up to two levels above, is named by the ontology
// ("jetliner" → plane, "motorcar" → small_vehicle).
//
// The index is loaded on first use (about 0.1 s) and shared; lookups are cached. Thread-safe.
// With no WordNet files the lookups simply find nothing.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "georune/ontology/ontology.h"

namespace georune::nl {

class WordNet {
 public:
  // The shared instance over $GEORUNE_WORDNET_DIR or /usr/share/wordnet; never null.
  static const WordNet* Default();
  explicit WordNet(std::string dir) : dir_(std::move(dir)) {}

  bool Available() const;
  // The canonical ontology class/group name a (normalised, snake_case) noun maps to.
  std::optional<std::string> MapToOntology(const std::string& word, const Ontology& ontology) const;

 private:
  struct Synset {
    std::vector<std::string> words;
    std::vector<long> hypernyms;
  };
  void Load() const;
  std::optional<Synset> ReadSynset(long offset) const;
  std::vector<long> Senses(const std::string& lemma) const;

  std::string dir_;
  mutable std::mutex mu_;
  mutable bool loaded_ = false;
  mutable bool available_ = false;
  mutable std::unordered_map<std::string, std::vector<long>> index_;
  mutable std::string data_;  // data.noun
  mutable std::unordered_map<std::string, std::optional<std::string>> cache_;
};

}  // namespace georune::nl
