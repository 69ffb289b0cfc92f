// WordNet 3.0 database files (Debian's wordnet-base, /usr/share/wordnet) read the way NLTK's
// WordNetCorpusReader reads them, for METEOR's synonym stage.
//
// Load() parses index.{noun,verb,adj,adv} and {noun,verb,adj,adv}.exc into memory and maps the
// data.* files; it fails with kNotFound when a file is missing and kCorrupt when a line does not
// parse. Loaded databases are cached per folder for the life of the process (never freed) and
// are read-only afterwards, so the returned pointer may be shared across threads.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/files.h"
#include "georune/common/status.h"

namespace georune::eval {

class WordNet {
 public:
  // The cached database for `dir` (loaded on first use). Thread-safe.
  static Result<const WordNet*> Load(const std::string& dir);

  // NLTK's morphy for one part of speech (0 noun, 1 verb, 2 adj, 3 adv): the base forms of
  // `form` that are in the index, exception list first. `form` must be lower-case.
  std::vector<std::string> Morphy(const std::string& form, int pos) const;

  // The lemma names of every synset of `word` in every part of speech, as NLTK's
  // `wordnet.synsets(word)` then `lemma.name()` give them (case kept, adjective markers such as
  // "(a)" removed). The word is lower-cased first. Empty when the word is not in WordNet.
  std::vector<std::string> SynsetLemmaNames(const std::string& word) const;

 private:
  WordNet() = default;
  Status LoadFrom(const std::string& dir);
  std::unordered_map<std::string, std::array<std::vector<uint32_t>, 4>> index_;
  std::array<std::unordered_map<std::string, std::vector<std::string>>, 4> exceptions_;
  std::array<MappedFile, 4> data_;
};

}  // namespace georune::eval
