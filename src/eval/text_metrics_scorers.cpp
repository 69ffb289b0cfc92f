// The metric formulas of text_metrics_internal.h, each written to follow one reference
// implementation line by line (the file and function are named at each scorer).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "eval/text_metrics_internal.h"
#include "georune/eval/text_metrics.h"

namespace georune::eval::internal {
namespace {

constexpr int kMaxN = 4;
using NgramCounts = std::array<std::unordered_map<std::string, int>, kMaxN>;

// n-gram counts of `tokens` for n = 1..4 (index n-1); an n-gram is its tokens joined by ' '
// (tokens never hold a space).
NgramCounts CountNgrams(const Tokens& tokens) {
  NgramCounts counts;
  for (int n = 1; n <= kMaxN; ++n) {
    if (tokens.size() < static_cast<size_t>(n)) break;
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string gram = tokens[i];
      for (int k = 1; k < n; ++k) {
        gram += ' ';
        gram += tokens[i + k];
      }
      ++counts[n - 1][gram];
    }
  }
  return counts;
}

// Max count of every n-gram over the references (cook_refs' maxcounts).
NgramCounts MaxRefCounts(const std::vector<Tokens>& refs) {
  NgramCounts max_counts;
  for (const auto& ref : refs) {
    NgramCounts counts = CountNgrams(ref);
    for (int n = 0; n < kMaxN; ++n) {
      for (const auto& [gram, c] : counts[n]) {
        int& m = max_counts[n][gram];
        m = std::max(m, c);
      }
    }
  }
  return max_counts;
}

// Clipped matches of hyp n-grams against max reference counts, per n.
std::array<int, kMaxN> ClippedMatches(const NgramCounts& hyp, const NgramCounts& ref_max) {
  std::array<int, kMaxN> correct{};
  for (int n = 0; n < kMaxN; ++n) {
    for (const auto& [gram, c] : hyp[n]) {
      auto it = ref_max[n].find(gram);
      if (it != ref_max[n].end()) correct[n] += std::min(c, it->second);
    }
  }
  return correct;
}

// The reference length closest to `hyp_len`, the shorter on a tie (both pycocoevalcap's
// "closest" and NLTK's closest_ref_length).
size_t ClosestRefLength(const std::vector<Tokens>& refs, size_t hyp_len) {
  size_t best = refs.empty() ? 0 : refs[0].size();
  auto distance = [hyp_len](size_t l) { return l > hyp_len ? l - hyp_len : hyp_len - l; };
  for (const auto& ref : refs) {
    size_t l = ref.size();
    if (distance(l) < distance(best) || (distance(l) == distance(best) && l < best)) best = l;
  }
  return best;
}

}  // namespace

// pycocoevalcap/bleu/bleu_scorer.py: BleuScorer.compute_score(option="closest").
std::array<double, 4> CocoCorpusBleu(const std::vector<TokenizedItem>& items) {
  constexpr double kSmall = 1e-9;
  constexpr double kTiny = 1e-15;
  double test_len = 0, ref_len = 0;
  std::array<double, kMaxN> guess{}, correct{};
  for (const auto& item : items) {
    size_t hyp_len = item.hyp.size();
    test_len += static_cast<double>(hyp_len);
    ref_len += static_cast<double>(ClosestRefLength(item.refs, hyp_len));
    auto matches = ClippedMatches(CountNgrams(item.hyp), MaxRefCounts(item.refs));
    for (int k = 0; k < kMaxN; ++k) {
      guess[k] += static_cast<double>(hyp_len >= static_cast<size_t>(k + 1) ? hyp_len - k : 0);
      correct[k] += matches[k];
    }
  }
  std::array<double, 4> bleus{};
  double ratio = (test_len + kTiny) / (ref_len + kSmall);
  for (int nn = 1; nn <= kMaxN; ++nn) {
    double bleu = 1.0;
    for (int k = 0; k < nn; ++k) bleu *= (correct[k] + kTiny) / (guess[k] + kSmall);
    bleus[nn - 1] = std::pow(bleu, 1.0 / nn);
    if (ratio < 1) bleus[nn - 1] *= std::exp(1 - 1 / ratio);
  }
  return bleus;
}

// nltk/translate/bleu_score.py: sentence_bleu -> corpus_bleu on one item, method1 smoothing
// (epsilon 0.1 added to zero numerators), closest_ref_length, brevity_penalty.
double NltkSentenceBleu(const std::vector<Tokens>& refs, const Tokens& hyp, const std::array<double, 4>& weights) {
  constexpr double kEpsilon = 0.1;
  NgramCounts hyp_counts = CountNgrams(hyp);
  auto matches = ClippedMatches(hyp_counts, MaxRefCounts(refs));
  if (matches[0] == 0) return 0.0;
  double log_sum = 0;
  for (int n = 0; n < kMaxN; ++n) {
    int denominator = 0;
    for (const auto& [gram, c] : hyp_counts[n]) denominator += c;
    denominator = std::max(1, denominator);
    double p = matches[n] == 0 ? kEpsilon / denominator : static_cast<double>(matches[n]) / denominator;
    log_sum += weights[n] * std::log(p);
  }
  size_t hyp_len = hyp.size();
  size_t closest = ClosestRefLength(refs, hyp_len);
  double bp = hyp_len > closest ? 1.0 : hyp_len == 0 ? 0.0 : std::exp(1.0 - static_cast<double>(closest) / hyp_len);
  return bp * std::exp(log_sum);
}

size_t LcsLength(const Tokens& a, const Tokens& b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// pycocoevalcap/rouge/rouge.py: Rouge.calc_score, beta = 1.2.
double CocoRougeL(const std::vector<Tokens>& refs, const Tokens& hyp) {
  constexpr double kBeta = 1.2;
  static const Tokens kEmptySplit = {""};  // "".split(" ") == [""]
  const Tokens& c = hyp.empty() ? kEmptySplit : hyp;
  double prec_max = 0, rec_max = 0;
  for (const auto& ref : refs) {
    const Tokens& r = ref.empty() ? kEmptySplit : ref;
    double lcs = static_cast<double>(LcsLength(r, c));
    prec_max = std::max(prec_max, lcs / c.size());
    rec_max = std::max(rec_max, lcs / r.size());
  }
  if (prec_max == 0 || rec_max == 0) return 0.0;
  return ((1 + kBeta * kBeta) * prec_max * rec_max) / (rec_max + kBeta * kBeta * prec_max);
}

// rouge_score/rouge_scorer.py: _score_lcs, fmeasure; max over targets as score_multi.
double RougeScoreL(const std::vector<Tokens>& refs, const Tokens& hyp) {
  double best = 0;
  for (const auto& ref : refs) {
    if (ref.empty() || hyp.empty()) continue;
    double lcs = static_cast<double>(LcsLength(ref, hyp));
    double precision = lcs / hyp.size();
    double recall = lcs / ref.size();
    double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    best = std::max(best, f);
  }
  return best;
}

// pycocoevalcap/cider/cider_scorer.py: CiderScorer.compute_score (CIDEr-D).
std::vector<double> CiderD(const std::vector<TokenizedItem>& items, double sigma) {
  // Document frequency: in how many items' reference sets an n-gram occurs.
  std::array<std::unordered_map<std::string, double>, kMaxN> document_frequency;
  std::vector<std::vector<NgramCounts>> ref_counts(items.size());
  std::vector<NgramCounts> hyp_counts(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    hyp_counts[i] = CountNgrams(items[i].hyp);
    std::array<std::unordered_set<std::string>, kMaxN> seen;
    for (const auto& ref : items[i].refs) {
      ref_counts[i].push_back(CountNgrams(ref));
      for (int n = 0; n < kMaxN; ++n) {
        for (const auto& [gram, c] : ref_counts[i].back()[n]) seen[n].insert(gram);
      }
    }
    for (int n = 0; n < kMaxN; ++n) {
      for (const auto& gram : seen[n]) document_frequency[n][gram] += 1;
    }
  }
  const double log_ref_len = std::log(static_cast<double>(items.size()));

  struct Vec {
    std::array<std::unordered_map<std::string, double>, kMaxN> weights;
    std::array<double, kMaxN> norm{};
    int length = 0;  // pycocoevalcap counts bigrams here ("if n == 1"), kept as is
  };
  auto counts_to_vec = [&](const NgramCounts& counts) {
    Vec v;
    for (int n = 0; n < kMaxN; ++n) {
      for (const auto& [gram, tf] : counts[n]) {
        auto it = document_frequency[n].find(gram);
        double df = std::log(std::max(1.0, it == document_frequency[n].end() ? 0.0 : it->second));
        double w = static_cast<double>(tf) * (log_ref_len - df);
        v.weights[n][gram] = w;
        v.norm[n] += w * w;
        if (n == 1) v.length += tf;
      }
      v.norm[n] = std::sqrt(v.norm[n]);
    }
    return v;
  };

  std::vector<double> scores;
  scores.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Vec hyp = counts_to_vec(hyp_counts[i]);
    std::array<double, kMaxN> score{};
    for (const auto& rc : ref_counts[i]) {
      Vec ref = counts_to_vec(rc);
      double delta = static_cast<double>(hyp.length - ref.length);
      for (int n = 0; n < kMaxN; ++n) {
        double val = 0;
        for (const auto& [gram, w] : hyp.weights[n]) {
          auto it = ref.weights[n].find(gram);
          double wr = it == ref.weights[n].end() ? 0.0 : it->second;
          val += std::min(w, wr) * wr;
        }
        // pycocoevalcap (salaniz) divides only when both norms are non-zero; 0/0 stays 0.
        if (hyp.norm[n] != 0 && ref.norm[n] != 0) val /= hyp.norm[n] * ref.norm[n];
        val *= std::pow(std::numbers::e, -(delta * delta) / (2 * sigma * sigma));
        score[n] += val;
      }
    }
    double mean = (score[0] + score[1] + score[2] + score[3]) / kMaxN;
    mean /= static_cast<double>(items[i].refs.size());
    scores.push_back(mean * 10.0);
  }
  return scores;
}

namespace {

struct Enum {
  size_t index;
  std::string word;
};
using Match = std::pair<size_t, size_t>;  // (hyp index, ref index)

// nltk/translate/meteor_score.py: _match_enums (pops matched words from both lists).
void MatchEnums(std::vector<Enum>& hyp, std::vector<Enum>& ref, std::vector<Match>& matches, size_t& count) {
  for (size_t i = hyp.size(); i-- > 0;) {
    for (size_t j = ref.size(); j-- > 0;) {
      if (hyp[i].word == ref[j].word) {
        matches.emplace_back(hyp[i].index, ref[j].index);
        hyp.erase(hyp.begin() + static_cast<std::ptrdiff_t>(i));
        ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(j));
        ++count;
        break;
      }
    }
  }
}

}  // namespace

// nltk/translate/meteor_score.py: single_meteor_score with its defaults.
MeteorDetail NltkSingleMeteor(const Tokens& ref, const Tokens& hyp, const WordNet* wordnet) {
  constexpr double kAlpha = 0.9, kBeta = 3.0, kGamma = 0.5;
  MeteorDetail detail;
  detail.hyp_len = hyp.size();
  detail.ref_len = ref.size();
  auto lower = [](std::string s) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
  };
  std::vector<Enum> h, r;
  for (size_t i = 0; i < hyp.size(); ++i) h.push_back({i, lower(hyp[i])});
  for (size_t j = 0; j < ref.size(); ++j) r.push_back({j, lower(ref[j])});
  std::vector<Match> matches;
  // 1. exact
  MatchEnums(h, r, matches, detail.exact);
  // 2. Porter stems; the stemmed words stay in the lists for the next stage (as in NLTK)
  for (auto& e : h) e.word = PorterStem(e.word);
  for (auto& e : r) e.word = PorterStem(e.word);
  MatchEnums(h, r, matches, detail.stem);
  // 3. WordNet synonyms of the (stemmed) hypothesis word: lemma names without '_'
  if (wordnet != nullptr) {
    for (size_t i = h.size(); i-- > 0;) {
      std::unordered_set<std::string> synonyms;
      for (auto& name : wordnet->SynsetLemmaNames(h[i].word)) {
        if (name.find('_') == std::string::npos) synonyms.insert(std::move(name));
      }
      synonyms.insert(h[i].word);
      for (size_t j = r.size(); j-- > 0;) {
        if (synonyms.count(r[j].word)) {
          matches.emplace_back(h[i].index, r[j].index);
          h.erase(h.begin() + static_cast<std::ptrdiff_t>(i));
          r.erase(r.begin() + static_cast<std::ptrdiff_t>(j));
          ++detail.synonym;
          break;
        }
      }
    }
  }
  std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) { return a.first < b.first; });
  detail.matches = matches.size();
  if (matches.empty() || hyp.empty() || ref.empty()) return detail;  // NLTK: ZeroDivision -> 0
  // _count_chunks
  size_t chunks = 1;
  for (size_t i = 0; i + 1 < matches.size(); ++i) {
    if (!(matches[i + 1].first == matches[i].first + 1 && matches[i + 1].second == matches[i].second + 1)) {
      ++chunks;
    }
  }
  detail.chunks = chunks;
  double m = static_cast<double>(matches.size());
  double precision = m / static_cast<double>(hyp.size());
  double recall = m / static_cast<double>(ref.size());
  double fmean = (precision * recall) / (kAlpha * precision + (1 - kAlpha) * recall);
  double frag_frac = static_cast<double>(chunks) / m;
  double penalty = kGamma * std::pow(frag_frac, kBeta);
  detail.score = (1 - penalty) * fmean;
  return detail;
}

double NltkMeteor(const std::vector<Tokens>& refs, const Tokens& hyp, const WordNet* wordnet) {
  double best = 0;
  for (const auto& ref : refs) best = std::max(best, NltkSingleMeteor(ref, hyp, wordnet).score);
  return best;
}

}  // namespace georune::eval::internal
