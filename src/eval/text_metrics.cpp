// ScoreCorpus and ClassificationAccuracy (text_metrics.h): tokenise per mode, run the scorers of
// text_metrics_internal.h, average.
#include "georune/eval/text_metrics.h"

#include <cctype>
#include <string_view>

#include "eval/text_metrics_internal.h"
#include "georune/common/wordnet.h"

namespace georune::eval {
namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Python's str.split(): runs of whitespace separate, none at the ends.
std::vector<std::string> SplitWhitespace(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Tokens pycocoevalcap's tokenizer.py drops after PTBTokenizer (lower-cased forms).
bool IsCocoPunctuation(std::string_view t) {
  static const char* const kPunctuations[] = {"''", "'", "``", "`", "-lrb-", "-rrb-", "-lcb-", "-rcb-", ".",
                                              "?",  "!", ",",  ":", "-",     "--",    "...",   ";"};
  for (const char* p : kPunctuations) {
    if (t == p) return true;
  }
  return false;
}

// PTB-style splitting of one whitespace-free, lower-cased chunk.
void PtbSplitChunk(std::string_view chunk, std::vector<std::string>& out) {
  std::vector<std::string> tail;  // trailing tokens, in reverse order
  // Leading punctuation.
  while (!chunk.empty()) {
    char c = chunk.front();
    if (c == '"') {
      out.emplace_back("``");
    } else if (c == '`' || c == '\'') {
      out.emplace_back("`");
    } else if (c == '(') {
      out.emplace_back("-lrb-");
    } else if (c == '[') {
      out.emplace_back("-lsb-");
    } else if (c == '{') {
      out.emplace_back("-lcb-");
    } else if (c == '$' || c == '#') {
      out.emplace_back(1, c);
    } else {
      break;
    }
    chunk.remove_prefix(1);
  }
  // Trailing punctuation.
  while (!chunk.empty()) {
    char c = chunk.back();
    if (EndsWith(chunk, "...")) {
      tail.emplace_back("...");
      chunk.remove_suffix(3);
      continue;
    }
    if (c == '.') {
      // Keep the period of an abbreviation with internal periods ("u.s.").
      std::string_view core = chunk.substr(0, chunk.size() - 1);
      bool abbreviation = core.find('.') != std::string_view::npos;
      for (char a : core) abbreviation = abbreviation && (std::isalpha(static_cast<unsigned char>(a)) || a == '.');
      if (abbreviation) break;
      tail.emplace_back(".");
    } else if (c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '%') {
      tail.emplace_back(1, c);
    } else if (c == '"') {
      tail.emplace_back("''");
    } else if (c == '\'') {
      // A trailing apostrophe after s ("dogs'") is PTB's possessive; either way a token "'".
      tail.emplace_back("'");
    } else if (c == ')') {
      tail.emplace_back("-rrb-");
    } else if (c == ']') {
      tail.emplace_back("-rsb-");
    } else if (c == '}') {
      tail.emplace_back("-rcb-");
    } else {
      break;
    }
    chunk.remove_suffix(1);
  }
  // Clitics.
  if (!chunk.empty()) {
    static const char* const kClitics[] = {"n't", "'s", "'re", "'ve", "'ll", "'d", "'m"};
    for (const char* clitic : kClitics) {
      std::string_view cl(clitic);
      if (chunk.size() > cl.size() && EndsWith(chunk, cl)) {
        tail.emplace_back(cl);
        chunk.remove_suffix(cl.size());
        break;
      }
    }
  }
  // Internal "--" separates words.
  while (!chunk.empty()) {
    size_t dash = chunk.find("--");
    if (dash == std::string_view::npos) {
      out.emplace_back(chunk);
      break;
    }
    if (dash > 0) out.emplace_back(chunk.substr(0, dash));
    out.emplace_back("--");
    chunk.remove_prefix(dash + 2);
  }
  out.insert(out.end(), tail.rbegin(), tail.rend());
}

}  // namespace

Result<MetricsMode> ParseMetricsMode(const std::string& name) {
  if (name == "coco") return MetricsMode::kCoco;
  if (name == "rsrag") return MetricsMode::kRsrag;
  return Status::InvalidInput("unknown metrics mode '" + name +
                              "' (hint: use 'coco' for pycocoevalcap or 'rsrag' for the RS-RAG "
                              "evaluation script)");
}

const char* MetricsModeName(MetricsMode mode) { return mode == MetricsMode::kCoco ? "coco" : "rsrag"; }

std::vector<std::string> WhitespaceTokenize(const std::string& text) { return SplitWhitespace(text); }

std::vector<std::string> CocoTokenize(const std::string& text) {
  std::vector<std::string> raw;
  for (const auto& chunk : SplitWhitespace(AsciiLower(text))) PtbSplitChunk(chunk, raw);
  std::vector<std::string> tokens;
  for (auto& t : raw) {
    if (!IsCocoPunctuation(t)) tokens.push_back(std::move(t));
  }
  return tokens;
}

std::vector<std::string> RougeScoreTokenize(const std::string& text, bool use_stemmer) {
  std::string cleaned = AsciiLower(text);
  for (char& c : cleaned) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = ' ';
  }
  std::vector<std::string> tokens = SplitWhitespace(cleaned);
  if (use_stemmer) {
    for (auto& t : tokens) {
      if (t.size() > 3) t = PorterStem(t);
    }
  }
  std::vector<std::string> valid;
  for (auto& t : tokens) {
    if (!t.empty()) valid.push_back(std::move(t));
  }
  return valid;
}

std::string NormalizeAnswer(const std::string& text) {
  std::string lower = AsciiLower(text);
  std::string no_punct;
  for (char c : lower) {
    if (!std::ispunct(static_cast<unsigned char>(c))) no_punct += c;
  }
  std::string out;
  for (const auto& word : SplitWhitespace(no_punct)) {
    if (word == "a" || word == "an" || word == "the") continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

Result<TextScores> ScoreCorpus(const std::map<std::string, std::vector<std::string>>& refs,
                               const std::map<std::string, std::string>& hyps, MetricsMode mode,
                               const TextMetricsOptions& options) {
  if (hyps.empty()) {
    return Status::InvalidInput("no hypotheses to score (hint: give at least one hypothesis)");
  }
  for (const auto& [id, hyp] : hyps) {
    auto it = refs.find(id);
    if (it == refs.end() || it->second.empty()) {
      return Status::InvalidInput("hypothesis '" + id +
                                  "' has no reference (hint: every hypothesis id needs at least "
                                  "one reference with the same id)");
    }
  }
  const WordNet* wordnet = nullptr;
  if (options.use_wordnet) {
    GEORUNE_ASSIGN_OR_RETURN(wordnet, WordNet::Shared(options.wordnet_dir));
  }

  TextScores scores;
  scores.mode = mode;
  scores.n = hyps.size();
  scores.meteor_synonyms = wordnet != nullptr;

  std::vector<internal::TokenizedItem> items;
  items.reserve(hyps.size());
  auto tokenize = mode == MetricsMode::kCoco ? CocoTokenize : WhitespaceTokenize;
  for (const auto& [id, hyp] : hyps) {
    internal::TokenizedItem item;
    item.hyp = tokenize(hyp);
    for (const auto& ref : refs.at(id)) item.refs.push_back(tokenize(ref));
    items.push_back(std::move(item));
  }

  std::vector<double> cider = internal::CiderD(items);
  if (mode == MetricsMode::kCoco) scores.bleu = internal::CocoCorpusBleu(items);

  static constexpr std::array<std::array<double, 4>, 4> kNltkWeights = {{
      {1, 0, 0, 0},
      {0.5, 0.5, 0, 0},
      {0.33, 0.33, 0.33, 0},  // as the RS-RAG script writes BLEU-3 (weights sum to 0.99)
      {0.25, 0.25, 0.25, 0.25},
  }};

  size_t i = 0;
  double exact_sum = 0;
  for (const auto& [id, hyp] : hyps) {
    const auto& item = items[i];
    const auto& item_refs = refs.at(id);
    ItemScores s;
    s.cider = cider[i];
    s.meteor = internal::NltkMeteor(item.refs, item.hyp, wordnet);
    if (mode == MetricsMode::kCoco) {
      s.bleu = internal::CocoCorpusBleu({item});
      s.rouge_l = internal::CocoRougeL(item.refs, item.hyp);
    } else {
      for (int k = 0; k < 4; ++k) s.bleu[k] = internal::NltkSentenceBleu(item.refs, item.hyp, kNltkWeights[k]);
      std::vector<internal::Tokens> rouge_refs;
      for (const auto& ref : item_refs) rouge_refs.push_back(RougeScoreTokenize(ref, true));
      s.rouge_l = internal::RougeScoreL(rouge_refs, RougeScoreTokenize(hyp, true));
    }
    std::string normalized_hyp = NormalizeAnswer(hyp);
    for (const auto& ref : item_refs) {
      if (NormalizeAnswer(ref) == normalized_hyp) s.exact_match = true;
    }
    if (mode == MetricsMode::kRsrag) {
      for (int k = 0; k < 4; ++k) scores.bleu[k] += s.bleu[k];
    }
    scores.meteor += s.meteor;
    scores.rouge_l += s.rouge_l;
    scores.cider += s.cider;
    exact_sum += s.exact_match ? 1 : 0;
    scores.per_item.emplace(id, s);
    ++i;
  }
  const double n = static_cast<double>(hyps.size());
  if (mode == MetricsMode::kRsrag) {
    for (auto& b : scores.bleu) b /= n;
  }
  scores.meteor /= n;
  scores.rouge_l /= n;
  scores.cider /= n;
  scores.exact_match = exact_sum / n;
  return scores;
}

Result<ClassificationScores> ClassificationAccuracy(const std::map<std::string, std::string>& gold,
                                                    const std::map<std::string, std::string>& predicted) {
  if (gold.empty()) {
    return Status::InvalidInput("no gold labels to compare with (hint: give at least one item)");
  }
  for (const auto& [id, label] : predicted) {
    if (!gold.count(id)) {
      return Status::InvalidInput("prediction '" + id +
                                  "' has no gold label (hint: predictions and gold labels must "
                                  "use the same ids)");
    }
  }
  ClassificationScores scores;
  for (const auto& [id, label] : gold) {
    std::string gold_label = NormalizeAnswer(label);
    auto& cls = scores.per_class[gold_label];
    ++cls.total;
    ++scores.total;
    auto it = predicted.find(id);
    if (it != predicted.end() && NormalizeAnswer(it->second) == gold_label) {
      ++cls.correct;
      ++scores.correct;
    }
  }
  double class_sum = 0;
  for (auto& [name, cls] : scores.per_class) {
    cls.accuracy = cls.total ? static_cast<double>(cls.correct) / cls.total : 0.0;
    class_sum += cls.accuracy;
  }
  scores.accuracy = static_cast<double>(scores.correct) / scores.total;
  scores.mean_class_accuracy = class_sum / scores.per_class.size();
  return scores;
}

}  // namespace georune::eval
