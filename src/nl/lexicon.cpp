// Stage 2 of the built-in translator: the phrase lexicon and the noun matcher (nl/lexicon.h).
#include "georune/nl/lexicon.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "georune/common/text.h"
#include "georune/common/wordnet.h"

namespace georune::nl {
namespace {
// Whether a noun (phrase) is written in the plural: "ships", "tennis courts", not "bus", "gas",
// "glass" (irregular plurals come through WordNet::Morphy).
bool LooksPlural(const std::string& w) {
  auto ends = [&](const char* suffix) {
    size_t n = std::strlen(suffix);
    return w.size() > n && w.compare(w.size() - n, n, suffix) == 0;
  };
  return ends("s") && !ends("ss") && !ends("us") && !ends("is");
}

using K = LexKind;

struct Row {
  const char* phrase;
  const char* value;
  long number = 0;
  bool flag = false;  // swap (relations), area (units)
};

void AddRows(std::vector<LexEntry>& out, LexKind kind, const std::vector<Row>& rows) {
  for (const auto& r : rows) {
    LexEntry e{r.phrase, kind, r.value, r.number};
    e.swap = kind == K::kRelation && r.flag;
    e.area = kind == K::kUnit && r.flag;
    out.push_back(std::move(e));
  }
}

void AddWords(std::vector<LexEntry>& out, LexKind kind, const std::vector<const char*>& phrases) {
  for (const char* p : phrases) out.push_back({p, kind, ""});
}

void AddRelations(std::vector<LexEntry>& e) {
  AddRows(e, K::kRelation,
          {
              {"near", "near"},
              {"near to", "near"},
              {"nearby", "near"},
              {"next to", "near"},
              {"beside", "near"},
              {"besides", "near"},
              {"adjacent to", "near"},
              {"close to", "near"},
              {"close by", "near"},
              {"by", "near"},
              {"alongside", "near"},
              {"along", "near"},
              {"neighboring", "near"},
              {"bordering", "near"},
              {"around", "near"},
              {"under", "near"},
              {"underneath", "near"},
              {"beneath", "near"},
              {"at", "near"},
              {"in the vicinity of", "near"},
              {"not far from", "near"},
              {"near by", "near"},
              {"right next to", "near"},
              {"right beside", "near"},
              {"close up to", "near"},
              {"adjoining", "near"},
              // touching: distance < 1 in a segmentation, near on boxes (grammar.cpp, ParseRelation)
              {"touching", "touches"},
              {"touches", "touches"},
              {"far from", "far"},
              {"far away from", "far"},
              {"away from", "far"},
              {"distant from", "far"},
              {"a long way from", "far"},
              {"well away from", "far"},
              {"far off from", "far"},
              {"left of", "left_of"},
              {"to the left of", "left_of"},
              {"on the left of", "left_of"},
              {"on the left side of", "left_of"},
              {"west of", "left_of"},
              {"to the west of", "left_of"},
              {"on the west side of", "left_of"},
              {"westward of", "left_of"},
              {"right of", "right_of"},
              {"to the right of", "right_of"},
              {"on the right of", "right_of"},
              {"on the right side of", "right_of"},
              {"east of", "right_of"},
              {"to the east of", "right_of"},
              {"on the east side of", "right_of"},
              {"eastward of", "right_of"},
              {"above", "above"},
              {"north of", "above"},
              {"to the north of", "above"},
              {"on the north side of", "above"},
              {"northward of", "above"},
              {"higher than", "above"},
              {"upward of", "above"},
              {"below", "below"},
              {"south of", "below"},
              {"to the south of", "below"},
              {"on the south side of", "below"},
              {"southward of", "below"},
              {"lower than", "below"},
              {"on", "on"},
              {"in", "on"},
              {"inside", "on"},
              {"inside of", "on"},
              {"within", "on"},
              {"on top of", "on"},
              {"upon", "on"},
              {"atop", "on"},
              {"onto", "on"},
              {"in the middle of", "on"},
              {"at the center of", "on"},
              {"in the center of", "on"},
              {"enclosed by", "on"},
              {"enclosed in", "on"},
              {"contained in", "on"},
              {"enclosed within", "on"},
              // on boxes, what surrounds may be one ring (a track) or many things (cars): near holds
              // for both; in a segmentation, touching and nothing else touching (ParseSurrounded)
              {"surrounded by", "surrounded"},
              {"surrounded on all sides by", "surrounded"},
              {"encircled by", "surrounded"},
              {"ringed by", "surrounded"},
              {"surrounding", "near"},
              {"encircling", "near"},
              {"surrounds", "near"},
              {"on the surface of", "on"},
              {"across", "on"},
              {"over", "on"},
              {"crossing over", "on"},
              {"containing", "on", 0, true},
              {"contains", "on", 0, true},
              {"contain", "on", 0, true},
              {"enclosing", "on", 0, true},
              {"encloses", "on", 0, true},
              {"overlapping", "overlaps"},
              {"overlapping with", "overlaps"},
              {"overlaps", "overlaps"},
              {"overlaps with", "overlaps"},
              {"overlap", "overlaps"},
              {"overlap with", "overlaps"},
              {"intersecting", "overlaps"},
              {"intersecting with", "overlaps"},
              {"intersects", "overlaps"},
              // overlaps, or perpendicular between pieces of one class in a segmentation (Crossing)
              {"crossing", "crosses"},
              {"crosses", "crosses"},
              {"cross", "crosses"},
              {"parallel to", "parallel"},
              {"parallel with", "parallel"},
              {"parallel", "parallel"},
              {"perpendicular to", "perpendicular"},
              {"perpendicular", "perpendicular"},
              {"at right angles to", "perpendicular"},
              {"at a right angle to", "perpendicular"},
              {"orthogonal to", "perpendicular"},
              {"at 90 degrees to", "perpendicular"},
              {"larger than", "larger"},
              {"bigger than", "larger"},
              {"greater than", "larger"},
              {"smaller than", "smaller"},
              {"tinier than", "smaller"},
          });
  // after a with-object: its relation to the head, the pronoun left out ("with cars nearby")
  AddRows(e, K::kPronounRel,
          {
              {"nearby", "near"},
              {"close by", "near"},
              {"around", "near"},
              {"adjacent", "near"},
              {"beside", "near"},
              {"alongside", "near"},
              {"next door", "near"},
              {"near", "near"},
              {"close", "near"},
              {"in the vicinity", "near"},
              {"inside", "on"},
              {"within", "on"},
              {"on top", "on"},
              {"on board", "on"},
              {"in the middle", "on"},
              {"in the center", "on"},
              {"to its left", "left_of"},
              {"to its right", "right_of"},
              {"to its north", "above"},
              {"to its south", "below"},
              {"to its west", "left_of"},
              {"to its east", "right_of"},
              {"on its left", "left_of"},
              {"on its right", "right_of"},
              {"far away", "far"},
              {"on top of it", "on"},
              {"on it", "on"},
              {"in it", "on"},
              {"inside it", "on"},
              {"on them", "on"},
              {"in them", "on"},
          });
}

void AddArrangements(std::vector<LexEntry>& e) {
  // "row": aligned AND clustered (english.md, Arrangements); "aligned": the geometry alone
  AddRows(e, K::kArrangement,
          {
              {"in a row", "row"},
              {"in a line", "row"},
              {"in line", "row"},
              {"lined up", "row"},
              {"in a straight line", "row"},
              {"in one line", "row"},
              {"arranged in a row", "row"},
              {"arranged in a line", "row"},
              {"forming a line", "row"},
              {"forming a row", "row"},
              {"in a single row", "row"},
              {"in a single line", "row"},
              {"one after another", "row"},
              {"in a column", "row"},
              {"in rows", "row"},
              {"aligned", "aligned"},
              {"all aligned", "aligned"},
              {"collinear", "aligned"},
              {"in alignment", "aligned"},
              {"clustered", "clustered"},
              {"clustered together", "clustered"},
              {"grouped", "clustered"},
              {"grouped together", "clustered"},
              {"in a cluster", "clustered"},
              {"in a group", "clustered"},
              {"bunched together", "clustered"},
              {"close together", "clustered"},
              {"huddled together", "clustered"},
              {"packed together", "clustered"},
              {"clumped together", "clustered"},
              {"together", "clustered"},
              {"near each other", "clustered"},
              {"near one another", "clustered"},
              {"next to each other", "clustered"},
              {"next to one another", "clustered"},
              {"close to each other", "clustered"},
              {"close to one another", "clustered"},
              {"beside each other", "clustered"},
              {"side by side", "clustered"},
              {"adjacent to each other", "clustered"},
              {"adjacent", "clustered"},
              {"nearby each other", "clustered"},
              {"beside one another", "clustered"},
              {"close by each other", "clustered"},
          });
  AddRows(e, K::kGroupNoun,
          {{"cluster", "clustered"},
           {"group", "clustered"},
           {"bunch", "clustered"},
           {"clump", "clustered"},
           {"row", "row"},
           {"line", "row"},
           {"column", "row"},
           {"queue", "row"},
           {"string", "row"}});
}

void AddQuantities(std::vector<LexEntry>& e) {
  AddRows(e, K::kCountDet,
          {{"at least", ">="},
           {"no fewer than", ">="},
           {"no less than", ">="},
           {"not less than", ">="},
           {"not fewer than", ">="},
           {"a minimum of", ">="},
           {"minimum of", ">="},
           {"more than", ">"},
           {"over", ">"},
           {"greater than", ">"},
           {"above", ">"},
           {"in excess of", ">"},
           {"upwards of", ">"},
           {"fewer than", "<"},
           {"less than", "<"},
           {"under", "<"},
           {"below", "<"},
           {"at most", "<="},
           {"no more than", "<="},
           {"not more than", "<="},
           {"up to", "<="},
           {"a maximum of", "<="},
           {"maximum of", "<="},
           {"exactly", "="},
           {"precisely", "="},
           {"only", "="},
           {"just", "="}});
  // english.md: "a pair of" 2, "a few"/"several" >= 3, "many"/"lots of"/"dozens of" >= 10,
  // "a dozen" 12, "hundreds of" >= 100; "=": that many distinct entities
  AddRows(e, K::kVague, {{"a pair of", "=", 2},    {"a couple of", "=", 2},    {"pair of", "=", 2},
                         {"couple of", "=", 2},    {"a couple", "=", 2},       {"a trio of", "=", 3},
                         {"a dozen", "=", 12},     {"both", "=", 2},           {"twin", "=", 2},
                         {"a few", ">=", 3},       {"few", ">=", 3},           {"a handful of", ">=", 3},
                         {"several", ">=", 3},     {"many", ">=", 10},         {"lots of", ">=", 10},
                         {"a lot of", ">=", 10},   {"plenty of", ">=", 10},    {"numerous", ">=", 10},
                         {"loads of", ">=", 10},   {"dozens of", ">=", 10},    {"a large number of", ">=", 10},
                         {"tons of", ">=", 10},    {"hundreds of", ">=", 100}, {"multiple", ">=", 2},
                         {"a number of", ">=", 3}, {"some", ">=", 1}});
  AddWords(e, K::kNegDet,
           {"not a single", "not one", "not any", "no single", "none of the", "no", "zero", "without any", "without",
            "not a", "not an", "free of", "free from", "devoid of"});
  AddWords(e, K::kEveryDet, {"every single", "each and every", "every", "each", "all of the", "all the", "all"});
  AddWords(e, K::kArticle, {"the same", "a single", "a", "an", "the", "any", "one", "another", "some", "one other"});
  AddRows(e, K::kNumber, {{"zero", "", 0},      {"one", "", 1},         {"two", "", 2},           {"three", "", 3},
                          {"four", "", 4},      {"five", "", 5},        {"six", "", 6},           {"seven", "", 7},
                          {"eight", "", 8},     {"nine", "", 9},        {"ten", "", 10},          {"eleven", "", 11},
                          {"twelve", "", 12},   {"thirteen", "", 13},   {"fourteen", "", 14},     {"fifteen", "", 15},
                          {"sixteen", "", 16},  {"seventeen", "", 17},  {"eighteen", "", 18},     {"nineteen", "", 19},
                          {"twenty", "", 20},   {"thirty", "", 30},     {"forty", "", 40},        {"fifty", "", 50},
                          {"sixty", "", 60},    {"seventy", "", 70},    {"eighty", "", 80},       {"ninety", "", 90},
                          {"hundred", "", 100}, {"a hundred", "", 100}, {"one hundred", "", 100}, {"dozen", "", 12}});
  AddRows(e, K::kComparison,
          {{"more than", ">"},        {"over", ">"},          {"greater than", ">"},  {"above", ">"},
           {"larger than", ">"},      {"bigger than", ">"},   {"longer than", ">"},   {"wider than", ">"},
           {"in excess of", ">"},     {"at least", ">="},     {"no less than", ">="}, {"not less than", ">="},
           {"no fewer than", ">="},   {"a minimum of", ">="}, {"minimum", ">="},      {"less than", "<"},
           {"fewer than", "<"},       {"under", "<"},         {"below", "<"},         {"smaller than", "<"},
           {"shorter than", "<"},     {"narrower than", "<"}, {"at most", "<="},      {"no more than", "<="},
           {"not more than", "<="},   {"up to", "<="},        {"a maximum of", "<="}, {"maximum", "<="},
           {"no greater than", "<="}, {"within", "<="},       {"further than", ">"},  {"farther than", ">"},
           {"closer than", "<"},      {"nearer than", "<"}});
  AddRows(e, K::kUnit,
          {{"m", "m"},
           {"meter", "m"},
           {"meters", "m"},
           {"km", "km"},
           {"kilometer", "km"},
           {"kilometers", "km"},
           {"px", "px"},
           {"pixel", "px"},
           {"pixels", "px"},
           {"m2", "m2", 0, true},
           {"sq m", "m2", 0, true},
           {"sqm", "m2", 0, true},
           {"square meter", "m2", 0, true},
           {"square meters", "m2", 0, true},
           {"ha", "ha", 0, true},
           {"hectare", "ha", 0, true},
           {"hectares", "ha", 0, true},
           {"px2", "px2", 0, true},
           {"square pixel", "px2", 0, true},
           {"square pixels", "px2", 0, true},
           {"sq px", "px2", 0, true},
           {"degrees", "deg"},
           {"degree", "deg"},
           {"deg", "deg"}});
}

void AddGlue(std::vector<LexEntry>& e) {
  AddWords(e, K::kLink,
           {"that",    "which",     "who",         "is",       "are",      "was",   "were",    "be",      "being",
            "located", "situated",  "positioned",  "placed",   "lying",    "lies",  "lie",     "sitting", "sits",
            "sit",     "standing",  "stands",      "stand",    "parked",   "found", "seen",    "visible", "appearing",
            "appears", "directly",  "immediately", "just",     "both",     "all",   "each",    "also",    "built",
            "set",     "resting",   "stationed",   "waiting",  "arranged", "lined", "sailing", "passing", "driving",
            "moving",  "traveling", "travelling",  "cruising", "floating", "going", "heading", "landed",  "parking"});
  AddWords(e, K::kNearVerb, {"docked", "moored", "berthed", "anchored", "tied", "tied up"});
  AddWords(
      e, K::kPreamble,
      {"show",      "me",         "find",      "search",   "for",      "look",   "looking",    "give",      "retrieve",
       "get",       "list",       "return",    "display",  "fetch",    "i",      "want",       "need",      "would",
       "like",      "images",     "image",     "pictures", "picture",  "photos", "photo",      "scenes",    "scene",
       "tiles",     "tile",       "satellite", "aerial",   "of",       "with",   "that",       "which",     "where",
       "showing",   "containing", "contain",   "contains", "have",     "has",    "having",     "depicting", "featuring",
       "including", "include",    "includes",  "in",       "there",    "is",     "are",        "exists",    "exist",
       "any",       "all",        "some",      "the",      "locate",   "see",    "can",        "you",       "shots",
       "views",     "view",       "frames",    "am",       "an",       "a",      "could",      "let",       "us",
       "see",       "do",         "we",        "where",    "whose",    "one",    "ones",       "imagery",   "areas",
       "area",      "places",     "locations", "regions",  "tell",     "about",  "interested", "searching", "spots",
       "anything",  "to",         "spot",      "detect",   "identify", "check",  "please",     "how",       "what"});
  AddWords(e, K::kTrailer,
           {"in the image", "in an image", "in the picture", "in the scene", "in the same image", "in one image",
            "in it", "visible", "present", "in view", "in the photo", "in the images", "in the scenes", "anywhere",
            "in the same scene", "in frame", "in shot"});
}

struct Table {
  std::vector<LexEntry> entries;
  std::unordered_map<std::string, std::vector<size_t>> by_first;  // first word → entries
  std::unordered_set<std::string> words;
};

const Table& TheTable() {
  static const Table k = [] {
    Table t;
    AddRelations(t.entries);
    AddArrangements(t.entries);
    AddQuantities(t.entries);
    AddGlue(t.entries);
    for (size_t i = 0; i < t.entries.size(); ++i) {
      const std::string& p = t.entries[i].phrase;
      t.by_first[p.substr(0, p.find(' '))].push_back(i);
      size_t b = 0;
      while (b <= p.size()) {
        size_t e = p.find(' ', b);
        if (e == std::string::npos) e = p.size();
        t.words.insert(p.substr(b, e - b));
        b = e + 1;
      }
    }
    return t;
  }();
  return k;
}

// Tokens the phrase spans at t[p], 0 when it does not match.
size_t Covers(const Tokens& t, size_t p, const std::string& phrase) {
  size_t k = p, b = 0;
  while (b < phrase.size()) {
    size_t e = phrase.find(' ', b);
    if (e == std::string::npos) e = phrase.size();
    if (k >= t.size() || phrase.compare(b, e - b, t[k]) != 0) return 0;
    ++k;
    b = e + 1;
  }
  return k - p;
}

bool IsObjectWord(const std::string& w) {
  return w == "object" || w == "objects" || w == "entity" || w == "entities" || w == "thing" || w == "things" ||
         w == "anything" || w == "something";
}

// Memoised WordNet questions per ontology and word; thread-safe.
class WordNetCache {
 public:
  template <typename F>
  std::optional<std::string> Get(const std::string& key, F compute) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    std::optional<std::string> v = compute();
    std::lock_guard<std::mutex> lock(mu_);
    cache_.emplace(key, v);
    return v;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::optional<std::string>> cache_;
};

// The class whose name, label or synonym shares a synset with the most frequent noun sense of
// `word` or of one of its WordNet base forms: "vessel" → ship. Rarer senses are not used:
// "runway" and "park" have rare senses shared with "track" and "ballpark".
std::optional<std::string> SynsetClass(const std::string& word, const Ontology& ont, const WordNet& wn) {
  for (const auto& base : wn.Morphy(word, WordNetPos::kNoun)) {
    std::vector<uint32_t> senses = wn.Senses(base, WordNetPos::kNoun);
    if (senses.size() > 1) senses.erase(senses.begin() + 1, senses.end());
    for (uint32_t s : senses) {
      auto synset = wn.ReadSynset(WordNetPos::kNoun, s);
      if (!synset.ok()) continue;
      for (const auto& w : synset->words) {
        // the synset must be the ontology word's own most frequent sense too: "runway" shares
        // a rare sense of "track" (railway track), not a running track
        std::string lw = AsciiLower(w);
        auto set = ont.Resolve(lw);
        if (!set) continue;
        auto own = wn.Senses(lw, WordNetPos::kNoun);
        if (!own.empty() && own[0] == s) return set->name;
      }
    }
  }
  return std::nullopt;
}

// Edit distance where swapping two adjacent letters is one edit ("roundabuot"), as is
// inserting, deleting or replacing one (optimal string alignment).
size_t TypoDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Whether WordNet (or the lexicon) knows `word` as a word of its own: then it is no typo.
bool KnownWord(const std::string& word, const WordNet* wn) {
  if (LexiconKnows(word)) return true;
  if (wn == nullptr) return false;
  if (!wn->Morphy(word, WordNetPos::kNoun).empty()) return true;  // "planets"
  for (WordNetPos pos : kWordNetPos) {
    if (wn->Contains(word, pos)) return true;  // exact only: verb rules would take "swiming" for "swim"
  }
  return false;
}

// A single-letter typo in a word of five letters or more of an ontology word (one or more words
// joined by '_', "swiming_pool"), when the mistyped word is not a word of its own and exactly
// one class is that close.
std::optional<std::pair<std::string, std::string>> TypoClass(const std::string& joined, const Ontology& ont,
                                                             const WordNet* wn) {
  std::optional<std::pair<std::string, std::string>> hit;
  const std::vector<std::string> vocabulary = ont.Vocabulary();
  for (const auto& surface : vocabulary) {
    if (surface.size() + 1 < joined.size() || surface.size() > joined.size() + 1) continue;
    if (TypoDistance(joined, surface) != 1) continue;
    // the word that differs
    size_t i = 0;
    while (i < joined.size() && i < surface.size() && joined[i] == surface[i]) ++i;
    size_t b = joined.rfind('_', i == 0 ? 0 : i - 1);
    b = b == std::string::npos ? 0 : b + 1;
    size_t e = joined.find('_', i);
    std::string typed = joined.substr(b, (e == std::string::npos ? joined.size() : e) - b);
    if (typed.size() < 5 || IsNumberToken(typed) || KnownWord(typed, wn)) continue;
    std::string cls = ont.Resolve(surface)->name;
    if (hit && hit->first != cls) return std::nullopt;  // ambiguous
    hit = std::make_pair(cls, surface);
  }
  return hit;
}

std::string Join(const Tokens& t, size_t p, size_t len) {
  std::string w;
  for (size_t k = 0; k < len; ++k) w += (k ? "_" : "") + t[p + k];
  return w;
}

// The longest run at t[p] that is a typo of an ontology word.
// Memoised per ontology and words: "class\tword meant".
std::optional<NounMatch> MatchTypo(const Tokens& t, size_t p, const Ontology& ont, const WordNet* wn) {
  static WordNetCache cache;
  for (size_t len = std::min<size_t>(3, t.size() - p); len >= 1; --len) {
    std::string w = Join(t, p, len);
    if (w.find(',') != std::string::npos) continue;
    auto typo = cache.Get(ont.name() + (wn ? "\n" : "\r") + w, [&]() -> std::optional<std::string> {
      auto hit = TypoClass(w, ont, wn);
      if (!hit) return std::nullopt;
      return hit->first + "\t" + hit->second;
    });
    if (typo) {
      size_t tab = typo->find('\t');
      return NounMatch{typo->substr(0, tab), len, LooksPlural(w), typo->substr(tab + 1)};
    }
  }
  return std::nullopt;
}

}  // namespace

size_t MatchPhrase(const Tokens& t, size_t p, LexKind kind, const LexEntry** hit) {
  if (p >= t.size()) return 0;
  const Table& table = TheTable();
  auto it = table.by_first.find(t[p]);
  if (it == table.by_first.end()) return 0;
  size_t best = 0;
  for (size_t i : it->second) {
    const LexEntry& e = table.entries[i];
    if (e.kind != kind) continue;
    size_t k = Covers(t, p, e.phrase);
    if (k > best) {
      best = k;
      if (hit) *hit = &e;
    }
  }
  return best;
}

bool LexiconKnows(const std::string& word) { return TheTable().words.count(word) > 0; }

std::optional<NounMatch> MatchNoun(const Tokens& t, size_t p, const Ontology& ont, const WordNet* wn) {
  if (p >= t.size() || t[p] == ",") return std::nullopt;
  const size_t max_len = std::min<size_t>(5, t.size() - p);
  for (size_t len = max_len; len >= 1; --len) {  // the ontology's own words, longest first
    std::string w = Join(t, p, len);
    if (len == 1 && IsObjectWord(w)) return NounMatch{"object", 1, LooksPlural(w), ""};
    if (auto set = ont.Resolve(w)) return NounMatch{set->name, len, LooksPlural(w), ""};
  }
  if (wn == nullptr) return MatchTypo(t, p, ont, nullptr);
  static WordNetCache cache;
  for (size_t len = std::min<size_t>(3, max_len); len >= 1; --len) {
    std::string w = Join(t, p, len);
    // irregular plurals WordNet knows ("geese"), then synonyms sharing a synset
    auto cls = cache.Get(ont.name() + "\n" + w, [&]() -> std::optional<std::string> {
      for (const auto& base : wn->Morphy(w, WordNetPos::kNoun)) {
        if (auto set = ont.Resolve(base)) return set->name;
      }
      return SynsetClass(w, ont, *wn);
    });
    if (cls) return NounMatch{*cls, len, LooksPlural(w), ""};
  }
  return MatchTypo(t, p, ont, wn);
}

std::string NounChain(const std::string& word, const Ontology& ont, const WordNet* wn) {
  if (wn == nullptr) return "";
  for (const auto& base : wn->Morphy(word, WordNetPos::kNoun)) {
    std::vector<uint32_t> senses = wn->Senses(base, WordNetPos::kNoun);
    if (senses.size() > 3) senses.resize(3);
    std::deque<std::pair<uint32_t, std::string>> queue;  // synset, chain so far
    for (uint32_t s : senses) queue.emplace_back(s, base);
    std::set<uint32_t> seen;
    while (!queue.empty()) {
      auto [offset, chain] = queue.front();
      queue.pop_front();
      if (!seen.insert(offset).second) continue;
      auto synset = wn->ReadSynset(WordNetPos::kNoun, offset);
      if (!synset.ok()) continue;
      for (const auto& w : synset->words) {
        auto set = ont.Resolve(AsciiLower(w));
        if (!set) continue;
        // a word of the same synset in a sense that is not both words' most frequent one
        if (chain == base) return base + " ~ " + AsciiLower(w) + " in a rarer sense (" + set->name + ")";
        return chain + " (" + set->name + ")";
      }
      if (std::count(chain.begin(), chain.end(), '>') >= 3) continue;
      for (uint32_t h : synset->hypernyms) {
        auto hs = wn->ReadSynset(WordNetPos::kNoun, h);
        if (hs.ok() && !hs->words.empty()) queue.emplace_back(h, chain + " -> " + AsciiLower(hs->words[0]));
      }
    }
  }
  return "";
}

std::string ContentRelation(const std::string& cls) {
  static const std::set<std::string> kSurfaces = {"bridge",   "helipad", "court",   "field", "airport", "diamond",
                                                  "overpass", "stadium", "parking", "pitch", "road"};
  size_t b = 0;
  while (b <= cls.size()) {
    size_t e = cls.find('_', b);
    if (e == std::string::npos) e = cls.size();
    if (kSurfaces.count(cls.substr(b, e - b))) return "on";
    b = e + 1;
  }
  return "near";
}

}  // namespace georune::nl
