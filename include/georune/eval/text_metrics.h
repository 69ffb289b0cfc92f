// Text metrics for generated answers and captions: BLEU-1..4, METEOR, ROUGE-L, CIDEr(-D),
// exact match, and classification accuracy overall and per class.
//
// Two modes reproduce two published evaluation scripts (docs/metrics.md has the details and
// hand-derived examples):
//  - kCoco: pycocoevalcap. PTBTokenizer-style tokens (lower-case, punctuation removed as
//    pycocoevalcap removes it); corpus BLEU with the closest-reference-length brevity penalty
//    and its tiny smoothing constants; ROUGE-L with beta = 1.2; CIDEr-D (IDF from the
//    references, sigma = 6, clipped counts, x10). METEOR is this project's own (the NLTK
//    algorithm below), since pycocoevalcap's is a Java jar (METEOR 1.5).
//  - kRsrag: the RS-RAG evaluation script. Whitespace tokens; NLTK sentence_bleu with
//    SmoothingFunction().method1 averaged over items; NLTK meteor_score (exact, Porter stem and
//    WordNet synonym matching, alpha 0.9, beta 3, gamma 0.5); rouge_score ROUGE-L F-measure
//    (beta 1; lower-case, non-alphanumerics to spaces, Porter stems as use_stemmer=True); CIDEr
//    as the script computes it, i.e. pycocoevalcap's Cider (which is CIDEr-D) on whitespace
//    tokens with case kept.
//
// All scores are fractions in [0, 1] except CIDEr-D, which is x10 and so lies in [0, 10].
// Thread safety: all functions are thread-safe. The WordNet database is loaded once per
// process (lazily, guarded) and then read-only.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune::eval {

enum class MetricsMode { kCoco, kRsrag };

// "coco" or "rsrag" -> mode; anything else is kInvalidInput with a hint.
Result<MetricsMode> ParseMetricsMode(const std::string& name);
const char* MetricsModeName(MetricsMode mode);

struct TextMetricsOptions {
  // Folder with WordNet's index.* / data.* / *.exc files (Debian's wordnet-base). Used by
  // METEOR's synonym stage. If the folder does not hold WordNet, ScoreCorpus fails with
  // kNotFound rather than silently scoring without synonyms; set `use_wordnet` to false to
  // score METEOR with exact and stem matching only (TextScores::meteor_synonyms says which).
  std::string wordnet_dir = "/usr/share/wordnet";
  bool use_wordnet = true;
};

// Scores of one item (one hypothesis against its references).
//  - kCoco: bleu[] is pycocoevalcap's corpus formula applied to this item alone (its
//    brevity penalty and tiny smoothing); the corpus BLEU is NOT the mean of these. meteor,
//    rouge_l and cider are exactly the values the corpus means average.
//  - kRsrag: every field is the per-item value that the corpus score averages.
struct ItemScores {
  std::array<double, 4> bleu{};
  double meteor = 0;
  double rouge_l = 0;
  double cider = 0;
  bool exact_match = false;  // normalised hypothesis equals a normalised reference
};

struct TextScores {
  MetricsMode mode = MetricsMode::kCoco;
  size_t n = 0;                                // number of scored items (= hyps.size())
  std::array<double, 4> bleu{};                // kCoco: corpus BLEU; kRsrag: mean sentence BLEU
  double meteor = 0;                           // mean over items
  double rouge_l = 0;                          // mean over items
  double cider = 0;                            // CIDEr-D (x10), mean over items
  double exact_match = 0;                      // fraction of items with exact_match
  bool meteor_synonyms = false;                // whether METEOR's WordNet stage ran
  std::map<std::string, ItemScores> per_item;  // keyed by item id
};

// Scores hypotheses against references. Every hypothesis id must have at least one reference
// (otherwise kInvalidInput naming the id); references without a hypothesis are ignored, and so
// do not enter CIDEr's IDF either (as pycocoevalcap, which only sees the scored ids).
// A hypothesis or reference may be empty (scores 0 where the metric is undefined).
// On empty `hyps`: kInvalidInput ("no hypotheses to score").
Result<TextScores> ScoreCorpus(const std::map<std::string, std::vector<std::string>>& refs,
                               const std::map<std::string, std::string>& hyps, MetricsMode mode,
                               const TextMetricsOptions& options = {});

// Normalisation used by exact match and classification: lower-case, ASCII punctuation removed,
// the articles "a", "an", "the" removed, whitespace collapsed (SQuAD's normalize_answer).
std::string NormalizeAnswer(const std::string& text);

struct ClassCount {
  size_t correct = 0;
  size_t total = 0;     // items whose gold label is this class
  double accuracy = 0;  // correct / total (per-class recall); 0 when total == 0
};

struct ClassificationScores {
  size_t correct = 0;
  size_t total = 0;
  double accuracy = 0;                          // correct / total over all gold items
  double mean_class_accuracy = 0;               // unweighted mean of per_class accuracy
  std::map<std::string, ClassCount> per_class;  // keyed by normalised gold label
};

// Compares predicted labels with gold labels after NormalizeAnswer. Every gold id counts; a gold
// id without a prediction counts as wrong. A predicted id without a gold label is kInvalidInput.
// On empty `gold`: kInvalidInput.
Result<ClassificationScores> ClassificationAccuracy(const std::map<std::string, std::string>& gold,
                                                    const std::map<std::string, std::string>& predicted);

// ---- Building blocks, exposed for tests and for other scorers ----

// pycocoevalcap's PTBTokenizer as used on captions: lower-case, PTB-split, and drop the
// punctuation tokens pycocoevalcap drops. Returns the tokens.
std::vector<std::string> CocoTokenize(const std::string& text);
// Whitespace tokens, unchanged (the RS-RAG script's str.split()).
std::vector<std::string> WhitespaceTokenize(const std::string& text);
// rouge_score's DefaultTokenizer: lower-case, non-[a-z0-9] to spaces, split, and with
// `use_stemmer` (as the RS-RAG script sets it) PorterStem on tokens longer than 3 characters.
std::vector<std::string> RougeScoreTokenize(const std::string& text, bool use_stemmer = true);

// NLTK's PorterStemmer (mode NLTK_EXTENSIONS) on one lower-case word.
std::string PorterStem(const std::string& word);

}  // namespace georune::eval
