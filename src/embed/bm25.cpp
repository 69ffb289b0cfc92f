#include "georune/embed/bm25.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

#include "georune/common/wordnet.h"
#include "georune/embed/text_tokens.h"

namespace georune::embed {

uint32_t Bm25Index::Add(std::string_view text) {
  const uint32_t doc = uint32_t(doc_len_.size());
  const auto terms = IndexTerms(text);
  std::unordered_map<std::string, uint32_t> tf;
  for (const auto& t : terms) ++tf[t];
  for (auto& [t, n] : tf) postings_[t].push_back({doc, n});
  doc_len_.push_back(uint32_t(terms.size()));
  finalized_ = false;
  return doc;
}

void Bm25Index::Finalize() {
  double total = 0;
  for (uint32_t n : doc_len_) total += n;
  avg_len_ = doc_len_.empty() ? 0 : total / double(doc_len_.size());
  finalized_ = true;
}

double Bm25Index::Idf(size_t df) const {
  const double n = double(doc_len_.size());
  return std::log(1.0 + (n - double(df) + 0.5) / (double(df) + 0.5));
}

std::vector<std::pair<std::string, double>> Bm25Index::QueryTerms(std::string_view query,
                                                                  const WordNet* wordnet) const {
  std::vector<std::pair<std::string, double>> out;
  std::unordered_set<std::string> seen;
  std::vector<std::string> words;
  for (auto& w : LowercaseWords(query)) {
    if (IsStopword(w)) continue;
    std::string s = Stem(w);
    if (seen.insert(s).second) out.emplace_back(s, 1.0);
    words.push_back(std::move(w));
  }
  if (wordnet) {
    for (const auto& w : words) {
      if (w.size() < 3 || std::isdigit(static_cast<unsigned char>(w[0]))) continue;
      for (const auto& syn : wordnet->Synonyms(w)) {
        std::string s = Stem(syn);
        if (postings_.count(s) && seen.insert(s).second) out.emplace_back(s, params_.synonym_weight);
      }
    }
  }
  return out;
}

double Bm25Index::Score(const std::vector<std::pair<std::string, double>>& terms, uint32_t doc) const {
  if (doc >= doc_len_.size()) return 0;
  double score = 0;
  const double len_norm = avg_len_ > 0 ? double(doc_len_[doc]) / avg_len_ : 1.0;
  for (const auto& [t, w] : terms) {
    auto it = postings_.find(t);
    if (it == postings_.end()) continue;
    const auto& list = it->second;
    auto p = std::lower_bound(list.begin(), list.end(), doc, [](const Posting& a, uint32_t d) { return a.doc < d; });
    if (p == list.end() || p->doc != doc) continue;
    const double tf = p->tf;
    score += w * Idf(list.size()) * tf * (params_.k1 + 1) / (tf + params_.k1 * (1 - params_.b + params_.b * len_norm));
  }
  return score;
}

std::vector<std::pair<uint32_t, double>> Bm25Index::Search(const std::vector<std::pair<std::string, double>>& terms,
                                                           size_t k) const {
  std::unordered_map<uint32_t, double> acc;
  for (const auto& [t, w] : terms) {
    auto it = postings_.find(t);
    if (it == postings_.end()) continue;
    const double idf = Idf(it->second.size());
    for (const auto& p : it->second) {
      const double len_norm = avg_len_ > 0 ? double(doc_len_[p.doc]) / avg_len_ : 1.0;
      const double tf = p.tf;
      acc[p.doc] += w * idf * tf * (params_.k1 + 1) / (tf + params_.k1 * (1 - params_.b + params_.b * len_norm));
    }
  }
  std::vector<std::pair<uint32_t, double>> out(acc.begin(), acc.end());
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (out.size() > k) {
    std::partial_sort(out.begin(), out.begin() + long(k), out.end(), better);
    out.resize(k);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

}  // namespace georune::embed
