// NLTK's PorterStemmer in its default mode, NLTK_EXTENSIONS (nltk/stem/porter.py, NLTK 3.x).
// Rule lists and their order follow NLTK, including its departures from Porter (1980): the
// irregular-forms pool, words of one or two letters left alone, 'ies'/'ied' on four-letter
// words, y -> i only after a consonant, 'bli' -> 'ble', 'alli' first, 'fulli', 'logi', and the
// two-letter *o condition. NLTK's rule application: the first rule whose suffix matches decides;
// if its condition fails, no later rule of that step is tried.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "georune/eval/text_metrics.h"

namespace georune::eval {
namespace {

bool IsConsonant(const std::string& word, size_t i) {
  char c = word[i];
  if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
  if (c == 'y') return i == 0 ? true : !IsConsonant(word, i - 1);
  return true;
}

int Measure(const std::string& stem) {
  // Count "vc" in the consonant/vowel pattern.
  int m = 0;
  for (size_t i = 0; i + 1 < stem.size(); ++i) {
    if (!IsConsonant(stem, i) && IsConsonant(stem, i + 1)) ++m;
  }
  return m;
}

bool ContainsVowel(const std::string& stem) {
  for (size_t i = 0; i < stem.size(); ++i) {
    if (!IsConsonant(stem, i)) return true;
  }
  return false;
}

bool EndsDoubleConsonant(const std::string& word) {
  size_t n = word.size();
  return n >= 2 && word[n - 1] == word[n - 2] && IsConsonant(word, n - 1);
}

bool EndsCvc(const std::string& word) {
  size_t n = word.size();
  if (n >= 3 && IsConsonant(word, n - 3) && !IsConsonant(word, n - 2) && IsConsonant(word, n - 1) &&
      word[n - 1] != 'w' && word[n - 1] != 'x' && word[n - 1] != 'y') {
    return true;
  }
  return n == 2 && !IsConsonant(word, 0) && IsConsonant(word, 1);  // NLTK extension
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

std::string Chop(const std::string& word, std::string_view suffix) {
  return word.substr(0, word.size() - suffix.size());
}

using Condition = std::function<bool(const std::string&)>;
struct Rule {
  std::string_view suffix;  // "*d" means: ends in a double consonant
  std::string replacement;
  Condition condition;  // empty: unconditional
};

std::string ApplyRuleList(const std::string& word, const std::vector<Rule>& rules) {
  for (const auto& rule : rules) {
    if (rule.suffix == "*d" && EndsDoubleConsonant(word)) {
      std::string stem = word.substr(0, word.size() - 2);
      if (!rule.condition || rule.condition(stem)) return stem + rule.replacement;
      return word;
    }
    if (EndsWith(word, rule.suffix)) {
      std::string stem = Chop(word, rule.suffix);
      if (!rule.condition || rule.condition(stem)) return stem + rule.replacement;
      return word;
    }
  }
  return word;
}

bool PositiveMeasure(const std::string& stem) { return Measure(stem) > 0; }
bool MeasureGt1(const std::string& stem) { return Measure(stem) > 1; }

std::string Step1a(const std::string& word) {
  if (EndsWith(word, "ies") && word.size() == 4) return Chop(word, "ies") + "ie";
  return ApplyRuleList(word, {{"sses", "ss", {}}, {"ies", "i", {}}, {"ss", "ss", {}}, {"s", "", {}}});
}

std::string Step1b(const std::string& word) {
  if (EndsWith(word, "ied")) {
    return word.size() == 4 ? Chop(word, "ied") + "ie" : Chop(word, "ied") + "i";
  }
  if (EndsWith(word, "eed")) {
    std::string stem = Chop(word, "eed");
    return Measure(stem) > 0 ? stem + "ee" : word;
  }
  std::string intermediate;
  bool succeeded = false;
  for (std::string_view suffix : {std::string_view("ed"), std::string_view("ing")}) {
    if (EndsWith(word, suffix)) {
      intermediate = Chop(word, suffix);
      if (ContainsVowel(intermediate)) {
        succeeded = true;
        break;
      }
    }
  }
  if (!succeeded) return word;
  char last = intermediate.back();  // non-empty: it contains a vowel
  return ApplyRuleList(
      intermediate,
      {{"at", "ate", {}},
       {"bl", "ble", {}},
       {"iz", "ize", {}},
       {"*d", std::string(1, last), [last](const std::string&) { return last != 'l' && last != 's' && last != 'z'; }},
       {"", "e", [](const std::string& stem) { return Measure(stem) == 1 && EndsCvc(stem); }}});
}

std::string Step1c(const std::string& word) {
  return ApplyRuleList(
      word,
      {{"y", "i", [](const std::string& stem) { return stem.size() > 1 && IsConsonant(stem, stem.size() - 1); }}});
}

std::string Step2(const std::string& word) {
  if (EndsWith(word, "alli") && PositiveMeasure(Chop(word, "alli"))) {
    return Step2(Chop(word, "alli") + "al");
  }
  const Condition pos = PositiveMeasure;
  std::vector<Rule> rules = {
      {"ational", "ate", pos},
      {"tional", "tion", pos},
      {"enci", "ence", pos},
      {"anci", "ance", pos},
      {"izer", "ize", pos},
      {"bli", "ble", pos},
      {"alli", "al", pos},
      {"entli", "ent", pos},
      {"eli", "e", pos},
      {"ousli", "ous", pos},
      {"ization", "ize", pos},
      {"ation", "ate", pos},
      {"ator", "ate", pos},
      {"alism", "al", pos},
      {"iveness", "ive", pos},
      {"fulness", "ful", pos},
      {"ousness", "ous", pos},
      {"aliti", "al", pos},
      {"iviti", "ive", pos},
      {"biliti", "ble", pos},
      {"fulli", "ful", pos},
      {"logi", "log", [&word](const std::string&) { return PositiveMeasure(word.substr(0, word.size() - 3)); }},
  };
  return ApplyRuleList(word, rules);
}

std::string Step3(const std::string& word) {
  const Condition pos = PositiveMeasure;
  return ApplyRuleList(word, {{"icate", "ic", pos},
                              {"ative", "", pos},
                              {"alize", "al", pos},
                              {"iciti", "ic", pos},
                              {"ical", "ic", pos},
                              {"ful", "", pos},
                              {"ness", "", pos}});
}

std::string Step4(const std::string& word) {
  const Condition gt1 = MeasureGt1;
  return ApplyRuleList(word, {{"al", "", gt1},
                              {"ance", "", gt1},
                              {"ence", "", gt1},
                              {"er", "", gt1},
                              {"ic", "", gt1},
                              {"able", "", gt1},
                              {"ible", "", gt1},
                              {"ant", "", gt1},
                              {"ement", "", gt1},
                              {"ment", "", gt1},
                              {"ent", "", gt1},
                              {"ion", "",
                               [](const std::string& stem) {
                                 return Measure(stem) > 1 && !stem.empty() &&
                                        (stem.back() == 's' || stem.back() == 't');
                               }},
                              {"ou", "", gt1},
                              {"ism", "", gt1},
                              {"ate", "", gt1},
                              {"iti", "", gt1},
                              {"ous", "", gt1},
                              {"ive", "", gt1},
                              {"ize", "", gt1}});
}

std::string Step5a(const std::string& word) {
  if (EndsWith(word, "e")) {
    std::string stem = Chop(word, "e");
    if (Measure(stem) > 1) return stem;
    if (Measure(stem) == 1 && !EndsCvc(stem)) return stem;
  }
  return word;
}

std::string Step5b(const std::string& word) {
  return ApplyRuleList(
      word, {{"ll", "l", [&word](const std::string&) { return Measure(word.substr(0, word.size() - 1)) > 1; }}});
}

}  // namespace

std::string PorterStem(const std::string& word) {
  static const std::unordered_map<std::string, std::string> kPool = {
      {"sky", "sky"},        {"skies", "sky"},       {"dying", "die"},        {"lying", "lie"},
      {"tying", "tie"},      {"news", "news"},       {"innings", "inning"},   {"inning", "inning"},
      {"outings", "outing"}, {"outing", "outing"},   {"cannings", "canning"}, {"canning", "canning"},
      {"howe", "howe"},      {"proceed", "proceed"}, {"exceed", "exceed"},    {"succeed", "succeed"},
  };
  std::string stem = word;
  for (char& c : stem) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // NLTK looks the original word up in the pool (then returns pool[lower-cased word]).
  if (kPool.count(word)) return kPool.at(stem);
  if (word.size() <= 2) return stem;
  stem = Step1a(stem);
  stem = Step1b(stem);
  stem = Step1c(stem);
  stem = Step2(stem);
  stem = Step3(stem);
  stem = Step4(stem);
  stem = Step5a(stem);
  stem = Step5b(stem);
  return stem;
}

}  // namespace georune::eval
