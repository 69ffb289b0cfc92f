#include "georune/rag/structured_query.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include "georune/rag/text_fold.h"

namespace georune::rag {
namespace {

const std::set<std::string> kMoreWords = {"highest", "largest", "most", "greatest", "maximum", "max", "biggest", "top"};
const std::set<std::string> kLessWords = {"lowest", "smallest", "least", "minimum", "min", "fewest"};
const std::set<std::string> kListStarts = {"which", "what", "list", "name", "show", "give", "find", "all"};
const std::set<std::string> kCollective = {"landmark", "site",     "place",      "record",
                                           "location", "monument", "attraction", "one"};
const std::map<std::string, size_t> kNumbers = {{"one", 1},  {"two", 2},  {"three", 3},  {"four", 4},
                                                {"five", 5}, {"six", 6},  {"seven", 7},  {"eight", 8},
                                                {"nine", 9}, {"ten", 10}, {"twenty", 20}};

// Country aliases: each group's members all stand for the group's Area words.
const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> kAliases = {
    {{"usa", "u s", "us", "united states", "united states of america", "america"},
     {"usa", "u s", "united states", "united states of america"}},
    {{"uk", "u k", "united kingdom", "britain", "great britain"},
     {"united kingdom", "uk", "england", "scotland", "wales", "northern ireland"}},
};

bool HasTokens(const std::vector<std::string>& hay, const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), hay.begin() + long(i))) return true;
  }
  return false;
}

// The Area words a typed place stands for (itself, or an alias group's).
std::vector<std::vector<std::string>> PlaceForms(const std::string& place) {
  for (const auto& [typed, forms] : kAliases) {
    if (std::find(typed.begin(), typed.end(), place) == typed.end()) continue;
    std::vector<std::vector<std::string>> out;
    for (const auto& f : forms) out.push_back(FoldTokens(f));
    return out;
  }
  return {FoldTokens(place)};
}

bool InPlace(const Record& r, const std::string& place) {
  auto it = r.fields.find("Area");
  if (place.empty()) return true;
  if (it == r.fields.end()) return false;
  const auto area = FoldTokens(it->second);
  for (const auto& form : PlaceForms(place)) {
    if (HasTokens(area, form)) return true;
  }
  return false;
}

bool AnyInPlace(const KnowledgeBase& kb, const std::string& place) {
  return std::any_of(kb.records().begin(), kb.records().end(), [&](const Record& r) { return InPlace(r, place); });
}

// The place after "in" / "from" / "within": the longest run of tokens some Area mentions.
void ParsePlace(const KnowledgeBase& kb, const std::vector<std::string>& raw, StructuredQuery* q) {
  static const std::set<std::string> kSkip = {"the", "a", "an", "term", "terms", "total", "order"};
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != "in" && raw[i] != "from" && raw[i] != "within") continue;
    size_t b = i + 1;
    while (b < raw.size() && raw[b] == "the") ++b;
    if (b >= raw.size() || kSkip.count(raw[b]) || kNumbers.count(raw[b]) ||
        std::isdigit(static_cast<unsigned char>(raw[b][0])))
      continue;
    for (size_t len = std::min<size_t>(5, raw.size() - b); len >= 1; --len) {
      const std::string cand = JoinTokens(raw, b, len);
      if (AnyInPlace(kb, cand)) {
        q->place = cand;
        q->place_unmatched = false;
        return;
      }
    }
    if (q->place.empty()) {
      q->place = raw[b];
      q->place_unmatched = true;
    }
  }
}

void ParseCategory(const KnowledgeBase& kb, const std::vector<std::string>& tokens, StructuredQuery* q) {
  std::set<std::string> seen;
  for (const auto& r : kb.records()) {
    if (r.category.empty() || !seen.insert(r.category).second) continue;
    if (HasTokens(tokens, LexiconTokens(r.category))) q->category = r.category;
  }
}

const Sense* ImpliedSense(const std::string& word, bool* descending) {
  for (const Sense& s : FieldLexicon()) {
    if (std::count(s.more_words.begin(), s.more_words.end(), word)) {
      *descending = true;
      return &s;
    }
    if (std::count(s.less_words.begin(), s.less_words.end(), word)) {
      *descending = false;
      return &s;
    }
  }
  return nullptr;
}

size_t ParseCount(const std::vector<std::string>& raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (auto it = kNumbers.find(raw[i]); it != kNumbers.end()) return it->second;
    if (std::all_of(raw[i].begin(), raw[i].end(), ::isdigit) && raw[i].size() <= 2 && i > 0 &&
        (raw[i - 1] == "top" || raw[i - 1] == "the" || raw[i - 1] == "which" || raw[i - 1] == "list" ||
         raw[i - 1] == "name" || raw[i - 1] == "show"))
      return size_t(std::atoi(raw[i].c_str()));
  }
  return 1;
}

bool NumberOf(const Record& r, const Sense& s, const std::string& key, double* v) {
  Sense one = s;
  one.keys = {key};
  const auto values = ValuesOf(r, one);
  if (values.empty()) return false;
  if (s.kind == SenseKind::kField && key == "Physical_Area") return AreaSquareMetres(values[0].value, v);
  return NumericValue(values[0].value, v);
}

std::string Describe(const StructuredQuery& q, const AnswerOptions& o) {
  std::string d;
  const std::string cat = !q.category.empty() ? q.category : o.filter.category;
  d += cat.empty() ? "landmarks" : "records of category \"" + cat + "\"";
  if (!q.place.empty()) d += " whose Area mentions \"" + q.place + "\"";
  if (o.filter.use_box) {
    char box[128];
    std::snprintf(box, sizeof box, " inside the box %g,%g,%g,%g", o.filter.min_lat, o.filter.min_lon, o.filter.max_lat,
                  o.filter.max_lon);
    d += box;
  }
  return d;
}

std::vector<const Record*> Candidates(const KnowledgeBase& kb, const StructuredQuery& q, const AnswerOptions& o) {
  std::vector<const Record*> out;
  for (const auto& r : kb.records()) {
    const std::string cat = !q.category.empty() ? q.category : o.filter.category;
    if (!cat.empty() && Fold(r.category) != Fold(cat)) continue;
    if (!InPlace(r, q.place)) continue;
    if (o.filter.use_box && !(r.has_location && r.lat >= o.filter.min_lat && r.lat <= o.filter.max_lat &&
                              r.lon >= o.filter.min_lon && r.lon <= o.filter.max_lon))
      continue;
    out.push_back(&r);
  }
  return out;
}

std::string AreaOf(const Record& r) {
  auto it = r.fields.find("Area");
  return it == r.fields.end() ? "" : it->second;
}

ExtractiveAnswer AnswerList(const std::vector<const Record*>& found, const StructuredQuery& q, const AnswerOptions& o,
                            const std::string& what) {
  ExtractiveAnswer a;
  std::vector<const Record*> sorted = found;
  std::sort(sorted.begin(), sorted.end(), [](const Record* x, const Record* y) { return x->name < y->name; });
  a.answer = std::to_string(sorted.size()) + " " + what + ":";
  const size_t shown = std::min(sorted.size(), o.list_limit);
  for (size_t i = 0; i < shown; ++i) {
    const Record& r = *sorted[i];
    std::string field = "Area", value = AreaOf(r);
    if (q.sense) {
      const auto values = ValuesOf(r, *q.sense);
      if (!values.empty()) field = values[0].key, value = values[0].value;
    }
    a.answer += (i ? "; " : " ") + r.name + (value.empty() ? "" : " (" + value + ")");
    a.sources.push_back({r.id, r.name, field, value, 0, std::nullopt});
  }
  if (shown < sorted.size()) {
    a.answer += "; … " + std::to_string(sorted.size() - shown) + " more not shown (limit " +
                std::to_string(o.list_limit) + " items)";
  }
  a.answer += ".";
  return a;
}

struct Ranked {
  const Record* record;
  double number;
  std::string value, key;
};

std::vector<Ranked> Rank(const std::vector<const Record*>& found, const Sense& s, const std::string& key,
                         bool descending) {
  std::vector<Ranked> out;
  for (const Record* r : found) {
    double v = 0;
    if (!NumberOf(*r, s, key, &v)) continue;
    Sense one = s;
    one.keys = {key};
    const auto values = ValuesOf(*r, one);
    out.push_back({r, v, values[0].value, values[0].key});
  }
  std::stable_sort(out.begin(), out.end(), [&](const Ranked& a, const Ranked& b) {
    return descending ? a.number > b.number : a.number < b.number;
  });
  return out;
}

// The first `count` entries, and every entry tied with the last of them.
std::vector<Ranked> Top(const std::vector<Ranked>& ranked, size_t count) {
  std::vector<Ranked> out;
  for (const auto& r : ranked) {
    if (out.size() >= count && r.number != out.back().number) break;
    out.push_back(r);
  }
  return out;
}

ExtractiveAnswer AnswerSuperlative(const std::vector<const Record*>& found, const StructuredQuery& q,
                                   const AnswerOptions& o) {
  ExtractiveAnswer a;
  const Sense& s = *q.sense;
  for (size_t k = 0; k < s.keys.size(); ++k) {
    const auto ranked = Rank(found, s, s.keys[k], q.descending);
    if (ranked.empty()) continue;
    auto top = Top(ranked, std::min(q.count, o.list_limit));
    std::string line = (q.descending ? "Highest " : "Lowest ") + s.label + " (" + s.keys[k] +
                       (s.keys[k] == "Physical_Area" ? ", read as m²" : "") + ")";
    if (k > 0) line = "By " + s.keys[k] + " instead";
    line += ":";
    for (size_t i = 0; i < top.size(); ++i) {
      const Ranked& r = top[i];
      line += (i ? "; " : " ") + r.record->name + " " + r.value;
      a.sources.push_back({r.record->id, r.record->name, r.key, r.value, 0, std::nullopt});
    }
    const size_t missing = found.size() - ranked.size();
    line += " (of " + std::to_string(ranked.size()) + " " + "records with a value" +
            (missing ? ", " + std::to_string(missing) + " without" : "") + ").";
    a.answer += (a.answer.empty() ? "" : " ") + line;
  }
  return a;
}

}  // namespace

bool AreaSquareMetres(const std::string& text, double* m2) {
  static const std::regex kArea(
      R"(([0-9][0-9,]*(?:\.[0-9]+)?)\s*-?\s*(square\s+(?:metres|meters|metre|meter|kilometres|kilometers|kilometre|kilometer|miles|mile|feet|foot)|sq\.?\s*(?:mi|ft|m|km)|km²|km2|m²|m\s?2|hectares?|ha|acres?)(?![a-zA-Z]))",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_search(text, m, kArea)) return false;
  std::string num = m[1].str();
  num.erase(std::remove(num.begin(), num.end(), ','), num.end());
  const double v = std::strtod(num.c_str(), nullptr);
  std::string unit = Fold(m[2].str());
  double f = 1;
  if (unit.find("kilomet") != std::string::npos || unit == "km2" || unit == "sq km" || unit == "km") f = 1e6;
  else if (unit.find("mile") != std::string::npos || unit == "sq mi") f = 2589988.11;
  else if (unit.find("feet") != std::string::npos || unit.find("foot") != std::string::npos || unit == "sq ft")
    f = 0.09290304;
  else if (unit.starts_with("hectare") || unit == "ha") f = 1e4;
  else if (unit.starts_with("acre")) f = 4046.8564224;
  if (m[2].str().find("km") != std::string::npos) f = 1e6;
  *m2 = v * f;
  return true;
}

std::optional<StructuredQuery> ParseStructured(const KnowledgeBase& kb, std::string_view question) {
  const auto tokens = LexiconTokens(question);
  const auto raw = FoldTokens(question);
  if (tokens.empty()) return std::nullopt;
  StructuredQuery q;
  for (const auto& w : raw) {
    bool desc = true;
    if (kMoreWords.count(w) || kLessWords.count(w)) {
      q.superlative = true;
      q.descending = kMoreWords.count(w) > 0;
      q.direction_word = w;
    } else if (const Sense* implied = ImpliedSense(w, &desc)) {
      q.superlative = true;
      q.descending = desc;
      q.direction_word = w;
      q.sense = implied;
    }
  }
  if (const Sense* s = DetectSense(tokens)) {
    if (s->kind == SenseKind::kVariable || s->keys[0] == "Physical_Area") q.sense = s;
  }
  if (!q.sense && q.superlative &&
      (q.direction_word == "largest" || q.direction_word == "biggest" || q.direction_word == "smallest")) {
    bool desc = true;
    q.sense = ImpliedSense(q.direction_word, &desc);
  }
  ParseCategory(kb, tokens, &q);
  ParsePlace(kb, raw, &q);
  if (q.superlative) {
    q.count = ParseCount(raw);
    return q;
  }
  const bool list_word = kListStarts.count(raw[0]) || std::count(raw.begin(), raw.end(), "list");
  const bool collective = !q.category.empty() || std::any_of(tokens.begin(), tokens.end(), [](const std::string& t) {
    return kCollective.count(t) > 0;
  });
  const bool place_named = !q.place.empty() && !q.place_unmatched;
  if (collective && ((list_word && (!q.place.empty() || !q.category.empty())) || place_named)) return q;
  return std::nullopt;
}

ExtractiveAnswer AnswerStructured(const KnowledgeBase& kb, const StructuredQuery& q, const AnswerOptions& o) {
  const std::string what = Describe(q, o);
  ExtractiveAnswer a;
  if (q.superlative && !q.sense) {
    a.status = AnswerStatus::kNotFound;
    a.looked_for = "a quantity to order by for \"" + q.direction_word + "\"";
    a.answer = "Not found: the question asks for the " + q.direction_word +
               " but names no quantity the records hold (for example rainfall, night "
               "temperature, wind speed, soil moisture, albedo, size).";
  } else {
    const auto found = q.place_unmatched ? std::vector<const Record*>{} : Candidates(kb, q, o);
    if (q.superlative) a = AnswerSuperlative(found, q, o);
    else if (!found.empty()) a = AnswerList(found, q, o, what);
    if (a.sources.empty()) {
      a.status = AnswerStatus::kNotFound;
      a.looked_for = what + (q.superlative ? " with a value of " + q.sense->keys[0] : "");
      a.answer = "Not found: no " + a.looked_for + ".";
    }
  }
  a.structured = true;
  if (a.looked_for.empty()) a.looked_for = what;
  if (a.sources.size() == 1) {
    a.record_id = a.sources[0].record_id;
    a.field = a.sources[0].field;
  }
  return a;
}

}  // namespace georune::rag
