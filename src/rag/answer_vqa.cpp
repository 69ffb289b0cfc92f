// The vqa answerer: which landmark (by name), which field (by the lexicon), or a structured
// question, or abstention. Contract in answer.h.
#include <algorithm>
#include <map>
#include <set>

#include "answer_parts.h"
#include "georune/embed/text_tokens.h"
#include "georune/rag/field_lexicon.h"
#include "georune/rag/land_cover.h"
#include "georune/rag/structured_query.h"
#include "georune/rag/text_fold.h"

namespace georune::rag {
namespace {

std::optional<double> RetrievalScore(const std::vector<Retrieved>& retrieved, const std::string& id) {
  std::optional<double> best;
  for (const auto& r : retrieved) {
    if (r.record_id == id && (!best || r.score > *best)) best = r.score;
  }
  return best;
}

AnswerSource SourceOf(const Record& rec, const NameMatch& m, const std::vector<Retrieved>& retrieved) {
  return {rec.id, rec.name, "", "", m.score, RetrievalScore(retrieved, rec.id)};
}

// A variable named by its code ("ALBEDO", "LST_Day_1km"): the longest whose tokens occur
// consecutively in the question.
std::string VariableByCode(const std::map<std::string, std::string>& vars, const std::vector<std::string>& tokens) {
  std::string best;
  size_t best_len = 0;
  for (const auto& [k, v] : vars) {
    std::string base = k.substr(0, k.find('('));
    const auto base_tokens = embed::LowercaseWords(base);
    if (base_tokens.empty()) continue;
    for (size_t i = 0; i + base_tokens.size() <= tokens.size(); ++i) {
      if (std::equal(base_tokens.begin(), base_tokens.end(), tokens.begin() + long(i))) {
        if (base.size() > best_len) best = k, best_len = base.size();
        break;
      }
    }
  }
  return best;
}

std::string ShortKey(const std::string& key) { return key.substr(0, key.find('(')); }

// The month named in the question's tokens ("" when none).
std::string MonthIn(const std::vector<std::string>& tokens) {
  static const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                  "july",    "august",   "september", "october", "november", "december"};
  std::string month;
  for (const char* m : kMonths) {
    if (std::find(tokens.begin(), tokens.end(), m) != tokens.end()) month = m;
  }
  return month;
}

// A variable named by code, for a month when one is named and the record has it. A code that
// is also an everyday word for a quantity with a better source ("precipitation" after
// PRECTOTLAND) is left to the lexicon.
bool AnswerByCode(const Record& rec, const std::vector<std::string>& tokens, const Sense* sense, ExtractiveAnswer* a) {
  auto second_source = [&](const std::string& var) {
    if (!sense) return false;
    const auto& keys = sense->keys;
    return std::find(keys.begin() + 1, keys.end(), ShortKey(var)) != keys.end();
  };
  if (const std::string month = MonthIn(tokens); !month.empty()) {
    for (const auto& [mkey, vars] : rec.monthly) {
      if (Fold(mkey).find(month) == std::string::npos) continue;
      if (const std::string var = VariableByCode(vars, tokens); !var.empty()) {
        a->answer = RenderLandCover(ShortKey(var), vars.at(var));
        a->field = var + "@" + mkey;
        return true;
      }
    }
  }
  if (const std::string var = VariableByCode(rec.variables, tokens); !var.empty() && !second_source(var)) {
    a->answer = RenderLandCover(ShortKey(var), rec.variables.at(var));
    a->field = var;
    return true;
  }
  return false;
}

// "The <label> (<CODE>) is <value>." plus a second source of the same quantity.
std::string VariableSentence(const Sense& s, const std::vector<FieldValue>& values) {
  std::string out = "The " + s.label + " (" + ShortKey(values[0].key) + ") is " + values[0].value;
  for (size_t i = 1; i < values.size(); ++i) out += "; " + ShortKey(values[i].key) + " gives " + values[i].value;
  return out + ".";
}

std::set<std::string> TermSet(std::string_view text) {
  const auto terms = embed::IndexTerms(text);
  return {terms.begin(), terms.end()};
}

// How many distinct index terms of `sentence` the question has.
double Overlap(const std::set<std::string>& question_terms, const std::string& sentence) {
  double overlap = 0;
  for (const auto& t : TermSet(sentence)) overlap += double(question_terms.count(t));
  return overlap;
}

// The sentence of the record's text sharing most terms with the question.
std::string BestSentence(const KnowledgeBase& kb, const std::string& record_id, std::string_view question) {
  const std::set<std::string> q = TermSet(question);
  std::string best;
  double best_overlap = -1;
  for (const auto& c : kb.chunks()) {
    if (c.record_id != record_id) continue;
    for (const auto& s : Sentences(c.text)) {
      if (const double o = Overlap(q, s); o > best_overlap) best_overlap = o, best = s;
    }
  }
  return best;
}

// The question's lexicon tokens without the landmark's window.
std::vector<std::string> WithoutName(std::string_view question, const NameMatch& m) {
  auto tokens = LexiconTokens(question);
  if (m.begin + m.count <= tokens.size())
    tokens.erase(tokens.begin() + long(m.begin), tokens.begin() + long(m.begin + m.count));
  return tokens;
}

ExtractiveAnswer AnswerForRecord(const KnowledgeBase& kb, const Record& rec, const NameMatch& m,
                                 const std::vector<Retrieved>& retrieved, std::string_view question) {
  ExtractiveAnswer a;
  a.record_id = rec.id;
  AnswerSource src = SourceOf(rec, m, retrieved);
  const auto rest = WithoutName(question, m);
  const Sense* sense = DetectSense(rest);
  if (AnswerByCode(rec, embed::LowercaseWords(std::string(question)), sense, &a)) {
    a.looked_for = rec.name + ": " + a.field;
    src.value = a.answer;
  } else if (sense) {
    const auto values = ValuesOf(rec, *sense);
    a.looked_for = rec.name + ": " + sense->label + " (" + sense->keys[0] + ")";
    if (values.empty()) {
      a.status = AnswerStatus::kNotFound;
      a.field = sense->keys[0];
      a.answer =
          "Not found: " + rec.name + " has no " + sense->label + " (" + sense->keys[0] + ") in the knowledge base.";
    } else {
      a.field = values[0].key;
      a.answer = sense->kind == SenseKind::kField ? values[0].value : VariableSentence(*sense, values);
      src.value = values[0].value;
      for (size_t i = 1; i < values.size(); ++i) {
        AnswerSource more = src;
        more.field = values[i].key;
        more.value = values[i].value;
        a.sources.push_back(more);
      }
    }
  } else {
    a.answer = BestSentence(kb, rec.id, question);
    a.looked_for = rec.name;
    src.value = a.answer;
  }
  src.field = a.field;
  a.sources.insert(a.sources.begin(), src);
  return a;
}

ExtractiveAnswer Ambiguous(const KnowledgeBase& kb, const LandmarkLookup& found,
                           const std::vector<Retrieved>& retrieved, std::string_view question) {
  ExtractiveAnswer a;
  a.status = AnswerStatus::kAmbiguous;
  a.answer = "Ambiguous: the question fits " + std::to_string(found.best.size()) + " landmarks equally:";
  std::string names;
  for (size_t i = 0; i < found.best.size(); ++i) {
    const Record& rec = kb.records()[size_t(found.best[i].record)];
    const ExtractiveAnswer one = AnswerForRecord(kb, rec, found.best[i], retrieved, question);
    a.answer += (i ? "; " : " ") + rec.name + " (" + one.answer + ")";
    names += (i ? ", " : "") + rec.name;
    a.sources.push_back(one.sources.front());
  }
  a.looked_for = "one landmark among " + names;
  return a;
}

ExtractiveAnswer NotFound(const KnowledgeBase& kb, const LandmarkLookup& found, const std::string& phrase,
                          const Sense* sense, double threshold) {
  ExtractiveAnswer a;
  a.status = AnswerStatus::kNotFound;
  a.looked_for = phrase.empty() ? "a landmark of the knowledge base" : "landmark \"" + phrase + "\"";
  if (sense) a.looked_for += ", " + sense->label + " (" + sense->keys[0] + ")";
  a.answer = "Not found: no landmark of the knowledge base matches " +
             (phrase.empty() ? std::string("the question") : "\"" + phrase + "\"") + ".";
  if (found.closest.record >= 0) {
    const Record& rec = kb.records()[size_t(found.closest.record)];
    a.answer += " Closest name: " + rec.name + " (similarity " + std::to_string(found.closest.score).substr(0, 4) +
                ", below the threshold " + std::to_string(threshold).substr(0, 4) + ").";
  }
  return a;
}

// Generic documents: the retrieved sentence sharing most terms with the question.
ExtractiveAnswer RetrievedSentence(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                                   std::string_view question) {
  ExtractiveAnswer a;
  const std::set<std::string> qterms = TermSet(question);
  double best = -1;
  for (size_t i = 0; i < retrieved.size() && i < 3; ++i) {
    for (const auto& s : Sentences(kb.chunks()[retrieved[i].chunk].text)) {
      const double score = Overlap(qterms, s) - 0.1 * double(i);
      if (score > best) best = score, a.answer = s, a.record_id = retrieved[i].record_id;
    }
  }
  if (a.record_id.empty()) {
    a.status = AnswerStatus::kNotFound;
    a.looked_for = std::string(question);
    a.answer = "Not found: nothing in the knowledge base matches the question.";
    return a;
  }
  const Record& rec = kb.records()[size_t(kb.RecordIndex(a.record_id))];
  a.looked_for = "the sentence closest to the question";
  a.sources.push_back({rec.id, rec.name, "", a.answer, 0, RetrievalScore(retrieved, rec.id)});
  return a;
}

}  // namespace

ExtractiveAnswer AnswerVqa(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, std::string_view question,
                           const AnswerOptions& options) {
  const auto index = options.names ? options.names : std::make_shared<const LandmarkIndex>(kb.records());
  const LandmarkLookup found = index->Find(question, options.name_threshold);
  if (found.best.size() > 1) return Ambiguous(kb, found, retrieved, question);
  if (found.best.size() == 1) {
    const Record& rec = kb.records()[size_t(found.best[0].record)];
    return AnswerForRecord(kb, rec, found.best[0], retrieved, question);
  }
  if (auto structured = ParseStructured(kb, question)) return AnswerStructured(kb, *structured, options);
  const std::string phrase = NamedPhrase(question);
  const Sense* sense = DetectSense(LexiconTokens(question));
  if (!phrase.empty() || sense) return NotFound(kb, found, phrase, sense, options.name_threshold);
  return RetrievedSentence(kb, retrieved, question);
}

}  // namespace georune::rag
