// Internal scorers behind ScoreCorpus (text_metrics.h), on already tokenised text. Exposed to
// this module's tests; not a public API.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "georune/common/wordnet.h"

namespace georune::eval::internal {

using Tokens = std::vector<std::string>;

// One item of a corpus: a tokenised hypothesis and its tokenised references (at least one).
struct TokenizedItem {
  Tokens hyp;
  std::vector<Tokens> refs;
};

// pycocoevalcap Bleu(4) with option "closest": corpus BLEU-1..4 over `items`.
std::array<double, 4> CocoCorpusBleu(const std::vector<TokenizedItem>& items);

// NLTK sentence_bleu(refs, hyp, weights, SmoothingFunction().method1) for 4 weights.
double NltkSentenceBleu(const std::vector<Tokens>& refs, const Tokens& hyp, const std::array<double, 4>& weights);

// pycocoevalcap Rouge: LCS-based F with beta 1.2, max precision and max recall over refs.
// Token lists are the result of str.split(" ") on the joined tokens (an empty text is [""]).
double CocoRougeL(const std::vector<Tokens>& refs, const Tokens& hyp);

// rouge_score RougeScorer(['rougeL']).score(target, prediction).fmeasure (beta 1) on tokens
// from RougeScoreTokenize; the max over references.
double RougeScoreL(const std::vector<Tokens>& refs, const Tokens& hyp);

// pycocoevalcap Cider (CIDEr-D): per-item scores (x10). IDF from the references of `items`.
std::vector<double> CiderD(const std::vector<TokenizedItem>& items, double sigma = 6.0);

// The details of one METEOR alignment, for tests and docs.
struct MeteorDetail {
  size_t matches = 0;
  size_t exact = 0, stem = 0, synonym = 0;
  size_t chunks = 0;
  size_t hyp_len = 0, ref_len = 0;
  double score = 0;
};

// NLTK single_meteor_score(ref, hyp) (alpha 0.9, beta 3, gamma 0.5; lower-cased tokens; exact,
// then Porter stem, then WordNet synonym matching; `wordnet` may be null to skip synonyms).
MeteorDetail NltkSingleMeteor(const Tokens& ref, const Tokens& hyp, const WordNet* wordnet);
// NLTK meteor_score: the max over references.
double NltkMeteor(const std::vector<Tokens>& refs, const Tokens& hyp, const WordNet* wordnet);

// LCS length of two token lists.
size_t LcsLength(const Tokens& a, const Tokens& b);

}  // namespace georune::eval::internal
