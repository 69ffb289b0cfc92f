// The built-in English → logic translator: a small deterministic grammar of image queries.
//
// Shape of what it reads (tokens are lower-cased words, numbers and commas):
//   query   := [preamble] item {connector item}          connectors: and , plus / or either
//   item    := [there is|are] np
//   np      := det noun {modifier}
//   det     := a | an | the | any | some | one | the same | N | a pair of | at least N | more
//              than N | fewer than N | at most N | exactly N | between N and M | no | every |
//              each | all | a cluster of N | a row of N | ...
//   noun    := the longest run of words the ontology resolves (class, synonym, plural, group),
//              else a WordNet synonym or hypernym of an ontology word
//   modifier:= [that|which] [is|are|verb] [not] relation np    relation np
//            | with|having|that has  [no] np [relation it | nearby | inside]
//            | without np [relation it]
//            | in a row | lined up | clustered | next to each other | parallel to each other
//            | longer than N m | larger than N m2 | less than N m apart | within N m of np
// Every word must be consumed by some rule; otherwise the translation fails with the words it
// did not understand.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "georune/common/wordnet.h"
#include "georune/nl/translator.h"

namespace georune::nl {
namespace {

using Tokens = std::vector<std::string>;

// ---------------------------------------------------------------- lexicon

struct RelPhrase {
  const char* phrase;
  const char* relation;  // canonical relation name
  bool swap = false;     // relation(object, head) instead of relation(head, object)
};

const std::vector<RelPhrase>& RelationPhrases() {
  static const std::vector<RelPhrase> k = {
      {"near", "near"}, {"near to", "near"}, {"nearby", "near"}, {"next to", "near"}, {"beside", "near"},
      {"besides", "near"}, {"adjacent to", "near"}, {"close to", "near"}, {"close by", "near"}, {"by", "near"},
      {"alongside", "near"}, {"along", "near"}, {"neighboring", "near"}, {"neighbouring", "near"}, {"bordering", "near"},
      {"around", "near"}, {"under", "near"}, {"underneath", "near"}, {"beneath", "near"}, {"at", "near"},
      {"in the vicinity of", "near"}, {"not far from", "near"}, {"near by", "near"}, {"right next to", "near"},
      {"right beside", "near"}, {"close up to", "near"}, {"adjoining", "near"}, {"touching", "near"},
      {"far from", "far"}, {"far away from", "far"}, {"away from", "far"}, {"distant from", "far"},
      {"a long way from", "far"}, {"well away from", "far"}, {"far off from", "far"},
      {"left of", "left_of"}, {"to the left of", "left_of"}, {"on the left of", "left_of"},
      {"on the left side of", "left_of"}, {"west of", "left_of"}, {"to the west of", "left_of"},
      {"on the west side of", "left_of"}, {"westward of", "left_of"},
      {"right of", "right_of"}, {"to the right of", "right_of"}, {"on the right of", "right_of"},
      {"on the right side of", "right_of"}, {"east of", "right_of"}, {"to the east of", "right_of"},
      {"on the east side of", "right_of"}, {"eastward of", "right_of"},
      {"above", "above"}, {"north of", "above"}, {"to the north of", "above"}, {"on the north side of", "above"},
      {"northward of", "above"}, {"higher than", "above"}, {"upward of", "above"},
      {"below", "below"}, {"south of", "below"}, {"to the south of", "below"}, {"on the south side of", "below"},
      {"southward of", "below"}, {"lower than", "below"},
      {"on", "on"}, {"in", "on"}, {"inside", "on"}, {"inside of", "on"}, {"within", "on"}, {"on top of", "on"},
      {"upon", "on"}, {"atop", "on"}, {"onto", "on"}, {"in the middle of", "on"}, {"at the center of", "on"},
      {"at the centre of", "on"}, {"in the center of", "on"}, {"in the centre of", "on"}, {"enclosed by", "on"},
      {"enclosed in", "on"}, {"contained in", "on"}, {"surrounded by", "on"}, {"encircled by", "on"},
      {"ringed by", "on"}, {"enclosed within", "on"}, {"on the surface of", "on"},
      {"containing", "on", true}, {"contains", "on", true}, {"contain", "on", true}, {"enclosing", "on", true},
      {"surrounding", "on", true}, {"encircling", "on", true}, {"encloses", "on", true}, {"surrounds", "on", true},
      {"overlapping", "overlaps"}, {"overlapping with", "overlaps"}, {"overlaps", "overlaps"},
      {"overlaps with", "overlaps"}, {"overlap", "overlaps"}, {"overlap with", "overlaps"},
      {"intersecting", "overlaps"}, {"intersecting with", "overlaps"}, {"intersects", "overlaps"},
      {"crossing", "overlaps"}, {"crosses", "overlaps"},
      {"parallel to", "parallel"}, {"parallel with", "parallel"}, {"parallel", "parallel"},
      {"perpendicular to", "perpendicular"}, {"perpendicular", "perpendicular"}, {"at right angles to", "perpendicular"},
      {"at a right angle to", "perpendicular"}, {"orthogonal to", "perpendicular"}, {"at 90 degrees to", "perpendicular"},
      {"larger than", "larger"}, {"bigger than", "larger"}, {"greater than", "larger"},
      {"smaller than", "smaller"}, {"tinier than", "smaller"},
  };
  return k;
}

// Words that may stand between a noun and its relation and carry no meaning of their own.
const std::unordered_set<std::string>& LinkWords() {
  static const std::unordered_set<std::string> k = {
      "that", "which", "who", "is", "are", "was", "were", "be", "being", "located", "situated", "positioned",
      "placed", "lying", "lies", "lie", "sitting", "sits", "sit", "standing", "stands", "stand", "parked", "found",
      "seen", "visible", "appearing", "appears", "directly", "immediately", "just", "both", "all", "each", "also",
      "sitting", "built", "set", "resting", "located", "positioned", "stationed", "waiting", "arranged", "lined"};
  return k;
}

// Verbs that make any spatial preposition after them mean `near` ("docked in a harbor").
const std::unordered_set<std::string>& NearVerbs() {
  static const std::unordered_set<std::string> k = {"docked", "moored", "berthed", "anchored", "tied"};
  return k;
}

const std::vector<std::pair<const char*, const char*>>& Arrangements() {
  static const std::vector<std::pair<const char*, const char*>> k = {
      {"in a row", "aligned"}, {"in a line", "aligned"}, {"in line", "aligned"}, {"lined up", "aligned"},
      {"aligned", "aligned"}, {"in a straight line", "aligned"}, {"in one line", "aligned"},
      {"arranged in a row", "aligned"}, {"arranged in a line", "aligned"}, {"forming a line", "aligned"},
      {"forming a row", "aligned"}, {"in a single row", "aligned"}, {"in a single line", "aligned"},
      {"one after another", "aligned"}, {"all aligned", "aligned"}, {"collinear", "aligned"},
      {"clustered", "clustered"}, {"clustered together", "clustered"}, {"grouped", "clustered"},
      {"grouped together", "clustered"}, {"in a cluster", "clustered"}, {"in a group", "clustered"},
      {"bunched together", "clustered"}, {"close together", "clustered"}, {"huddled together", "clustered"},
      {"packed together", "clustered"}, {"clumped together", "clustered"}, {"together", "clustered"},
      {"near each other", "clustered"}, {"near one another", "clustered"}, {"next to each other", "clustered"},
      {"next to one another", "clustered"}, {"close to each other", "clustered"},
      {"close to one another", "clustered"}, {"beside each other", "clustered"}, {"side by side", "clustered"},
      {"adjacent to each other", "clustered"}, {"adjacent", "clustered"}, {"nearby each other", "clustered"},
  };
  return k;
}

// Nouns of arrangement: "a cluster of four tanks", "a row of cars".
const std::map<std::string, std::string>& ArrangementNouns() {
  static const std::map<std::string, std::string> k = {
      {"cluster", "clustered"}, {"group", "clustered"}, {"bunch", "clustered"}, {"clump", "clustered"},
      {"row", "aligned"}, {"line", "aligned"}, {"column", "aligned"}, {"queue", "aligned"}};
  return k;
}

const std::map<std::string, long>& NumberWords() {
  static const std::map<std::string, long> k = {
      {"zero", 0}, {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7},
      {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"thirteen", 13},
      {"fourteen", 14}, {"fifteen", 15}, {"sixteen", 16}, {"seventeen", 17}, {"eighteen", 18},
      {"nineteen", 19}, {"twenty", 20}, {"thirty", 30}, {"forty", 40}, {"fifty", 50}, {"sixty", 60},
      {"seventy", 70}, {"eighty", 80}, {"ninety", 90}, {"hundred", 100}, {"dozen", 12}, {"single", 1},
      {"couple", 2}, {"pair", 2}, {"trio", 3}, {"once", 1}};
  return k;
}

struct UnitInfo {
  const char* phrase;
  const char* unit;  // spec unit
  bool area;
};
const std::vector<UnitInfo>& Units() {
  static const std::vector<UnitInfo> k = {
      {"m", "m", false}, {"meter", "m", false}, {"meters", "m", false}, {"metre", "m", false},
      {"metres", "m", false}, {"km", "km", false}, {"kilometer", "km", false}, {"kilometers", "km", false},
      {"kilometre", "km", false}, {"kilometres", "km", false}, {"px", "px", false}, {"pixel", "px", false},
      {"pixels", "px", false}, {"m2", "m2", true}, {"sq m", "m2", true}, {"sqm", "m2", true},
      {"square meter", "m2", true}, {"square meters", "m2", true}, {"square metre", "m2", true},
      {"square metres", "m2", true}, {"ha", "ha", true}, {"hectare", "ha", true}, {"hectares", "ha", true},
      {"px2", "px2", true}, {"square pixel", "px2", true}, {"square pixels", "px2", true},
      {"sq px", "px2", true}, {"degrees", "deg", false}, {"degree", "deg", false}, {"deg", "deg", false},
  };
  return k;
}

// Comparison words before a number: text → op (">", ">=", "<", "<=").
const std::vector<std::pair<const char*, const char*>>& CmpPhrases() {
  static const std::vector<std::pair<const char*, const char*>> k = {
      {"more than", ">"}, {"over", ">"}, {"greater than", ">"}, {"above", ">"}, {"larger than", ">"},
      {"bigger than", ">"}, {"longer than", ">"}, {"wider than", ">"}, {"in excess of", ">"},
      {"at least", ">="}, {"no less than", ">="}, {"not less than", ">="}, {"no fewer than", ">="},
      {"a minimum of", ">="}, {"minimum", ">="}, {"less than", "<"}, {"fewer than", "<"}, {"under", "<"},
      {"below", "<"}, {"smaller than", "<"}, {"shorter than", "<"}, {"narrower than", "<"},
      {"at most", "<="}, {"no more than", "<="}, {"not more than", "<="}, {"up to", "<="},
      {"a maximum of", "<="}, {"maximum", "<="}, {"no greater than", "<="}, {"within", "<="}};
  return k;
}

// Words dropped at the very start of a query: "show me images with ...".
const std::unordered_set<std::string>& PreambleWords() {
  static const std::unordered_set<std::string> k = {
      "show", "me", "find", "search", "for", "look", "looking", "give", "retrieve", "get", "list", "return",
      "display", "fetch", "i", "want", "need", "would", "like", "please", "images", "image", "pictures",
      "picture", "photos", "photo", "scenes", "scene", "tiles", "tile", "satellite", "aerial", "of", "with",
      "that", "which", "where", "showing", "containing", "contain", "contains", "have", "has", "having",
      "depicting", "featuring", "including", "include", "includes", "in", "there", "is", "are", "exists",
      "exist", "any", "all", "some", "the", "locate", "see", "can", "you", "shots", "views", "view", "frames"};
  return k;
}

bool IsNumberToken(const std::string& t) {
  if (t.empty()) return false;
  bool digit = false;
  for (char c : t) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (c != '.') return false;
  }
  return digit;
}

// ---------------------------------------------------------------- tokenizer

Tokens Tokenize(std::string_view text) {
  std::string s;
  s.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xB2) {  // ²
      s += '2';
      ++i;
      continue;
    }
    if (std::isalnum(c)) {
      s += static_cast<char>(std::tolower(c));
    } else if (c == '.' && i > 0 && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
               std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      s += '.';
    } else if (c == ',' || c == ';') {
      s += " , ";
    } else if (c == '\'') {
      s += '\'';
    } else {
      s += ' ';
    }
  }
  Tokens raw;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) raw.push_back(cur);
    cur.clear();
  };
  for (char c : s) {
    if (c == ' ') flush();
    else cur += c;
  }
  flush();
  Tokens out;
  for (auto& t : raw) {
    // contractions
    if (t == "there's") { out.push_back("there"); out.push_back("is"); continue; }
    if (t == "isn't") { out.push_back("is"); out.push_back("not"); continue; }
    if (t == "aren't") { out.push_back("are"); out.push_back("not"); continue; }
    if (t == "doesn't" || t == "don't") { out.push_back("not"); continue; }
    if (t == "it's") { out.push_back("it"); out.push_back("is"); continue; }
    t.erase(std::remove(t.begin(), t.end(), '\''), t.end());
    if (t.empty()) continue;
    // split "100m" / "2000m2" into number and unit
    size_t k = 0;
    while (k < t.size() && (std::isdigit(static_cast<unsigned char>(t[k])) || t[k] == '.')) ++k;
    if (k > 0 && k < t.size() && IsNumberToken(t.substr(0, k))) {
      out.push_back(t.substr(0, k));
      out.push_back(t.substr(k));
      continue;
    }
    out.push_back(t);
  }
  return out;
}

// ---------------------------------------------------------------- parse structures

enum class Det { kSome, kCount, kNo, kEvery, kAnyNeg };

struct Np {
  std::string cls;
  Det det = Det::kSome;
  int n = 1;                 // distinct entities named (kSome)
  std::string count_op;      // kCount: ">=", "<=", "="
  long count = 0;
  long count_hi = -1;        // "between N and M": M
  bool plural = false;
  std::vector<std::string> vars;
  std::vector<std::string> self;     // arrangements and pairwise atoms as templates over vars
  std::vector<std::string> own;      // formulas over this NP's vars only (metric, ...)
  std::vector<std::string> obj_vars; // variables of related kSome objects (free unless closed)
  std::vector<std::string> obj_conj; // those objects' conjuncts
  std::vector<std::string> links;    // atoms tying this NP's vars to objects
  std::vector<std::string> closed;   // closed formulas over this NP's vars (negated objects)
  std::vector<std::string> groups;   // pending arrangement relations (applied at realisation)
  std::vector<std::pair<std::string, std::string>> pair_rels;  // ("near", "") or metric (">", "30 m")
  std::vector<std::string> pair_metrics;  // e.g. "distance(%1, %2) < 30 m"
};

std::string JoinAnd(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += " AND ";
    const std::string& p = parts[i];
    bool compound = p.find(':') != std::string::npos || p.find(" OR ") != std::string::npos ||
                    p.find("->") != std::string::npos;
    bool wrapped = p.size() > 1 && p.front() == '(' && p.back() == ')';
    if (compound && !wrapped && parts.size() > 1) out += "(" + p + ")";
    else out += p;
  }
  return out;
}

std::string Exists(const std::vector<std::string>& vars, const std::vector<std::string>& conj) {
  std::string body = JoinAnd(conj);
  if (vars.empty()) return body;
  std::string v;
  for (size_t i = 0; i < vars.size(); ++i) v += (i ? ", " : "") + vars[i];
  return "exists " + v + ": " + body;
}

std::string Not(const std::string& f) { return "NOT (" + f + ")"; }

std::string Atom(const std::string& name, const std::vector<std::string>& args) {
  std::string s = name + "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
  return s + ")";
}

// WordNet as a source of extra nouns: a word the ontology does not know is mapped to an
// ontology class when one of its first noun senses, or a hypernym up to two levels above, is
// named by the ontology ("jetliner" → plane, "motorcar" → small_vehicle). Answers are cached
// per ontology and word for the process. Thread-safe.
class WordNetNouns {
 public:
  // The shared instance over WordNet::Default(); null when the WordNet files are absent.
  static const WordNetNouns* Default() {
    static const WordNetNouns* instance = []() -> const WordNetNouns* {
      auto wordnet = WordNet::Default();
      if (!wordnet.ok()) return nullptr;
      return new WordNetNouns(**wordnet);  // never freed: lives for the process, as WordNet does
    }();
    return instance;
  }

  explicit WordNetNouns(const WordNet& wordnet) : wordnet_(wordnet) {}

  // The canonical ontology class/group name a (normalised, snake_case) noun maps to.
  std::optional<std::string> MapToOntology(const std::string& word, const Ontology& ontology) const {
    const std::string key = ontology.name() + "\n" + word;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto c = cache_.find(key);
      if (c != cache_.end()) return c->second;
    }
    std::optional<std::string> result = Map(word, ontology);
    std::lock_guard<std::mutex> lock(mu_);
    cache_[key] = result;
    return result;
  }

 private:
  std::optional<std::string> Map(const std::string& word, const Ontology& ontology) const {
    if (word.size() < 3) return std::nullopt;
    // singular forms of a plural (WordNet's morphology, the regular part)
    std::vector<std::string> lemmas = {word};
    auto ends = [&](const std::string& s) {
      return word.size() > s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0;
    };
    if (ends("ies")) lemmas.push_back(word.substr(0, word.size() - 3) + "y");
    if (ends("es")) lemmas.push_back(word.substr(0, word.size() - 2));
    if (ends("s")) lemmas.push_back(word.substr(0, word.size() - 1));
    if (ends("men")) lemmas.push_back(word.substr(0, word.size() - 3) + "man");
    for (const auto& lemma : lemmas) {
      std::vector<uint32_t> senses = wordnet_.Senses(lemma, WordNetPos::kNoun);
      if (senses.size() > 3) senses.resize(3);  // the common senses only
      // breadth-first: the synset's own words, then hypernyms up to two levels
      std::deque<std::pair<uint32_t, int>> queue;
      for (uint32_t s : senses) queue.emplace_back(s, 0);
      std::set<uint32_t> seen;
      while (!queue.empty()) {
        auto [offset, depth] = queue.front();
        queue.pop_front();
        if (!seen.insert(offset).second) continue;
        auto synset = wordnet_.ReadSynset(WordNetPos::kNoun, offset);
        if (!synset.ok()) continue;
        for (std::string w : synset->words) {
          for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (auto set = ontology.Resolve(w)) return set->name;
        }
        if (depth < 2) {
          for (uint32_t h : synset->hypernyms) queue.emplace_back(h, depth + 1);
        }
      }
    }
    return std::nullopt;
  }

  const WordNet& wordnet_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::optional<std::string>> cache_;
};

class Parser {
 public:
  Parser(const Tokens& toks, const Ontology& ontology, const WordNetNouns* wordnet)
      : t_(toks), ont_(ontology), wn_(wordnet) {}

  Result<std::string> Run(std::string_view english);

 private:
  // token helpers
  bool At(size_t i, std::string_view w) const { return i < t_.size() && t_[i] == w; }
  size_t Phrase(size_t i, std::string_view phrase) const {
    size_t k = i, b = 0;
    while (b < phrase.size()) {
      size_t e = phrase.find(' ', b);
      if (e == std::string_view::npos) e = phrase.size();
      if (!At(k, phrase.substr(b, e - b))) return 0;
      ++k;
      b = e + 1;
    }
    return k - i;
  }
  void Mark(size_t p) { furthest_ = std::max(furthest_, p); }

  std::string NewVar(const std::string& cls);
  bool ParseNumber(size_t& p, long* n) const;
  bool ParseReal(size_t& p, double* v) const;
  bool ParseUnit(size_t& p, std::string* unit, bool* area) const;
  bool ParseNoun(size_t& p, std::string* cls, bool* plural);
  bool ParseDet(size_t& p, Np* np);
  bool ParseNp(size_t& p, Np* np, int depth);
  bool ParseModifier(size_t& p, Np* np, int depth);
  bool ParseRelation(size_t& p, std::string* rel, bool* swap, bool near_verb) const;
  bool ParseWith(size_t& p, Np* np, int depth);
  bool ParseMetric(size_t& p, Np* np, int depth);
  bool ParsePronounRelation(size_t& p, std::string* rel, bool* swap) const;
  void Relate(Np* head, const std::string& rel, bool swap, Np& obj);
  void RelateNegated(Np* head, const std::string& rel, bool swap, Np& obj, bool far_any);
  std::string Realize(Np& np, bool closed_scope);
  void Finish(Np& np);
  bool ParseItem(size_t& p, std::string* out);

  const Tokens& t_;
  const Ontology& ont_;
  const WordNetNouns* wn_;  // null: no WordNet widening
  std::set<std::string> used_vars_;
  size_t furthest_ = 0;
};

std::string Parser::NewVar(const std::string& cls) {
  std::string first(1, cls.empty() ? 'x' : cls[0]);
  if (!(first[0] >= 'a' && first[0] <= 'z')) first = "x";
  if (!used_vars_.count(first)) {
    used_vars_.insert(first);
    return first;
  }
  for (char c = 'a'; c <= 'z'; ++c) {
    std::string v(1, c);
    if (!used_vars_.count(v)) {
      used_vars_.insert(v);
      return v;
    }
  }
  for (int i = 1;; ++i) {
    std::string v = first + std::to_string(i);
    if (!used_vars_.count(v)) {
      used_vars_.insert(v);
      return v;
    }
  }
}

bool Parser::ParseNumber(size_t& p, long* n) const {
  if (p >= t_.size()) return false;
  const std::string& w = t_[p];
  if (IsNumberToken(w) && w.find('.') == std::string::npos) {
    long v = 0;
    auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || ptr != w.data() + w.size()) return false;
    *n = v;
    ++p;
    return true;
  }
  auto it = NumberWords().find(w);
  if (it == NumberWords().end() || w == "single" || w == "couple" || w == "pair" || w == "trio" || w == "once") {
    return false;
  }
  long v = it->second;
  size_t q = p + 1;
  // "twenty five", "twenty-five"
  if (v >= 20 && v % 10 == 0 && v < 100 && q < t_.size()) {
    auto u = NumberWords().find(t_[q]);
    if (u != NumberWords().end() && u->second >= 1 && u->second <= 9 && t_[q] != "single") {
      v += u->second;
      ++q;
    }
  }
  if (q < t_.size() && t_[q] == "hundred") {
    v *= 100;
    ++q;
  }
  *n = v;
  p = q;
  return true;
}

bool Parser::ParseReal(size_t& p, double* v) const {
  if (p < t_.size() && IsNumberToken(t_[p])) {
    auto [ptr, ec] = std::from_chars(t_[p].data(), t_[p].data() + t_[p].size(), *v);
    if (ec != std::errc()) return false;
    ++p;
    return true;
  }
  long n;
  size_t q = p;
  if (ParseNumber(q, &n)) {
    *v = static_cast<double>(n);
    p = q;
    return true;
  }
  return false;
}

bool Parser::ParseUnit(size_t& p, std::string* unit, bool* area) const {
  size_t best = 0;
  const UnitInfo* hit = nullptr;
  for (const auto& u : Units()) {
    size_t k = Phrase(p, u.phrase);
    if (k > best) {
      best = k;
      hit = &u;
    }
  }
  if (!hit) return false;
  *unit = hit->unit;
  *area = hit->area;
  p += best;
  return true;
}

bool Parser::ParseNoun(size_t& p, std::string* cls, bool* plural) {
  // Longest run of words the ontology knows.
  for (size_t len = std::min<size_t>(5, t_.size() - p); len >= 1; --len) {
    std::string w;
    for (size_t k = 0; k < len; ++k) w += (k ? "_" : "") + t_[p + k];
    if (w == "object" || w == "objects" || w == "entity" || w == "entities" || w == "thing" || w == "things") {
      *cls = "object";
      *plural = w.back() == 's';
      p += len;
      return true;
    }
    auto set = ont_.Resolve(w);
    if (set) {
      *cls = set->name;
      *plural = w.size() > 1 && w.back() == 's' && !ont_.Resolve(w.substr(0, w.size() - 1)).has_value() ? true
                : (w.back() == 's');
      p += len;
      return true;
    }
  }
  if (wn_ != nullptr) {
    for (size_t len = std::min<size_t>(3, t_.size() - p); len >= 1; --len) {
      std::string w;
      for (size_t k = 0; k < len; ++k) w += (k ? "_" : "") + t_[p + k];
      auto hit = wn_->MapToOntology(w, ont_);
      if (hit) {
        *cls = *hit;
        *plural = w.back() == 's';
        p += len;
        return true;
      }
    }
  }
  Mark(p);
  return false;
}

bool Parser::ParseDet(size_t& p, Np* np) {
  size_t k;
  long n = 0;
  for (const char* ph : {"every single", "each and every", "every", "each", "all of the", "all the", "all"}) {
    if ((k = Phrase(p, ph))) {
      np->det = Det::kEvery;
      p += k;
      return true;
    }
  }
  // between N and M
  if ((k = Phrase(p, "between"))) {
    size_t q = p + 1;
    long a, b;
    if (ParseNumber(q, &a) && (At(q, "and") || At(q, "to")) && (++q, ParseNumber(q, &b))) {
      np->det = Det::kCount;
      np->count_op = ">=";
      np->count = a;
      np->count_hi = b;
      p = q;
      return true;
    }
  }
  if ((k = Phrase(p, "from"))) {
    size_t q = p + 1;
    long a, b;
    if (ParseNumber(q, &a) && At(q, "to") && (++q, ParseNumber(q, &b))) {
      np->det = Det::kCount;
      np->count_op = ">=";
      np->count = a;
      np->count_hi = b;
      p = q;
      return true;
    }
  }
  static const std::vector<std::pair<const char*, const char*>> kCount = {
      {"at least", ">="}, {"no fewer than", ">="}, {"no less than", ">="}, {"not less than", ">="},
      {"not fewer than", ">="}, {"a minimum of", ">="}, {"more than", ">"}, {"over", ">"}, {"greater than", ">"},
      {"above", ">"}, {"in excess of", ">"}, {"fewer than", "<"}, {"less than", "<"}, {"under", "<"},
      {"at most", "<="}, {"no more than", "<="}, {"not more than", "<="}, {"up to", "<="}, {"a maximum of", "<="},
      {"exactly", "="}, {"precisely", "="}, {"only", "="}, {"just", "="}};
  for (const auto& [ph, op] : kCount) {
    if ((k = Phrase(p, ph))) {
      size_t q = p + k;
      if (ParseNumber(q, &n) || ((At(q, "a") || At(q, "an")) && (std::string(op) == "=") && (++q, n = 1, true))) {
        std::string o = op;
        if (o == ">") { o = ">="; n += 1; }
        if (o == "<") {
          if (n <= 0) return false;
          o = "<=";
          n -= 1;
        }
        if (At(q, "single")) ++q;
        np->det = Det::kCount;
        np->count_op = o;
        np->count = n;
        p = q;
        return true;
      }
    }
  }
  // negative determiners
  for (const char* ph : {"not a single", "not one", "not any", "no single", "none of the", "no", "zero", "without any",
                         "without", "not a", "not an"}) {
    if ((k = Phrase(p, ph))) {
      np->det = Det::kNo;
      p += k;
      if (At(p, "other")) ++p;
      return true;
    }
  }
  if ((k = Phrase(p, "a single")) || (k = Phrase(p, "one single")) || (k = Phrase(p, "only one")) ||
      (k = Phrase(p, "just one"))) {
    np->det = Det::kCount;
    np->count_op = "=";
    np->count = 1;
    p += k;
    return true;
  }
  for (const auto& [ph, v] : std::vector<std::pair<const char*, int>>{
           {"a pair of", 2}, {"a couple of", 2}, {"pair of", 2}, {"couple of", 2}, {"a trio of", 3},
           {"a dozen", 12}, {"both", 2}, {"twin", 2}}) {
    if ((k = Phrase(p, ph))) {
      np->det = Det::kSome;
      np->n = v;
      p += k;
      return true;
    }
  }
  for (const auto& [ph, v] : std::vector<std::pair<const char*, int>>{
           {"multiple", 2}, {"several", 3}, {"many", 3}, {"numerous", 3}, {"lots of", 3}, {"a lot of", 3},
           {"a number of", 2}, {"a few", 2}, {"some", 1}, {"plenty of", 3}}) {
    if ((k = Phrase(p, ph))) {
      np->det = v == 1 ? Det::kSome : Det::kCount;
      np->count_op = ">=";
      np->count = v;
      p += k;
      return true;
    }
  }
  // arrangement nouns: "a cluster of (four) tanks", "a row of cars"
  {
    size_t q = p;
    if (At(q, "a") || At(q, "an") || At(q, "one")) ++q;
    if (q < t_.size() && ArrangementNouns().count(t_[q]) && At(q + 1, "of")) {
      std::string rel = ArrangementNouns().at(t_[q]);
      q += 2;
      long m = 0;
      if (ParseNumber(q, &m)) {
        np->n = static_cast<int>(m);
      } else {
        np->n = rel == "aligned" ? 3 : 2;
      }
      np->det = Det::kSome;
      np->groups.push_back(rel);
      p = q;
      return true;
    }
  }
  // N or more / N or fewer
  {
    size_t q = p;
    if (ParseNumber(q, &n)) {
      if ((k = Phrase(q, "or more")) || (k = Phrase(q, "and more")) || (k = Phrase(q, "plus"))) {
        np->det = Det::kCount;
        np->count_op = ">=";
        np->count = n;
        p = q + k;
        return true;
      }
      if ((k = Phrase(q, "or fewer")) || (k = Phrase(q, "or less"))) {
        np->det = Det::kCount;
        np->count_op = "<=";
        np->count = n;
        p = q + k;
        return true;
      }
      if (n == 0) {
        np->det = Det::kNo;
      } else {
        np->det = Det::kSome;
        np->n = static_cast<int>(n);
      }
      if (n > 50) return false;
      p = q;
      return true;
    }
  }
  for (const char* ph : {"the same", "a single", "a", "an", "the", "any", "one", "another", "some", "one other"}) {
    if ((k = Phrase(p, ph))) {
      np->det = std::string(ph) == "any" ? Det::kAnyNeg : Det::kSome;  // kAnyNeg: "any" (meaning depends on context)
      np->n = 1;
      p += k;
      if (At(p, "other")) ++p;
      return true;
    }
  }
  if (At(p, "other")) ++p;
  np->det = Det::kSome;  // bare noun: "planes near a harbor"
  np->n = 1;
  return true;
}

bool Parser::ParseRelation(size_t& p, std::string* rel, bool* swap, bool near_verb) const {
  size_t best = 0;
  const RelPhrase* hit = nullptr;
  for (const auto& r : RelationPhrases()) {
    size_t k = Phrase(p, r.phrase);
    if (k > best) {
      best = k;
      hit = &r;
    }
  }
  if (!hit) return false;
  *rel = hit->relation;
  *swap = hit->swap;
  if (near_verb && (*rel == "on" || *rel == "near")) *rel = "near";
  p += best;
  return true;
}

// "on it", "next to it", "nearby", "inside", "to its left" ...: the relation of an object to the
// head of a with-phrase; `swap` false means relation(object, head).
bool Parser::ParsePronounRelation(size_t& p, std::string* rel, bool* swap) const {
  size_t k;
  for (const auto& [ph, r] : std::vector<std::pair<const char*, const char*>>{
           {"nearby", "near"}, {"close by", "near"}, {"around", "near"}, {"adjacent", "near"}, {"beside", "near"},
           {"alongside", "near"}, {"next door", "near"}, {"near", "near"}, {"close", "near"},
           {"in the vicinity", "near"}, {"inside", "on"}, {"within", "on"}, {"on top", "on"},
           {"on board", "on"}, {"in the middle", "on"}, {"in the center", "on"}, {"in the centre", "on"},
           {"to its left", "left_of"}, {"to its right", "right_of"}, {"to its north", "above"},
           {"to its south", "below"}, {"to its west", "left_of"}, {"to its east", "right_of"},
           {"on its left", "left_of"}, {"on its right", "right_of"}, {"far away", "far"}}) {
    if ((k = Phrase(p, ph))) {
      size_t q = p + k;
      // "inside it", "near it", "around it": the pronoun is optional
      if (At(q, "it") || At(q, "them") || At(q, "itself")) {
        // handled by the general form below when a preposition precedes the pronoun
      } else {
        *rel = r;
        *swap = false;
        p = q;
        return true;
      }
    }
  }
  size_t q = p;
  while (q < t_.size() && (t_[q] == "parked" || t_[q] == "sitting" || t_[q] == "lying" || t_[q] == "located" ||
                           t_[q] == "docked" || t_[q] == "moored" || t_[q] == "standing" || t_[q] == "passing" ||
                           t_[q] == "right" || t_[q] == "directly")) {
    bool nv = NearVerbs().count(t_[q]) > 0;
    ++q;
    if (nv) {
      std::string r;
      bool s;
      size_t z = q;
      if (ParseRelation(z, &r, &s, true) && (At(z, "it") || At(z, "them"))) {
        *rel = r;
        *swap = s;
        p = z + 1;
        return true;
      }
    }
  }
  std::string r;
  bool s = false;
  if (ParseRelation(q, &r, &s, false) && (At(q, "it") || At(q, "them") || At(q, "itself"))) {
    *rel = r;
    *swap = s;
    p = q + 1;
    return true;
  }
  return false;
}

void Parser::Relate(Np* head, const std::string& rel, bool swap, Np& obj) {
  // obj is a kSome NP already finished: its vars and conjuncts move into the head's objects.
  for (const auto& v : obj.vars) head->obj_vars.push_back(v);
  for (const auto& v : obj.obj_vars) head->obj_vars.push_back(v);
  head->obj_conj.push_back(Realize(obj, false));
  for (const auto& hv : head->vars) {
    for (const auto& ov : obj.vars) {
      head->links.push_back(swap ? Atom(rel, {ov, hv}) : Atom(rel, {hv, ov}));
    }
  }
}

void Parser::RelateNegated(Np* head, const std::string& rel, bool swap, Np& obj, bool far_any) {
  // "not near any harbor" → NOT exists h: harbor(h) AND near(s, h)
  // "far from any vehicle" → NOT exists v: vehicle(v) AND NOT far(v, t)
  for (const auto& hv : head->vars) {
    std::vector<std::string> conj;
    std::string inner = Realize(obj, true);  // obj closed with its own vars bound below
    std::vector<std::string> body;
    for (const auto& c : obj.vars) body.push_back(Atom(obj.cls, {c}));
    for (auto& c : obj.own) body.push_back(c);
    for (auto& c : obj.closed) body.push_back(c);
    if (!obj.obj_conj.empty()) {
      std::vector<std::string> sub = obj.obj_conj;
      for (auto& l : obj.links) sub.push_back(l);
      body.push_back(Exists(obj.obj_vars, sub));
    }
    for (const auto& ov : obj.vars) {
      std::string a = swap ? Atom(rel, {ov, hv}) : Atom(rel, {hv, ov});
      if (far_any) a = "NOT " + (swap ? Atom(rel, {hv, ov}) : Atom(rel, {ov, hv}));
      body.push_back(a);
    }
    (void)inner;
    head->closed.push_back(Not(Exists(obj.vars, body)));
  }
}

// Applies pending arrangements and pairwise relations once the NP's variables are final.
void Parser::Finish(Np& np) {
  if (np.det == Det::kCount && (!np.groups.empty() || !np.pair_rels.empty() || !np.pair_metrics.empty())) {
    // "at least three cars in a row": as many distinct entities
    np.det = Det::kSome;
    np.n = static_cast<int>(std::max<long>(np.count, 1));
    while (static_cast<int>(np.vars.size()) < np.n) np.vars.push_back(NewVar(np.cls));
  }
  for (const auto& g : np.groups) {
    if (np.vars.size() < 2) continue;
    if (g == "aligned" && np.vars.size() < 3) {
      np.own.push_back(Atom("near", {np.vars[0], np.vars[1]}));
      continue;
    }
    if (g == "clustered" && np.vars.size() == 2) {
      np.own.push_back(Atom("near", {np.vars[0], np.vars[1]}));
      continue;
    }
    np.own.push_back(Atom(g, np.vars));
  }
  np.groups.clear();
  for (const auto& [rel, unused] : np.pair_rels) {
    for (size_t i = 0; i + 1 < np.vars.size(); ++i) {
      for (size_t j = i + 1; j < np.vars.size(); ++j) {
        if (rel != "near" && j != i + 1 && rel != "parallel" && rel != "perpendicular") continue;
        np.own.push_back(Atom(rel, {np.vars[i], np.vars[j]}));
      }
    }
  }
  np.pair_rels.clear();
  for (const auto& m : np.pair_metrics) {
    for (size_t i = 0; i + 1 < np.vars.size(); ++i) {
      for (size_t j = i + 1; j < np.vars.size(); ++j) {
        std::string s = m;
        s.replace(s.find("%1"), 2, np.vars[i]);
        s.replace(s.find("%2"), 2, np.vars[j]);
        np.own.push_back(s);
      }
    }
  }
  np.pair_metrics.clear();
}

// The formula of a kSome NP as conjuncts (free variables) or, in a closed scope, existentially
// closed; the formula of a quantified NP otherwise.
std::string Parser::Realize(Np& np, bool closed_scope) {
  std::vector<std::string> conj;
  if (np.det == Det::kSome || np.det == Det::kAnyNeg) {
    if (np.vars.size() >= 2) {
      for (auto& c : np.obj_conj) conj.push_back(c);
      for (const auto& v : np.vars) conj.push_back(Atom(np.cls, {v}));
    } else {
      for (const auto& v : np.vars) conj.push_back(Atom(np.cls, {v}));
      for (auto& c : np.obj_conj) conj.push_back(c);
    }
    for (auto& c : np.own) conj.push_back(c);
    for (auto& c : np.links) conj.push_back(c);
    for (auto& c : np.closed) conj.push_back(c);
    if (!closed_scope) return JoinAnd(conj);
    std::vector<std::string> vars = np.vars;
    for (auto& v : np.obj_vars) vars.push_back(v);
    return Exists(vars, conj);
  }
  const std::string& x = np.vars[0];
  std::vector<std::string> body = {Atom(np.cls, {x})};
  for (auto& c : np.own) body.push_back(c);
  for (auto& c : np.closed) body.push_back(c);
  if (np.det == Det::kCount) {
    // Objects stay outside the count: "at least three ships near a harbor" (the same harbor).
    for (auto& c : np.links) body.push_back(c);
    std::string q;
    if (np.count_hi >= 0) {
      std::string y = NewVar(np.cls);
      std::string lo = "exists>=" + std::to_string(np.count) + " " + x + ": " + JoinAnd(body);
      std::vector<std::string> body2 = {Atom(np.cls, {y})};
      for (size_t i = 1; i < body.size(); ++i) {
        std::string b = body[i];
        // rename x to y in simple atoms
        std::string pat = "(" + x;
        for (size_t pos; (pos = b.find(pat)) != std::string::npos;) b.replace(pos, pat.size(), "(" + y);
        body2.push_back(b);
      }
      std::string hi = "exists<=" + std::to_string(np.count_hi) + " " + y + ": " + JoinAnd(body2);
      q = "(" + lo + ") AND (" + hi + ")";
    } else {
      q = "exists" + np.count_op + std::to_string(np.count) + " " + x + ": " + JoinAnd(body);
    }
    std::vector<std::string> outer = np.obj_conj;
    outer.push_back(q);
    if (closed_scope) return Exists(np.obj_vars, outer);
    return JoinAnd(outer);
  }
  // kNo and kEvery: objects are closed inside
  std::vector<std::string> rel = np.obj_conj;
  for (auto& c : np.links) rel.push_back(c);
  if (np.det == Det::kNo) {
    if (!rel.empty()) body.push_back(Exists(np.obj_vars, rel));
    return Not(Exists({x}, body));
  }
  // kEvery: restrictor is the class, the rest is the consequent
  std::vector<std::string> cons;
  for (size_t i = 1; i < body.size(); ++i) cons.push_back(body[i]);
  if (!rel.empty()) cons.push_back(Exists(np.obj_vars, rel));
  if (cons.empty()) return "";
  return "forall " + x + ": " + Atom(np.cls, {x}) + " -> " + (cons.size() > 1 ? "(" + JoinAnd(cons) + ")" : JoinAnd(cons));
}

bool Parser::ParseNp(size_t& p, Np* np, int depth) {
  if (depth > 6) return false;
  size_t start = p;
  if (!ParseDet(p, np)) {
    p = start;
    return false;
  }
  while (At(p, "other") || At(p, "more") || At(p, "separate") || At(p, "different") || At(p, "distinct") ||
         At(p, "individual")) {
    if (At(p, "more") && np->det != Det::kCount) break;
    ++p;
  }
  bool isolated = false;
  while (At(p, "isolated") || At(p, "lone") || At(p, "solitary")) {
    isolated = true;
    ++p;
  }
  if (!ParseNoun(p, &np->cls, &np->plural)) {
    p = start;
    return false;
  }
  int nvars = np->det == Det::kSome || np->det == Det::kAnyNeg ? std::max(1, np->n) : 1;
  if (np->det == Det::kCount && np->count_op == "=" && np->count == 0) np->det = Det::kNo;
  for (int i = 0; i < nvars; ++i) np->vars.push_back(NewVar(np->cls));
  if (isolated) {
    // "an isolated plane": no other entity of its class near it
    for (const auto& hv : np->vars) {
      std::string o = NewVar(np->cls);
      np->closed.push_back(Not(Exists({o}, {Atom(np->cls, {o}), Atom("near", {o, hv})})));
    }
  }
  while (true) {
    size_t before = p;
    if (!ParseModifier(p, np, depth)) {
      p = before;
      break;
    }
  }
  return true;
}

bool Parser::ParseMetric(size_t& p, Np* np, int depth) {
  size_t q = p;
  while (q < t_.size() && (t_[q] == "that" || t_[q] == "which" || t_[q] == "is" || t_[q] == "are" ||
                           t_[q] == "being" || t_[q] == "each" || t_[q] == "measuring" || t_[q] == "both" ||
                           t_[q] == "all" || t_[q] == "spaced" || t_[q] == "located" || t_[q] == "situated" ||
                           t_[q] == "positioned" || t_[q] == "lying")) {
    ++q;
  }
  // "with an area of more than N m2", "with a length over N m", "of length N"
  std::string measure_hint;
  for (const auto& [ph, m] : std::vector<std::pair<const char*, const char*>>{
           {"with an area of", "area"}, {"with an area", "area"}, {"with a length of", "length"},
           {"with a length", "length"}, {"with a width of", "width"}, {"with a width", "width"},
           {"having an area of", "area"}, {"having a length of", "length"}, {"of area", "area"},
           {"of length", "length"}, {"whose area is", "area"}, {"whose length is", "length"},
           {"with a size of", "area"}, {"covering", "area"}, {"that covers", "area"}, {"with a surface of", "area"},
           {"with a surface area of", "area"}, {"has an area of", "area"}, {"has a length of", "length"}}) {
    size_t k = Phrase(q, ph);
    if (k) {
      measure_hint = m;
      q += k;
      break;
    }
  }
  // comparison word
  std::string op;
  std::string cmp_word;
  {
    size_t best = 0;
    for (const auto& [ph, o] : CmpPhrases()) {
      size_t k = Phrase(q, ph);
      if (k > best) {
        best = k;
        op = o;
        cmp_word = ph;
      }
    }
    if (best == 0) {
      if (measure_hint.empty()) return false;
      op = ">=";  // "with an area of 2000 m2": at least
    }
    q += best;
  }
  double value;
  if (!ParseReal(q, &value)) return false;
  std::string unit;
  bool area = false;
  bool has_unit = ParseUnit(q, &unit, &area);
  std::string number = IsNumberToken(t_[q - (has_unit ? 1 : 0) - 1]) ? "" : "";
  (void)number;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", value);
  std::string num = std::string(buf) + (has_unit ? " " + unit : "");
  // what is measured
  std::string measure = measure_hint;
  if (measure.empty()) {
    if (cmp_word.rfind("longer", 0) == 0 || cmp_word.rfind("shorter", 0) == 0) measure = "length";
    else if (cmp_word.rfind("wider", 0) == 0 || cmp_word.rfind("narrower", 0) == 0) measure = "width";
    else if (cmp_word.rfind("larger", 0) == 0 || cmp_word.rfind("bigger", 0) == 0 ||
             cmp_word.rfind("smaller", 0) == 0 || cmp_word == "greater than") {
      measure = area ? "area" : (has_unit && unit != "deg" ? "length" : "area");
    }
  }
  // trailing adjective: "100 m long", "30 m apart", "2000 m2 in area", "50 m wide"
  size_t k;
  if ((k = Phrase(q, "long")) || (k = Phrase(q, "in length")) || (k = Phrase(q, "length"))) {
    if (!measure.empty() && measure != "length") return false;
    measure = "length";
    q += k;
  } else if ((k = Phrase(q, "wide")) || (k = Phrase(q, "in width")) || (k = Phrase(q, "across"))) {
    measure = "width";
    q += k;
  } else if ((k = Phrase(q, "in area")) || (k = Phrase(q, "in size")) || (k = Phrase(q, "large")) ||
             (k = Phrase(q, "big"))) {
    measure = "area";
    q += k;
  } else if ((k = Phrase(q, "apart")) || (k = Phrase(q, "from each other")) || (k = Phrase(q, "of each other")) ||
             (k = Phrase(q, "from one another")) || (k = Phrase(q, "of one another")) ||
             (k = Phrase(q, "away from each other")) || (k = Phrase(q, "apart from each other"))) {
    if (np->vars.size() < 2 && np->det != Det::kCount) return false;
    np->pair_metrics.push_back("distance(%1, %2) " + op + " " + num);
    p = q + k;
    return true;
  } else if ((k = Phrase(q, "away from")) || (k = Phrase(q, "from")) || (k = Phrase(q, "of")) ||
             (k = Phrase(q, "to"))) {
    if (!measure.empty()) return false;
    q += k;
    Np obj;
    size_t r = q;
    if (!ParseNp(r, &obj, depth + 1)) return false;
    Finish(obj);
    std::string cmp_text = std::string(op) + " " + num;
    if (obj.det == Det::kSome) {
      for (const auto& v : obj.vars) np->obj_vars.push_back(v);
      for (const auto& v : obj.obj_vars) np->obj_vars.push_back(v);
      np->obj_conj.push_back(Realize(obj, false));
      for (const auto& hv : np->vars)
        for (const auto& ov : obj.vars) np->links.push_back("distance(" + hv + ", " + ov + ") " + cmp_text);
    } else if (obj.det == Det::kAnyNeg || obj.det == Det::kEvery) {
      // "more than 100 m from any harbor": no harbor within that distance
      static const std::map<std::string, std::string> kNeg = {{">", "<="}, {">=", "<"}, {"<", ">="}, {"<=", ">"}};
      for (const auto& hv : np->vars) {
        std::vector<std::string> body = {Atom(obj.cls, {obj.vars[0]})};
        body.push_back("distance(" + hv + ", " + obj.vars[0] + ") " + kNeg.at(op) + " " + num);
        np->closed.push_back(Not(Exists({obj.vars[0]}, body)));
      }
    } else {
      return false;
    }
    p = r;
    return true;
  }
  if (measure.empty()) return false;
  if (measure == "area" && has_unit && !area) return false;
  if ((measure == "length" || measure == "width") && has_unit && area) return false;
  for (const auto& v : np->vars) np->own.push_back(measure + "(" + v + ") " + op + " " + num);
  p = q;
  return true;
}

bool Parser::ParseWith(size_t& p, Np* np, int depth) {
  size_t q = p;
  size_t k;
  bool without = false;
  if ((k = Phrase(q, "without"))) {
    without = true;
  } else if (!((k = Phrase(q, "with")) || (k = Phrase(q, "having")) || (k = Phrase(q, "that has")) ||
               (k = Phrase(q, "that have")) || (k = Phrase(q, "which has")) || (k = Phrase(q, "which have")) ||
               (k = Phrase(q, "has")) || (k = Phrase(q, "have")) || (k = Phrase(q, "that does not have")) ||
               (k = Phrase(q, "which does not have")) || (k = Phrase(q, "that do not have")) ||
               (k = Phrase(q, "that not have")) || (k = Phrase(q, "that has no")) || (k = Phrase(q, "and no")))) {
    return false;
  }
  std::string lead = t_[q];
  bool neg_verb = Phrase(q, "that does not have") || Phrase(q, "which does not have") || Phrase(q, "that do not have") ||
                  Phrase(q, "that not have");
  bool and_no = Phrase(q, "and no") > 0;
  q += k;
  if (and_no) --q;  // keep "no" for the determiner
  bool first = true;
  while (true) {
    size_t item_start = q;
    Np obj;
    if (!ParseNp(q, &obj, depth + 1)) {
      if (first) return false;
      q = item_start;
      break;
    }
    std::string rel = "near";
    bool swap = false;
    bool explicit_rel = ParsePronounRelation(q, &rel, &swap);
    if (and_no && !explicit_rel) return false;  // "X and no Y" is a conjunction, not a modifier
    if (!first && !explicit_rel) {
      q = item_start;
      break;
    }
    if (swap) {
      // "with a pool containing it" → on(head, pool); relation(head, obj)
    }
    Finish(obj);
    bool negative = without || neg_verb || obj.det == Det::kNo;
    if (negative) {
      if (obj.det == Det::kNo || obj.det == Det::kAnyNeg) obj.det = Det::kSome;
      if (!explicit_rel && without && !neg_verb) {
        // "an airport without helicopters": none at all in the image
        np->closed.push_back(Realize(obj, true).empty() ? "" : Not(Realize(obj, true)));
      } else {
        RelateNegated(np, rel, !swap, obj, false);
      }
    } else if (obj.det == Det::kSome || obj.det == Det::kAnyNeg) {
      obj.det = Det::kSome;
      Relate(np, rel, !swap, obj);
    } else if (obj.det == Det::kCount) {
      // "a harbor with at least three ships": count of objects related to the head
      for (const auto& hv : np->vars) {
        std::vector<std::string> body = {Atom(obj.cls, {obj.vars[0]})};
        for (auto& c : obj.own) body.push_back(c);
        body.push_back(swap ? Atom(rel, {hv, obj.vars[0]}) : Atom(rel, {obj.vars[0], hv}));
        np->closed.push_back("exists" + obj.count_op + std::to_string(obj.count) + " " + obj.vars[0] + ": " +
                             JoinAnd(body));
      }
    } else {
      return false;
    }
    first = false;
    // continue the list: "with a soccer field inside and a tennis court nearby"
    size_t c = q;
    if (At(c, ",")) ++c;
    if (At(c, "and")) {
      q = c + 1;
      continue;
    }
    break;
  }
  // a trailing "and" that did not continue the list belongs to the caller
  while (q > p && (t_[q - 1] == "and" || t_[q - 1] == ",")) --q;
  p = q;
  (void)lead;
  return true;
}

bool Parser::ParseModifier(size_t& p, Np* np, int depth) {
  size_t q = p;
  size_t k;
  // arrangements: "in a row", "lined up", "next to each other" (possibly after "that are", "parked")
  {
    size_t r = q;
    while (r < t_.size() && LinkWords().count(t_[r]) && !Phrase(r, "lined up")) ++r;
    size_t best = 0;
    std::string rel;
    for (const auto& [ph, g] : Arrangements()) {
      size_t m = Phrase(r, ph);
      if (m > best) {
        best = m;
        rel = g;
      }
    }
    if (best && rel == "aligned" && np->vars.size() < 3 && np->det != Det::kCount) return false;  // needs 3
    if (best && (np->vars.size() >= 2 || np->det == Det::kCount)) {
      np->groups.push_back(rel);
      p = r + best;
      return true;
    }
    // "parallel to each other", "perpendicular to one another", "overlapping each other"
    std::string rrel;
    bool swap;
    size_t r2 = r;
    if (ParseRelation(r2, &rrel, &swap, false) &&
        ((k = Phrase(r2, "each other")) || (k = Phrase(r2, "one another")) || (k = Phrase(r2, "each other s")))) {
      if (np->vars.size() < 2 && np->det != Det::kCount) return false;
      np->pair_rels.push_back({rrel, ""});
      p = r2 + k;
      return true;
    }
  }
  if (ParseMetric(q, np, depth)) {
    p = q;
    return true;
  }
  q = p;
  if (ParseWith(q, np, depth)) {
    p = q;
    return true;
  }
  q = p;
  // relative clause or bare prepositional phrase: [that is] [not] relation np
  bool near_verb = false;
  bool negated = false;
  while (q < t_.size()) {
    if (LinkWords().count(t_[q])) {
      if (t_[q] == "all" || t_[q] == "each") {
        if (Phrase(q, "each other")) break;
      }
      ++q;
    } else if (NearVerbs().count(t_[q])) {
      near_verb = true;
      ++q;
    } else if (t_[q] == "not" || t_[q] == "never") {
      negated = !negated;
      ++q;
    } else {
      break;
    }
  }
  // a relative clause may also start with a verb of having: "that has no ships near it"
  if (q > p && (At(q, "has") || At(q, "have") || At(q, "with"))) {
    size_t r = q;
    if (!negated && ParseWith(r, np, depth)) {
      p = r;
      return true;
    }
  }
  // metric after "that is"
  {
    size_t r = q;
    if (q > p && !negated && ParseMetric(r, np, depth)) {
      p = r;
      return true;
    }
  }
  std::string rel;
  bool swap = false;
  if (!ParseRelation(q, &rel, &swap, near_verb)) return false;
  if (At(q, "each") || At(q, "one")) {
    if ((k = Phrase(q, "each other")) || (k = Phrase(q, "one another"))) {
      if (np->vars.size() < 2 && np->det != Det::kCount) return false;
      np->pair_rels.push_back({rel, ""});
      p = q + k;
      return true;
    }
  }
  bool far_words_negated = false;
  // "not far from" → near
  if (negated && rel == "far") {
    rel = "near";
    negated = false;
    far_words_negated = true;
  }
  (void)far_words_negated;
  Np obj;
  if (!ParseNp(q, &obj, depth + 1)) return false;
  Finish(obj);
  // "a large vehicle next to a small vehicle on a bridge": both are on the bridge
  if (rel == "near" && !swap && obj.det == Det::kSome) {
    // handled below after relating
  }
  if (negated || obj.det == Det::kNo) {
    if (negated && obj.det == Det::kNo) return false;  // "not near no harbor"
    obj.det = Det::kSome;
    RelateNegated(np, rel, swap, obj, false);
  } else if (obj.det == Det::kAnyNeg || obj.det == Det::kEvery) {
    if (rel == "far" || obj.det == Det::kEvery) {
      if (rel == "far") {
        obj.det = Det::kSome;
        RelateNegated(np, rel, swap, obj, true);
      } else {
        // "near every harbor": forall h: harbor(h) -> near(s, h)
        for (const auto& hv : np->vars) {
          std::string ov = obj.vars[0];
          std::vector<std::string> cons;
          for (auto& c : obj.own) cons.push_back(c);
          cons.push_back(swap ? Atom(rel, {ov, hv}) : Atom(rel, {hv, ov}));
          np->closed.push_back("forall " + ov + ": " + Atom(obj.cls, {ov}) + " -> " +
                               (cons.size() > 1 ? "(" + JoinAnd(cons) + ")" : cons[0]));
        }
      }
    } else {
      obj.det = Det::kSome;
      Relate(np, rel, swap, obj);
    }
  } else if (obj.det == Det::kSome) {
    // Propagate containment: "A next to B on C" means both on C.
    std::vector<std::string> extra;
    if (rel == "near" && !swap) {
      for (const auto& l : obj.links) {
        if (l.rfind("on(", 0) == 0) {
          for (const auto& ov : obj.vars) {
            std::string prefix = "on(" + ov + ", ";
            if (l.rfind(prefix, 0) == 0) {
              std::string target = l.substr(prefix.size(), l.size() - prefix.size() - 1);
              for (const auto& hv : np->vars) extra.push_back(Atom("on", {hv, target}));
            }
          }
        }
      }
    }
    Relate(np, rel, swap, obj);
    for (auto& e : extra) np->links.push_back(e);
  } else if (obj.det == Det::kCount) {
    // "near at least three cars"
    for (const auto& hv : np->vars) {
      std::vector<std::string> body = {Atom(obj.cls, {obj.vars[0]})};
      for (auto& c : obj.own) body.push_back(c);
      body.push_back(swap ? Atom(rel, {obj.vars[0], hv}) : Atom(rel, {hv, obj.vars[0]}));
      np->closed.push_back("exists" + obj.count_op + std::to_string(obj.count) + " " + obj.vars[0] + ": " +
                           JoinAnd(body));
    }
  } else {
    return false;
  }
  p = q;
  return true;
}

bool Parser::ParseItem(size_t& p, std::string* out) {
  size_t q = p;
  size_t k;
  for (const char* ph : {"there is", "there are", "there exists", "there exist", "there should be", "we have",
                         "there must be", "it has", "both", "either", "also", "and also", "but"}) {
    if ((k = Phrase(q, ph))) {
      q += k;
      break;
    }
  }
  if (At(q, "either")) ++q;
  Np np;
  if (!ParseNp(q, &np, 0)) return false;
  Finish(np);
  if (np.det == Det::kAnyNeg) np.det = Det::kSome;
  if (np.det == Det::kSome && np.n > 4 && np.obj_conj.empty() && np.own.empty() && np.links.empty() &&
      np.closed.empty()) {
    // "two planes": exists>=2 (the same answers as two distinct variables)
    *out = "exists>=" + std::to_string(np.n) + " x: " + Atom(np.cls, {"x"});
    p = q;
    return true;
  }
  if (np.det == Det::kEvery) {
    std::string f = Realize(np, false);
    if (f.empty()) return false;
    *out = f;
  } else {
    *out = Realize(np, false);
  }
  p = q;
  return true;
}

Result<std::string> Parser::Run(std::string_view english) {
  size_t p = 0;
  // preamble: "show me images with", "images where", "find all scenes containing" ...
  // Stop at a word that starts the actual request (a determiner the preamble cannot eat).
  while (p < t_.size() && PreambleWords().count(t_[p])) {
    // keep "all"/"every" when a class noun follows (forall), keep "no"/"any" determiners
    if ((t_[p] == "all" || t_[p] == "any" || t_[p] == "some" || t_[p] == "the") && p + 1 < t_.size()) {
      size_t r = p + 1;
      std::string cls;
      bool pl;
      if (ParseNoun(r, &cls, &pl)) break;
    }
    if (t_[p] == "in" && p + 1 < t_.size() && !PreambleWords().count(t_[p + 1]) && t_[p + 1] != "which") break;
    ++p;
  }
  // trailing words about the image itself
  size_t end = t_.size();
  for (bool again = true; again;) {
    again = false;
    for (const char* tail : {"in the image", "in an image", "in the picture", "in the scene", "in the same image",
                             "in one image", "in it", "visible", "present", "in view", "in the photo", "together"}) {
      std::string_view tv = tail;
      size_t words = std::count(tv.begin(), tv.end(), ' ') + 1;
      if (end >= words + 1 && Phrase(end - words, tail) == words) {
        if (std::string(tail) == "together") {
          // "together" is an arrangement when a plural noun precedes it; keep it then.
          break;
        }
        end -= words;
        again = true;
      }
    }
  }
  Tokens trimmed(t_.begin(), t_.begin() + end);
  Parser inner(trimmed, ont_, wn_);
  inner.furthest_ = p;
  std::vector<std::vector<std::string>> disjuncts(1);
  bool ok = true;
  size_t q = p;
  while (true) {
    std::string item;
    size_t before = q;
    if (!inner.ParseItem(q, &item)) {
      ok = false;
      inner.Mark(before);
      break;
    }
    disjuncts.back().push_back(item);
    if (q >= trimmed.size()) break;
    size_t k;
    if (At(q, ",") && (Phrase(q + 1, "and") || Phrase(q + 1, "or"))) ++q;
    if ((k = inner.Phrase(q, "or else")) || (k = inner.Phrase(q, "or")) || (k = inner.Phrase(q, "or alternatively"))) {
      q += k;
      disjuncts.emplace_back();
      continue;
    }
    if ((k = inner.Phrase(q, "and also")) || (k = inner.Phrase(q, "as well as")) || (k = inner.Phrase(q, "along with")) ||
        (k = inner.Phrase(q, "together with")) || (k = inner.Phrase(q, "and")) || (k = inner.Phrase(q, ",")) ||
        (k = inner.Phrase(q, "plus")) || (k = inner.Phrase(q, "but")) || (k = inner.Phrase(q, "but also")) ||
        (k = inner.Phrase(q, "while")) || (k = inner.Phrase(q, "whereas"))) {
      q += k;
      continue;
    }
    ok = false;
    inner.Mark(q);
    break;
  }
  if (!ok) {
    // Name the words nobody understood; otherwise the place where understanding stopped.
    std::set<std::string> known;
    auto add_words = [&](std::string_view phrase) {
      size_t b = 0;
      while (b <= phrase.size()) {
        size_t e = phrase.find_first_of(" _", b);
        if (e == std::string_view::npos) e = phrase.size();
        if (e > b) known.insert(std::string(phrase.substr(b, e - b)));
        b = e + 1;
      }
    };
    for (const auto& r : RelationPhrases()) add_words(r.phrase);
    for (const auto& [a, b] : Arrangements()) add_words(a);
    for (const auto& [a, b] : CmpPhrases()) add_words(a);
    for (const auto& u : Units()) add_words(u.phrase);
    for (const auto& [w, v] : NumberWords()) known.insert(w);
    for (const auto& [w, v] : ArrangementNouns()) known.insert(w);
    for (const auto& w : PreambleWords()) known.insert(w);
    for (const auto& w : LinkWords()) known.insert(w);
    for (const auto& w : NearVerbs()) known.insert(w);
    for (const auto& w : ont_.Vocabulary()) add_words(w);
    for (const char* w : {"a", "an", "the", "and", "or", "not", "no", "with", "without", "it", "them", "its",
                          "other", "each", "every", "at", "least", "most", "exactly", "between", "than", "more",
                          "fewer", "less", "apart", "long", "wide", "area", "length", "width", "of", "none",
                          "either", "both", "same", "one", "another", "any", "pair", "couple", "object", "objects",
                          "entity", "entities", "thing", "things", ",", "single", "only", "just", "several",
                          "multiple", "many", "itself", "nearby", "inside", "side", "board", "top", "large", "big",
                          "cover", "covers", "covering", "size", "surface", "whose", "having", "has", "have"}) {
      known.insert(w);
    }
    std::vector<std::string> unknown;
    for (const auto& w : t_) {
      if (known.count(w) || IsNumberToken(w)) continue;
      if (wn_ != nullptr && wn_->MapToOntology(w, ont_)) continue;
      if (std::find(unknown.begin(), unknown.end(), w) == unknown.end()) unknown.push_back(w);
    }
    std::string msg = "cannot translate \"" + std::string(english) + "\": ";
    if (!unknown.empty()) {
      msg += "did not understand ";
      for (size_t i = 0; i < unknown.size(); ++i) msg += (i ? ", '" : "'") + unknown[i] + "'";
      std::vector<std::string> hints;
      for (const auto& u : unknown) {
        for (auto& s : ont_.Suggest(u, 2)) {
          if (std::find(hints.begin(), hints.end(), s) == hints.end()) hints.push_back(s);
        }
      }
      if (!hints.empty()) {
        msg += " (did you mean ";
        for (size_t i = 0; i < hints.size(); ++i) msg += (i ? ", " : "") + hints[i];
        msg += "?)";
      }
    } else {
      size_t at = std::min(inner.furthest_, trimmed.size());
      std::string rest;
      for (size_t i = at; i < trimmed.size(); ++i) rest += (i > at ? " " : "") + trimmed[i];
      msg += rest.empty() ? "the query ends too early" : "could not make sense of '" + rest + "'";
    }
    msg += " (hint: name objects with the ontology's classes, e.g. 'a ship near a harbor', or write the formula "
           "itself)";
    return Status::InvalidInput(msg);
  }
  std::vector<std::string> parts;
  for (auto& d : disjuncts) {
    if (d.empty()) return Status::InvalidInput("cannot translate \"" + std::string(english) + "\": 'or' with nothing after it");
    parts.push_back(JoinAnd(d));
  }
  if (parts.size() == 1) return parts[0];
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " OR (" : "(") + parts[i] + ")";
  return out;
}

}  // namespace

Result<std::string> DraftBuiltin(std::string_view english, const Ontology& ontology, bool use_wordnet) {
  Tokens toks = Tokenize(english);
  if (toks.empty()) return Status::InvalidInput("cannot translate an empty query (hint: e.g. 'a ship near a harbor')");
  const WordNetNouns* wn = use_wordnet ? WordNetNouns::Default() : nullptr;
  Parser parser(toks, ontology, wn);
  return parser.Run(english);
}

}  // namespace georune::nl
