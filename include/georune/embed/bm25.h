// BM25 sparse text retrieval (Robertson/Sparck Jones, Okapi weighting) with WordNet-widened
// query terms.
//
// Documents are indexed by IndexTerms() (tokenise, drop stopwords, Snowball-stem). A query term
// contributes idf(t)·tf·(k1+1)/(tf + k1·(1 − b + b·len/avglen)); idf = ln(1 + (N − n + 0.5)/
// (n + 0.5)). With a WordNet, each query word is widened by its synonyms, which count with
// weight `synonym_weight` (default 0.3) and only where they are not already query terms.
//
// Build with Add() then Finalize(); Score()/Search() need a finalized index. Not thread safe
// while adding; read-only use after Finalize() is thread safe. Scores are >= 0 and unbounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace georune {
class WordNet;  // georune/common/wordnet.h
}  // namespace georune

namespace georune::embed {

struct Bm25Params {
  double k1 = 1.2;
  double b = 0.75;
  double synonym_weight = 0.3;
};

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Params params = {}) : params_(params) {}

  // Adds a document; returns its number (0, 1, …).
  uint32_t Add(std::string_view text);
  void Finalize();
  size_t size() const { return doc_len_.size(); }

  // Weighted query terms (stemmed); `wordnet` may be null (no widening).
  std::vector<std::pair<std::string, double>> QueryTerms(std::string_view query, const WordNet* wordnet) const;
  // BM25 score of one document for prepared query terms.
  double Score(const std::vector<std::pair<std::string, double>>& terms, uint32_t doc) const;
  // The top `k` documents with score > 0, best first (ties: lower document number first).
  std::vector<std::pair<uint32_t, double>> Search(const std::vector<std::pair<std::string, double>>& terms,
                                                  size_t k) const;

 private:
  struct Posting {
    uint32_t doc;
    uint32_t tf;
  };
  double Idf(size_t df) const;

  Bm25Params params_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::vector<uint32_t> doc_len_;
  double avg_len_ = 0;
  bool finalized_ = false;
};

}  // namespace georune::embed
