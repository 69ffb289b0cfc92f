// Stage 3 of the built-in translator: the grammar (docs/translation.md). Tokens from
// Normalise(), words from the lexicon (nl/lexicon.h) → the formula text; the meaning follows
// ../shared/spec/english.md.
//
// Shape of what it reads:
//   query   := [preamble] item {connector item}          connectors: and , plus / or either
//   item    := [there is|are] np
//   np      := det noun {[,] modifier}
//   det     := article | N | vague quantity | count phrase N | no | every | a row/cluster of N
//   noun    := MatchNoun (the ontology's words, WordNet plurals and synonyms, typos)
//   modifier:= [that|which] [is|are|verb] [not] relation np
//            | with|having|that has  [no] np [relation it | nearby | inside]
//            | without|free of np [relation it]
//            | in a row | lined up | aligned | next to each other | parallel to each other
//            | longer than N m | larger than N m2 | less than N m apart | within N m of np
//            | surrounded by np | cut by np | on both sides of np | between np [and np]
// Every word must be consumed by some rule; otherwise the translation fails naming the words
// it could not place.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "georune/common/diagnostic.h"
#include "georune/common/wordnet.h"
#include "georune/nl/lexicon.h"
#include "georune/nl/translator.h"

namespace georune::nl {
namespace {
// The most entities one phrase names one by one ("a row of 200 cars"). A larger group is
// refused: its formula (pairwise relations included) would grow with the square of it.
constexpr long kMaxNamedEntities = 200;

// `n` as a count of named entities; anything over the limit stays over it (no int overflow).
int NamedCount(long n) { return static_cast<int>(std::min(n, kMaxNamedEntities + 1)); }
// ---------------------------------------------------------------- parse structures

enum class Det { kSome, kCount, kNo, kEvery, kAnyNeg };

struct Np {
  std::string cls;
  Det det = Det::kSome;
  int n = 1;              // distinct entities named (kSome)
  bool numbered = false;  // n was written ("three ships"), not defaulted
  std::string count_op;   // kCount: ">=", "<=", "="
  long count = 0;
  long count_hi = -1;  // "between N and M": M
  bool plural = false;
  std::vector<std::string> vars;
  std::vector<std::string> own;           // formulas over this NP's vars only (metric, ...)
  std::vector<std::string> obj_vars;      // variables of related kSome objects (free unless closed)
  std::vector<std::string> obj_conj;      // those objects' conjuncts
  std::vector<std::string> links;         // atoms tying this NP's vars to objects
  std::vector<std::string> closed;        // closed formulas over this NP's vars (negated objects)
  std::vector<std::string> groups;        // pending arrangements: row | aligned | clustered
  std::vector<std::string> pair_rels;     // pending pairwise relations ("parallel to each other")
  std::vector<std::string> pair_metrics;  // e.g. "distance(%1, %2) < 30 m"
  bool ref = false;              // names entities of an earlier item ("one of them", "the first"): no class atoms
  bool arranged = false;         // a row or group: `near` relates one member (the last), docs/translation.md
  bool near_adj = false;         // "docked ships": in a with-list, near the head
  bool definite = false;         // "the bridge": the one named before, if any
  std::vector<std::string> alt;  // "cars or trucks": more classes, one entity of any of them
  bool nothing = false;          // "nothing": no object, the noun already said
  bool cut = false;              // "cut by water" was said of its vars: they cannot grow
  bool part = false;             // "the flooded stretch": a part of an earlier entity (a cut's)
  bool tied = false;             // related by a written relation to such a part
  bool stranded = false;         // "stranded": on a flooded road, no dry road near (Finish)
  // A with-phrase of this object that belongs to the enclosing head ("roads next to buildings
  // with vehicles on them"): its entities and atoms, moved into the head by the caller.
  std::vector<std::string> lifted_vars, lifted_conj, lifted_links, lifted_closed;
};

// The entities an earlier item named, for "one of them", "the first", "them".
struct Antecedent {
  std::string cls;
  std::vector<std::string> vars;
  bool arranged = false;
};

std::string JoinAnd(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += " AND ";
    const std::string& p = parts[i];
    bool compound =
        p.find(':') != std::string::npos || p.find(" OR ") != std::string::npos || p.find("->") != std::string::npos;
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

// The class atom of an NP's entity `v`: "(small_vehicle(c) OR large_vehicle(c))" for "cars or
// trucks", so that "a bridge without cars or trucks" has neither on it.
std::string ClassAtom(const Np& np, const std::string& v) {
  std::string a = Atom(np.cls, {v});
  if (np.alt.empty()) return a;
  for (const auto& c : np.alt) a += " OR " + Atom(c, {v});
  return "(" + a + ")";
}

class Parser {
 public:
  Parser(const Tokens& toks, const Ontology& ontology, const WordNet* wordnet)
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
  size_t Lex(size_t i, LexKind kind, const LexEntry** hit = nullptr) const { return MatchPhrase(t_, i, kind, hit); }
  void Mark(size_t p) { furthest_ = std::max(furthest_, p); }

  std::string NewVar(const std::string& cls);
  std::string FreshVar(const std::string& cls);
  bool ParseNumber(size_t& p, long* n) const;
  bool ParseReal(size_t& p, double* v) const;
  bool ParseUnit(size_t& p, std::string* unit, bool* area) const;
  bool ParseNoun(size_t& p, std::string* cls, bool* plural);
  bool ParseDet(size_t& p, Np* np);
  bool ParseCountDet(size_t& p, Np* np);
  bool ParseNp(size_t& p, Np* np, int depth);
  bool ParseModifier(size_t& p, Np* np, int depth);
  bool ParseModifierBody(size_t& p, Np* np, int depth);
  bool ParseArrangement(size_t& p, Np* np);
  bool ParseRowOf(size_t& p, Np* np);
  bool ParsePartitive(size_t& p, Np* np, int depth);
  bool ParseReference(size_t& p, Np* np) const;
  void RefTo(Np* np, const std::vector<std::string>& picked) const;
  static void RefTo(Np* np, const Antecedent& ante, const std::vector<std::string>& picked);
  void Grow(Np* np, int n);
  void ApplyWith(Np* np, std::vector<Np>& group, const std::string& rel, bool swap, bool negative_lead, bool* ok);
  bool ParseRelation(size_t& p, std::string* rel, bool* swap, bool near_verb) const;
  bool ParseWith(size_t& p, Np* np, int depth);
  bool ParseMetric(size_t& p, Np* np, int depth);
  void AddEmpty(Np* np);
  bool ParsePronounRelation(size_t& p, std::string* rel, bool* swap);
  bool NpFollows(size_t p);
  bool NextListItem(size_t& q) const;
  void Relate(Np* head, const std::string& rel, bool swap, Np& obj);
  void RelateNegated(Np* head, const std::string& rel, bool swap, Np& obj, bool far_any);
  void RelateCounted(Np* head, const std::string& rel, bool obj_first, Np& obj);
  std::string Realize(Np& np, bool closed_scope);
  bool Finish(Np& np);
  bool Dock(Np& np);
  bool Strand(Np& np);
  std::string Crossing(bool same_class) const;
  bool EachOther(const Np& np, std::string* rel) const;
  bool ParseBareNp(size_t& p, Np* np, int depth);
  bool ParseStretch(size_t& p, Np* np) const;
  bool ParseCut(size_t& p, Np* np, int depth);
  bool ParseSurrounded(size_t& p, Np* np, int depth);
  bool ParseBothSides(size_t& p, Np* np, int depth);
  bool ParseBetween(size_t& p, Np* np, int depth);
  bool LiftWith(const std::string& rel, bool swap, bool them, Np* np, std::vector<Np>& pending, bool negative_lead,
                bool* ok);
  void TakeLifted(Np* head, Np& obj) const;
  bool ParseItem(size_t& p, std::string* out, std::vector<std::string>* heads);
  size_t StartOfRequest();
  size_t EndOfRequest() const;
  std::string Refusal(std::string_view english, const Tokens& trimmed, size_t furthest) const;

  const Tokens& t_;
  const Ontology& ont_;
  const WordNet* wn_;  // null: no WordNet plurals or synonyms
  std::set<std::string> used_vars_;
  size_t furthest_ = 0;
  bool oversized_group_ = false;                // a group of over kMaxNamedEntities was named
  Antecedent ante_;                             // the head of the previous item (empty when it named no entities)
  std::map<std::string, std::string> named_;    // class → the first free entity of it, for "the X"
  std::map<std::string, std::string> var_cls_;  // variable → class it was made for
  bool bare_ = false;                           // the NP being parsed takes no modifiers
  std::string stretch_;                         // the crossing piece of the last cut ("the flooded stretch")
  std::vector<const Np*> outer_;                // heads whose relation object is being parsed
};

std::string Parser::NewVar(const std::string& cls) {
  std::string v = FreshVar(cls);
  var_cls_[v] = cls;
  return v;
}

std::string Parser::FreshVar(const std::string& cls) {
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
  if (IsNumberToken(w)) {
    if (w.find('.') != std::string::npos) return false;
    long v = 0;
    auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || ptr != w.data() + w.size()) return false;
    *n = v;
    ++p;
    return true;
  }
  const LexEntry* hit = nullptr;
  size_t k = Lex(p, LexKind::kNumber, &hit);
  if (!k || hit->phrase == "dozen") return false;
  long v = hit->number;
  size_t q = p + k;
  const LexEntry* unit = nullptr;
  // "twenty five", "twenty-five"
  if (v >= 20 && v % 10 == 0 && v < 100 && Lex(q, LexKind::kNumber, &unit) == 1 && unit->number >= 1 &&
      unit->number <= 9) {
    v += unit->number;
    ++q;
  }
  if (At(q, "hundred")) {
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
  const LexEntry* hit = nullptr;
  size_t k = Lex(p, LexKind::kUnit, &hit);
  if (!k) return false;
  *unit = hit->value;
  *area = hit->area;
  p += k;
  return true;
}

bool Parser::ParseNoun(size_t& p, std::string* cls, bool* plural) {
  auto m = MatchNoun(t_, p, ont_, wn_);
  if (!m) {
    Mark(p);
    return false;
  }
  *cls = m->cls;
  *plural = m->plural;
  p += m->length;
  return true;
}

// "at least N", "more than N" (= N+1), "fewer than N" (= N-1), "exactly N", "between N and M",
// "N or more", "N+" (normalised to "N or more"), "N or fewer".
bool Parser::ParseCountDet(size_t& p, Np* np) {
  long a = 0, b = 0;
  auto between = [&](size_t q) {
    np->det = Det::kCount;
    np->count_op = ">=";
    np->count = a;
    np->count_hi = b;
    p = q;
    return true;
  };
  for (const char* lead : {"between", "from"}) {
    size_t q = p + 1;
    if (At(p, lead) && ParseNumber(q, &a) && (At(q, "and") || At(q, "to")) && (++q, ParseNumber(q, &b))) {
      return between(q);
    }
  }
  size_t r = p;  // "three or four ships", "one or two helicopters": between
  if (ParseNumber(r, &a) && At(r, "or") && (++r, ParseNumber(r, &b)) && b > a) return between(r);
  const LexEntry* hit = nullptr;
  size_t k = Lex(p, LexKind::kCountDet, &hit);
  if (k) {
    size_t q = p + k;
    std::string op = hit->value;
    long n = 0;
    if (!ParseNumber(q, &n)) {
      if (op != "=" || !(At(q, "a") || At(q, "an") || At(q, "one"))) return false;
      ++q;  // "only a", "just one"
      n = 1;
    }
    if (op == ">") {
      op = ">=";
      n += 1;
    } else if (op == "<") {
      if (n <= 0) return false;
      op = "<=";
      n -= 1;
    }
    if (At(q, "single")) ++q;
    np->det = Det::kCount;
    np->count_op = op;
    np->count = n;
    p = q;
    return true;
  }
  size_t q = p;
  if (!ParseNumber(q, &a)) return false;
  if ((k = Phrase(q, "or more")) || (k = Phrase(q, "and more")) || (k = Phrase(q, "plus")) ||
      (k = Phrase(q, "and up")) || (k = Phrase(q, "or above"))) {
    np->count_op = ">=";
  } else if ((k = Phrase(q, "or fewer")) || (k = Phrase(q, "or less")) || (k = Phrase(q, "at most"))) {
    np->count_op = "<=";
  } else {
    return false;
  }
  np->det = Det::kCount;
  np->count = a;
  p = q + k;
  return true;
}

bool Parser::ParseDet(size_t& p, Np* np) {
  size_t k;
  const LexEntry* hit = nullptr;
  if ((k = Lex(p, LexKind::kEveryDet))) {
    np->det = Det::kEvery;
    p += k;
    return true;
  }
  if (ParseCountDet(p, np)) return true;
  if (At(p, "nothing")) {  // "a bridge with nothing on it": no object at all
    np->det = Det::kNo;
    np->cls = "object";
    np->nothing = true;
    ++p;
    return true;
  }
  if ((k = Lex(p, LexKind::kNegDet)) || (k = Phrase(p, "neither"))) {  // "neither planes nor helicopters"
    np->det = Det::kNo;
    p += k;
    if (At(p, "other")) ++p;
    return true;
  }
  if ((k = Phrase(p, "a single")) || (k = Phrase(p, "one single")) || (k = Phrase(p, "only one")) ||
      (k = Phrase(p, "just one"))) {
    np->det = Det::kCount;
    np->count_op = "=";
    np->count = 1;
    p += k;
    return true;
  }
  if ((k = Lex(p, LexKind::kVague, &hit))) {
    if (hit->value == "=") {
      np->det = Det::kSome;
      np->n = static_cast<int>(hit->number);
      np->numbered = true;
    } else {
      np->det = hit->number == 1 ? Det::kSome : Det::kCount;
      np->count_op = ">=";
      np->count = hit->number;
    }
    p += k;
    return true;
  }
  // arrangement nouns: "a cluster of (four) tanks", "a row of cars"
  {
    size_t q = p;
    if (At(q, "a") || At(q, "an") || At(q, "one")) ++q;
    if ((k = Lex(q, LexKind::kGroupNoun, &hit)) && At(q + k, "of")) {
      std::string arrangement = hit->value;
      q += k + 1;
      long m = 0;
      np->numbered = ParseNumber(q, &m);
      np->n = np->numbered ? NamedCount(m) : (arrangement == "row" ? 3 : 2);
      np->det = Det::kSome;
      np->groups.push_back(arrangement);
      p = q;
      return true;
    }
  }
  {
    size_t q = p;
    long n = 0;
    if (ParseNumber(q, &n)) {
      if (n == 0) {
        np->det = Det::kNo;
      } else {
        np->det = Det::kSome;
        np->n = NamedCount(n);
        np->numbered = true;
      }
      if (n > 50) {  // too many variables: count instead
        np->det = Det::kCount;
        np->count_op = ">=";
        np->count = n;
      }
      p = q;
      return true;
    }
  }
  if ((k = Lex(p, LexKind::kArticle, &hit))) {
    np->det = hit->phrase == "any" ? Det::kAnyNeg : Det::kSome;  // kAnyNeg: "any" (meaning depends on context)
    np->definite = hit->phrase == "the" || hit->phrase == "the same";
    np->n = 1;
    p += k;
    if (At(p, "other")) ++p;
    return true;
  }
  if (At(p, "other")) ++p;
  np->det = Det::kSome;  // bare noun: "planes near a harbor"
  np->n = 1;
  return true;
}

bool Parser::ParseRelation(size_t& p, std::string* rel, bool* swap, bool near_verb) const {
  const LexEntry* hit = nullptr;
  size_t k = Lex(p, LexKind::kRelation, &hit);
  if (!k) return false;
  *rel = hit->value;
  *swap = hit->swap;
  if (near_verb && (*rel == "on" || *rel == "near")) *rel = "near";
  // Words whose meaning depends on the ontology (docs/translation.md, "Segmentation
  // ontologies"): "touching" is touching in a segmentation (overlaps, written distance < 1
  // there), near on boxes; "surrounded by" (ParseSurrounded) and "crossing" (Crossing) too.
  if (*rel == "touches") *rel = ont_.exclusive() ? "overlaps" : "near";
  if (*rel == "surrounded" && !ont_.exclusive()) *rel = "near";
  p += k;
  return true;
}

// "crossing" between entities: in a segmentation two pieces of one class that cross are one
// polygon, so two of them "crossing" can only be told by their directions (perpendicular);
// otherwise the pieces overlap (touching in a segmentation).
std::string Parser::Crossing(bool same_class) const {
  return same_class && ont_.exclusive() ? "perpendicular" : "overlaps";
}

// `rel` between the entities of `np` ("crossing each other"); false when it cannot hold for
// each pair: more than two are never all perpendicular to each other.
bool Parser::EachOther(const Np& np, std::string* rel) const {
  if (*rel != "crosses") return true;
  *rel = Crossing(true);
  return *rel != "perpendicular" || (np.det == Det::kSome && (np.numbered ? np.n == 2 : np.plural));
}

// "on it", "next to it", "nearby", "inside", "to its left" ...: the relation of an object to the
// head of a with-phrase; `swap` false means relation(object, head).
bool Parser::ParsePronounRelation(size_t& p, std::string* rel, bool* swap) {
  size_t q = p;
  bool near_verb = false;
  while (Lex(q, LexKind::kLink) || Lex(q, LexKind::kNearVerb) || At(q, "passing")) {
    near_verb = near_verb || Lex(q, LexKind::kNearVerb) > 0;
    ++q;
  }
  std::string r;
  bool s = false;
  size_t z = q;
  if (ParseRelation(z, &r, &s, near_verb) && (At(z, "it") || At(z, "them") || At(z, "itself")) && r != "surrounded") {
    *rel = r == "crosses" ? Crossing(false) : r;
    *swap = s;
    p = z + 1;
    return true;
  }
  const LexEntry* hit = nullptr;
  size_t k = Lex(q, LexKind::kPronounRel, &hit);
  if (!k && near_verb) {  // "with ships docked": near it
    *rel = "near";
    *swap = false;
    p = q;
    return true;
  }
  if (!k || NpFollows(q + k)) return false;  // "near the first", "near a harbor": a relation to that
  *rel = near_verb && hit->value == "on" ? "near" : hit->value;
  *swap = false;
  p = q + k;
  return true;
}

// The variables of `np` that a relation `rel` ties: all of them, except that a row or group
// (or "them" for all of one) is near something when one member is (the last one).
std::vector<std::string> Members(const Np& np, const std::string& rel) {
  bool group = np.arranged || !np.groups.empty();
  if (rel == "near" && group && np.vars.size() > 1) return {np.vars.back()};
  return np.vars;
}

// Moves a finished kSome object's variables and conjuncts into the head (a reference to an
// earlier item's entities brings none).
void AddObject(Np* head, Np& obj, const std::string& realized) {
  if (obj.ref) return;
  for (const auto& v : obj.vars) head->obj_vars.push_back(v);
  for (const auto& v : obj.obj_vars) head->obj_vars.push_back(v);
  head->obj_conj.push_back(realized);
}

// Whether a noun phrase starts at p (a probe: nothing is kept).
bool Parser::NpFollows(size_t p) {
  for (const char* back : {"them", "those", "these", "one of", "the first", "the second", "the third", "the last"}) {
    if (Phrase(p, back)) return true;  // a reference, even before its antecedent is known
  }
  std::set<std::string> vars = used_vars_;
  std::map<std::string, std::string> classes = var_cls_;
  const std::string stretch = stretch_;
  Np probe;
  bool found = ParseNp(p, &probe, 6);
  used_vars_ = std::move(vars);
  var_cls_ = std::move(classes);
  stretch_ = stretch;
  return found;
}

void Parser::Relate(Np* head, const std::string& rel, bool swap, Np& obj) {
  // obj is a kSome NP already finished: its vars and conjuncts move into the head's objects.
  AddObject(head, obj, obj.ref ? "" : Realize(obj, false));
  for (const auto& hv : Members(*head, rel)) {
    for (const auto& ov : Members(obj, rel)) {
      head->links.push_back(swap ? Atom(rel, {ov, hv}) : Atom(rel, {hv, ov}));
    }
  }
}

void Parser::RelateNegated(Np* head, const std::string& rel, bool swap, Np& obj, bool far_any) {
  // "not near any harbor" → NOT exists h: harbor(h) AND near(s, h)
  // "far from any vehicle" → NOT exists v: vehicle(v) AND NOT far(v, t)
  if (obj.ref) {  // "not near them": not near any of them
    for (const auto& hv : head->vars) {
      for (const auto& ov : obj.vars)
        head->closed.push_back("NOT " + (swap ? Atom(rel, {ov, hv}) : Atom(rel, {hv, ov})));
    }
    return;
  }
  for (const auto& hv : head->vars) {
    std::vector<std::string> body;
    for (const auto& c : obj.vars) body.push_back(ClassAtom(obj, c));
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
    head->closed.push_back(Not(Exists(obj.vars, body)));
  }
}

// "near at least three cars", "a harbor with at least three ships": the count of objects
// related to each of the head's variables; obj_first: relation(object, head).
void Parser::RelateCounted(Np* head, const std::string& rel, bool obj_first, Np& obj) {
  for (const auto& hv : head->vars) {
    std::vector<std::string> body = {ClassAtom(obj, obj.vars[0])};
    for (auto& c : obj.own) body.push_back(c);
    body.push_back(obj_first ? Atom(rel, {obj.vars[0], hv}) : Atom(rel, {hv, obj.vars[0]}));
    head->closed.push_back("exists" + obj.count_op + std::to_string(obj.count) + " " + obj.vars[0] + ": " +
                           JoinAnd(body));
  }
}

// `f` with every argument occurrence of variable `from` ("(a, b)", "(a)") renamed `to`; units
// ("100 m") and quantified variables are left alone.
std::string Rename(const std::string& f, const std::string& from, const std::string& to) {
  std::string out;
  for (size_t i = 0; i < f.size();) {
    size_t e = i + from.size();
    bool whole = f.compare(i, from.size(), from) == 0 && i > 0 && (f[i - 1] == '(' || f[i - 1] == ' ') &&
                 e < f.size() && (f[e] == ')' || f[e] == ',');
    if (whole) {
      out += to;
      i += from.size();
    } else {
      out += f[i++];
    }
  }
  return out;
}

// Gives a kSome NP `n` variables; what was already said of its first one ("cars on a bridge in
// a row") is said of each new one.
void Parser::Grow(Np* np, int n) {
  if (n > kMaxNamedEntities) {
    oversized_group_ = true;
    return;
  }
  if (np->det != Det::kSome || np->vars.empty()) {
    while (static_cast<int>(np->vars.size()) < n && np->det == Det::kSome) np->vars.push_back(NewVar(np->cls));
    return;
  }
  const std::string first = np->vars[0];
  const size_t had = np->vars.size();
  while (static_cast<int>(np->vars.size()) < n) np->vars.push_back(NewVar(np->cls));
  for (auto* list : {&np->own, &np->links, &np->closed}) {
    std::vector<std::string> copies;
    for (const auto& f : *list) {
      if (Rename(f, first, "") == f) continue;  // does not mention it
      for (size_t i = had; i < np->vars.size(); ++i) copies.push_back(Rename(f, first, np->vars[i]));
    }
    list->insert(list->end(), copies.begin(), copies.end());
  }
}

// "a harbor with a dozen ships": more than four plain entities are counted (exists>=N, the same
// answers) rather than named one variable each. True when `obj` became such a count.
bool CountIfMany(Np& obj) {
  if (obj.det != Det::kSome || obj.ref || obj.vars.size() <= 4 || !obj.own.empty() || !obj.links.empty() ||
      !obj.closed.empty() || !obj.obj_conj.empty() || obj.arranged) {
    return false;
  }
  obj.det = Det::kCount;
  obj.count_op = ">=";
  obj.count = static_cast<long>(obj.vars.size());
  obj.vars.resize(1);
  return true;
}

// Whether "in a row", "next to each other", "apart" can apply: to a number of entities, a
// count, or a bare plural (which names as many as the arrangement needs), not to "a plane".
bool CanArrange(const Np& np) { return np.numbered || np.plural || np.det == Det::kCount; }

// The atoms of one arrangement over `vars` (english.md, Arrangements): a row is aligned and
// clustered; two entities clustered (or in a row) are near each other; aligned needs three.
bool ArrangementAtoms(const std::string& g, const std::vector<std::string>& vars, std::vector<std::string>* out) {
  if (vars.size() < 2 || (g == "aligned" && vars.size() < 3)) return false;
  if (vars.size() == 2) {
    out->push_back(Atom("near", vars));
    return true;
  }
  if (g == "row" || g == "aligned") out->push_back(Atom("aligned", vars));
  if (g == "row" || g == "clustered") out->push_back(Atom("clustered", vars));
  return true;
}

// "docked ships" outside a with-list: near a harbor of their own (false when the ontology has
// no harbor: the word cannot be placed).
bool Parser::Dock(Np& np) {
  np.near_adj = false;
  auto harbor = ont_.Resolve("harbor");
  if (!harbor) return false;
  std::string h = NewVar(harbor->name);
  for (const auto& v : np.vars) np.links.push_back(Atom("near", {v, h}));
  np.obj_vars.push_back(h);
  np.obj_conj.push_back(Atom(harbor->name, {h}));
  return true;
}

// "a stranded vehicle" (docs/translation.md): on a flooded road, with no dry road near it. What
// the phrase says anyway ("a stranded vehicle: on a flooded road, with no dry road next to it")
// is not said twice. False when the ontology names no flooded and dry road.
bool Parser::Strand(Np& np) {
  np.stranded = false;
  const auto wet = ont_.Resolve("flooded road"), dry = ont_.Resolve("dry road");
  if (!wet || !dry || wet->is_group || dry->is_group || np.det != Det::kSome || np.ref) return false;
  auto said = [&](const std::vector<std::string>& list, const std::string& cls, auto formula) {
    for (const auto& [var, c] : var_cls_) {
      if (c == cls && std::find(list.begin(), list.end(), formula(var)) != list.end()) return true;
    }
    return false;
  };
  for (const auto& v : np.vars) {
    if (!said(np.links, wet->name, [&](const std::string& r) { return Atom("on", {v, r}); })) {
      const std::string r = NewVar(wet->name);
      if (np.vars.size() > 1) {  // each on a flooded road of its own or the same one
        np.closed.push_back(Exists({r}, {Atom(wet->name, {r}), Atom("on", {v, r})}));
      } else {
        np.obj_vars.push_back(r);
        np.obj_conj.push_back(Atom(wet->name, {r}));
        np.links.push_back(Atom("on", {v, r}));
      }
    }
    auto no_dry = [&](const std::string& d, bool after) {
      return Not(Exists({d}, {Atom(dry->name, {d}), after ? Atom("near", {v, d}) : Atom("near", {d, v})}));
    };
    if (!said(np.closed, dry->name, [&](const std::string& d) { return no_dry(d, true); }) &&
        !said(np.closed, dry->name, [&](const std::string& d) { return no_dry(d, false); })) {
      np.closed.push_back(no_dry(NewVar(dry->name), true));
    }
  }
  return true;
}

// Applies pending arrangements and pairwise relations once the NP's variables are final. An
// arrangement of a bare noun names three entities for a row or alignment, two otherwise
// ("cars in a row", "planes next to each other"). False when an arrangement cannot hold.
bool Parser::Finish(Np& np) {
  if (np.near_adj && !Dock(np)) return false;
  if (np.stranded && !Strand(np)) return false;
  bool pending = !np.groups.empty() || !np.pair_rels.empty() || !np.pair_metrics.empty();
  if (np.det == Det::kAnyNeg && pending) np.det = Det::kSome;
  if (np.det == Det::kCount && pending) {
    // "at least three cars in a row": as many distinct entities
    if (np.count_op == "<=" || np.count_hi >= 0) return false;
    np.det = Det::kSome;
    np.n = NamedCount(std::max<long>(np.count, 1));
    np.numbered = true;
  }
  if (pending && !np.numbered && np.det == Det::kSome) {
    bool three = !np.groups.empty() && np.groups[0] != "clustered";
    np.n = std::max(np.n, three ? 3 : 2);
  }
  if (np.cut && np.n > static_cast<int>(np.vars.size())) return false;  // the cut was said of the first only
  Grow(&np, np.n);
  if (!np.groups.empty()) np.arranged = true;
  for (const auto& g : np.groups) {
    if (!ArrangementAtoms(g, np.vars, &np.own)) return false;
  }
  np.groups.clear();
  for (const auto& rel : np.pair_rels) {
    if (np.vars.size() < 2) return false;
    for (size_t i = 0; i + 1 < np.vars.size(); ++i) {
      for (size_t j = i + 1; j < np.vars.size(); ++j) {
        if (rel != "near" && j != i + 1 && rel != "parallel" && rel != "perpendicular") continue;
        np.own.push_back(Atom(rel, {np.vars[i], np.vars[j]}));
      }
    }
  }
  np.pair_rels.clear();
  for (const auto& m : np.pair_metrics) {
    if (np.vars.size() < 2) return false;
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
  return true;
}

// The formula of a kSome NP as conjuncts (free variables) or, in a closed scope, existentially
// closed; the formula of a quantified NP otherwise.
std::string Parser::Realize(Np& np, bool closed_scope) {
  std::vector<std::string> conj;
  if (np.det == Det::kSome || np.det == Det::kAnyNeg) {
    std::vector<std::string> own_class;
    if (!np.ref) {
      for (const auto& v : np.vars) own_class.push_back(ClassAtom(np, v));
    }
    if (np.vars.size() >= 2) {
      for (auto& c : np.obj_conj) conj.push_back(c);
      for (auto& c : own_class) conj.push_back(c);
    } else {
      for (auto& c : own_class) conj.push_back(c);
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
  std::vector<std::string> body = {ClassAtom(np, x)};
  for (auto& c : np.own) body.push_back(c);
  for (auto& c : np.closed) body.push_back(c);
  if (np.det == Det::kCount) {
    // Objects stay outside the count: "at least three ships near a harbor" (the same harbor).
    for (auto& c : np.links) body.push_back(c);
    std::string q;
    if (np.count_hi >= 0) {
      std::string y = NewVar(np.cls);
      std::string lo = "exists>=" + std::to_string(np.count) + " " + x + ": " + JoinAnd(body);
      std::vector<std::string> body2 = {ClassAtom(np, y)};
      for (size_t i = 1; i < body.size(); ++i) {
        body2.push_back(Rename(body[i], x, y));
      }
      std::string hi = "exists<=" + std::to_string(np.count_hi) + " " + y + ": " + JoinAnd(body2);
      q = "(" + lo + ") AND (" + hi + ")";
    } else if (np.count > 0) {
      q = "exists" + np.count_op + std::to_string(np.count) + " " + x + ": " + JoinAnd(body);
    } else if (np.count_op == "=") {
      q = Not(Exists({x}, body));  // "exactly two ships, two of them ...": no other
    }
    std::vector<std::string> outer = np.obj_conj;
    if (!q.empty()) outer.push_back(q);
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
  // english.md: "every X is ..." also asks for at least one X (no vacuous truth)
  std::string y = NewVar(np.cls);
  return "(exists " + y + ": " + ClassAtom(np, y) + ") AND (forall " + x + ": " + ClassAtom(np, x) + " -> " +
         (cons.size() > 1 ? "(" + JoinAnd(cons) + ")" : JoinAnd(cons)) + ")";
}

bool Parser::ParseNp(size_t& p, Np* np, int depth) {
  if (depth > 6) return false;
  size_t start = p;
  if (depth > 0 && (ParseReference(p, np) || ParseStretch(p, np))) return true;  // "near one of them"
  if (!ParseDet(p, np)) {
    p = start;
    return false;
  }
  while (At(p, "other") || At(p, "more") || At(p, "separate") || At(p, "different") || At(p, "distinct") ||
         At(p, "individual")) {
    if (At(p, "more") && np->det != Det::kCount) break;
    ++p;
  }
  while (At(p, "collinear") || At(p, "aligned") || At(p, "clustered") || At(p, "grouped")) {
    // "3 collinear cars": the geometry alone; "four clustered tanks"
    np->groups.push_back(At(p, "collinear") || At(p, "aligned") ? "aligned" : "clustered");
    ++p;
  }
  bool isolated = false, empty = false;
  while (At(p, "isolated") || At(p, "lone") || At(p, "solitary") || At(p, "empty") || At(p, "vacant") ||
         At(p, "unoccupied") || At(p, "stranded")) {
    if (At(p, "stranded")) np->stranded = true;
    else (At(p, "isolated") || At(p, "lone") || At(p, "solitary") ? isolated : empty) = true;
    ++p;
  }
  // "two crossing roads": the two cross each other (a noun must follow: "crossing" is a noun in
  // HRRSD); more than two cannot be pairwise perpendicular, so only two
  if ((At(p, "crossing") || At(p, "intersecting")) && np->det == Det::kSome &&
      (np->numbered ? np->n == 2 : np->plural) && MatchNoun(t_, p + 1, ont_, wn_)) {
    np->pair_rels.push_back(Crossing(true));
    ++p;
  }
  // "docked ships", "moored boats": near what holds them; "parked cars": nothing more
  while (Lex(p, LexKind::kNearVerb) || At(p, "parked") || At(p, "stationary")) {
    if (Lex(p, LexKind::kNearVerb)) np->near_adj = true;
    ++p;
  }
  if (!np->nothing && !ParseNoun(p, &np->cls, &np->plural)) {
    p = start;
    return false;
  }
  while (At(p, "or") || At(p, "nor") || Phrase(p, "and or")) {  // "cars or trucks": one entity of either class
    size_t r = p + (Phrase(p, "and or") ? 2 : 1);
    std::string alt;
    bool plural = false;
    if (!ParseNoun(r, &alt, &plural)) break;
    np->alt.push_back(alt);
    p = r;
  }
  int nvars = np->det == Det::kSome || np->det == Det::kAnyNeg ? std::max(1, np->n) : 1;
  if (np->det == Det::kCount && np->count_op == "=" && np->count == 0) np->det = Det::kNo;
  auto earlier = named_.find(np->cls);
  if (earlier == named_.end()) {  // "the building" for the one dry building named before
    const auto group = ont_.Resolve(np->cls);
    int members = 0;
    for (auto it = named_.begin(); group && group->is_group && it != named_.end(); ++it) {
      const auto member = ont_.FindClass(it->first);
      if (member && std::binary_search(group->class_ids.begin(), group->class_ids.end(), *member)) {
        earlier = it;
        ++members;
      }
    }
    if (members != 1) earlier = named_.end();
  }
  if (np->definite && !np->plural && depth > 0 && earlier != named_.end() && np->alt.empty()) {
    np->vars = {earlier->second};  // "a ship near a bridge and a roundabout north of the bridge"
    np->ref = true;
    nvars = 0;
  }
  for (int i = 0; i < nvars; ++i) np->vars.push_back(NewVar(np->cls));
  if (isolated) {
    // "an isolated plane": no other entity of its class near it
    for (const auto& hv : np->vars) {
      std::string o = NewVar(np->cls);
      np->closed.push_back(Not(Exists({o}, {Atom(np->cls, {o}), Atom("near", {o, hv})})));
    }
  }
  if (empty) AddEmpty(np);
  while (!bare_) {  // modifiers; a comma before one changes nothing ("ships, near a harbor")
    size_t q = p;
    if (At(p, ",")) {
      // an object's modifiers end at a comma ("a bridge with no cars, near a harbor"), but for
      // "..., two of them parallel"
      Np probe = *np;
      size_t r = p + 1;
      const std::string stretch = stretch_;
      const bool partitive = depth == 0 || ParsePartitive(r, &probe, depth);
      stretch_ = stretch;
      if (!partitive) break;
      q = p + 1;
    }
    if (!ParseModifier(q, np, depth)) break;
    p = q;
  }
  return true;
}

// "an empty bridge", "a bridge that is empty": no object at all in the relation the head has
// with its contents (english.md).
void Parser::AddEmpty(Np* np) {
  for (const auto& hv : np->vars) {
    std::string o = NewVar("object");
    np->closed.push_back(Not(Exists({o}, {Atom("object", {o}), Atom(ContentRelation(np->cls), {o, hv})})));
  }
}

bool Parser::ParseMetric(size_t& p, Np* np, int depth) {
  size_t q = p;
  while (q < t_.size() &&
         (t_[q] == "that" || t_[q] == "which" || t_[q] == "is" || t_[q] == "are" || t_[q] == "being" ||
          t_[q] == "each" || t_[q] == "measuring" || t_[q] == "both" || t_[q] == "all" || t_[q] == "spaced" ||
          t_[q] == "located" || t_[q] == "situated" || t_[q] == "positioned" || t_[q] == "lying")) {
    ++q;
  }
  // "with an area of more than N m2", "with a length over N m", "of length N"
  std::string measure_hint;
  for (const auto& [ph, m] : std::vector<std::pair<const char*, const char*>>{
           {"with an area of", "area"},   {"with an area", "area"},         {"with a length of", "length"},
           {"with a length", "length"},   {"with a width of", "width"},     {"with a width", "width"},
           {"having an area of", "area"}, {"having a length of", "length"}, {"of area", "area"},
           {"of length", "length"},       {"whose area is", "area"},        {"whose length is", "length"},
           {"with a size of", "area"},    {"with a diameter of", "width"},  {"with a diameter", "width"},
           {"of diameter", "width"},      {"whose diameter is", "width"},   {"covering", "area"},
           {"that covers", "area"},       {"with a surface of", "area"},    {"with a surface area of", "area"},
           {"has an area of", "area"},    {"has a length of", "length"}}) {
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
    const LexEntry* hit = nullptr;
    size_t best = Lex(q, LexKind::kComparison, &hit);
    if (best == 0) {
      if (measure_hint.empty()) return false;
      op = ">=";  // "with an area of 2000 m2": at least
    } else {
      op = hit->value;
      cmp_word = hit->phrase;
    }
    q += best;
  }
  double value;
  if (!ParseReal(q, &value)) return false;
  std::string unit;
  bool area = false;
  bool has_unit = ParseUnit(q, &unit, &area);
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
  } else if ((k = Phrase(q, "wide")) || (k = Phrase(q, "in width")) || (k = Phrase(q, "across")) ||
             (k = Phrase(q, "in diameter"))) {
    measure = "width";
    q += k;
  } else if ((k = Phrase(q, "in area")) || (k = Phrase(q, "in size")) || (k = Phrase(q, "large")) ||
             (k = Phrase(q, "big"))) {
    measure = "area";
    q += k;
  } else if ((k = Phrase(q, "apart")) || (k = Phrase(q, "from each other")) || (k = Phrase(q, "of each other")) ||
             (k = Phrase(q, "from one another")) || (k = Phrase(q, "of one another")) ||
             (k = Phrase(q, "away from each other")) || (k = Phrase(q, "apart from each other"))) {
    if (!CanArrange(*np) || (np->vars.size() < 2 && np->numbered)) return false;
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
    if (!Finish(obj)) return false;
    std::string cmp_text = std::string(op) + " " + num;
    if (obj.det == Det::kSome) {
      AddObject(np, obj, obj.ref ? "" : Realize(obj, false));
      for (const auto& hv : np->vars)
        for (const auto& ov : obj.vars) np->links.push_back("distance(" + hv + ", " + ov + ") " + cmp_text);
    } else if (obj.det == Det::kAnyNeg || obj.det == Det::kEvery) {
      // "more than 100 m from any harbor": no harbor within that distance
      static const std::map<std::string, std::string> kNeg = {{">", "<="}, {">=", "<"}, {"<", ">="}, {"<=", ">"}};
      for (const auto& hv : np->vars) {
        std::vector<std::string> body = {ClassAtom(obj, obj.vars[0])};
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

// Moves q past the "," or "and" (or both) after a list item; false when neither follows.
bool Parser::NextListItem(size_t& q) const {
  size_t c = q;
  if (At(c, ",")) ++c;
  if (At(c, "and")) ++c;
  if (c == q) return false;
  q = c;
  return true;
}

// Relates each pending with-object to the head (`rel` from object to head unless `swap`), and
// empties `pending`; *ok false when one cannot be ("without no ships").
void Parser::ApplyWith(Np* np, std::vector<Np>& pending, const std::string& rel, bool swap, bool negative_lead,
                       bool* ok) {
  for (auto& obj : pending) {
    if (negative_lead || obj.det == Det::kNo) {
      if (negative_lead && obj.det == Det::kNo) *ok = false;
      obj.det = Det::kSome;
      RelateNegated(np, rel, !swap, obj, false);
    } else if (CountIfMany(obj) || obj.det == Det::kCount) {
      RelateCounted(np, rel, !swap, obj);
    } else if (obj.det == Det::kSome || obj.det == Det::kAnyNeg) {
      obj.det = Det::kSome;
      Relate(np, rel, !swap, obj);
    } else {
      *ok = false;
    }
  }
  pending.clear();
}

// "with Y", "with no Y", "without Y", "free of Y", "that has no Y on it", "and no Y near it":
// Y in the relation written after it, else in the head's content relation (english.md: on for
// bridges, helipads, courts, fields, airports; near otherwise). A list continues with "and".
bool Parser::ParseWith(size_t& p, Np* np, int depth) {
  size_t q = p;
  size_t k;
  bool negative_lead = false, and_no = false;
  // "and with", "but without" continue the head's own list only (not an object's: "a harbor
  // without ships but with cranes")
  bool head = depth == 0;
  if ((head && ((k = Phrase(q, "and without")) || (k = Phrase(q, "but without")))) || (k = Phrase(q, "without")) ||
      (k = Phrase(q, "free of")) || (k = Phrase(q, "free from")) || (k = Phrase(q, "devoid of")) ||
      (k = Phrase(q, "that does not have")) || (k = Phrase(q, "which does not have")) ||
      (k = Phrase(q, "that do not have")) || (k = Phrase(q, "that not have")) || (k = Phrase(q, "which do not have")) ||
      (k = Phrase(q, "lacking"))) {
    negative_lead = true;
  } else if ((k = Phrase(q, "and no")) || (k = Phrase(q, "but no")) || (k = Phrase(q, "no"))) {
    and_no = true;  // "a bridge, no cars on it": only with the relation written
    --k;            // keep "no" for the determiner
  } else if (!((head && ((k = Phrase(q, "and with")) || (k = Phrase(q, "but with")))) || (k = Phrase(q, "with")) ||
               (k = Phrase(q, "where there are")) || (k = Phrase(q, "where there is")) || (k = Phrase(q, "having")) ||
               (k = Phrase(q, "that has")) || (k = Phrase(q, "that have")) || (k = Phrase(q, "which has")) ||
               (k = Phrase(q, "which have")) || (k = Phrase(q, "has")) || (k = Phrase(q, "have")))) {
    return false;
  }
  q += k;
  // A list: each item takes the relation written after it or after a later item ("two cars and
  // a truck on it", "a tennis court and a pool nearby"), else the head's content relation.
  const std::string content = ContentRelation(np->cls);
  std::vector<Np> pending;
  Antecedent list_prev;  // the list's previous item, for "next to them"
  bool first = true, ok = true;
  while (true) {
    size_t item_start = q;
    Np obj;
    if (!ParseNp(q, &obj, depth + 1)) {
      if (first) return false;
      q = item_start;
      break;
    }
    std::string rel = content;
    bool swap = false;
    size_t z = q;
    if (np->vars.size() == 1 && !np->plural && list_prev.vars.size() > 1 && ParsePronounRelation(z, &rel, &swap) &&
        t_[z - 1] == "them") {
      // "a track with three courts in a row nearby and a basketball court next to them": the
      // courts, not the track
      if (!Finish(obj)) return false;
      Np them;
      RefTo(&them, list_prev, list_prev.vars);
      Relate(&obj, rel, swap, them);
      AddObject(np, obj, Realize(obj, false));
      q = z;
      first = false;
      if (!NextListItem(q)) break;
      continue;
    }
    rel = content;
    swap = false;
    bool explicit_rel = ParsePronounRelation(q, &rel, &swap);
    if (and_no && !explicit_rel) return false;  // "X and no Y" is a conjunction: no Y anywhere
    // "X with Y and no Z": a later negated item with no relation to the head written is an
    // item of the query (english.md: no Z anywhere)
    bool own_item = obj.det == Det::kNo || obj.det == Det::kEvery;
    if (!first && !explicit_rel && !negative_lead && own_item) {
      q = item_start;
      break;
    }
    bool docked = obj.near_adj;  // "with three docked ships": near the head, not a harbor of their own
    obj.near_adj = false;
    if (!Finish(obj)) return false;
    if (obj.tied && !explicit_rel) {  // "with a vehicle on the flooded stretch": tied to the head already
      if (negative_lead) obj.det = Det::kNo;
      if (obj.det == Det::kNo) np->closed.push_back(Realize(obj, false));
      else if (obj.det == Det::kSome) AddObject(np, obj, Realize(obj, false));
      else return false;
      first = false;
      if (!NextListItem(q)) break;
      continue;
    }
    if (obj.det == Det::kSome) list_prev = {obj.cls, obj.vars, obj.arranged};
    if (!explicit_rel && docked) {
      std::vector<Np> alone;
      alone.push_back(std::move(obj));
      ApplyWith(np, alone, "near", false, negative_lead, &ok);
      if (!ok) return false;
    } else {
      pending.push_back(std::move(obj));
    }
    if (explicit_rel) {
      if (!LiftWith(rel, swap, t_[q - 1] == "them", np, pending, negative_lead, &ok))
        ApplyWith(np, pending, rel, swap, negative_lead, &ok);
      if (!ok) return false;
      // "without any cars on it and a swimming pool near it": the negation ended with its relation
      if (negative_lead && At(q, "and") && (At(q + 1, "a") || At(q + 1, "an"))) negative_lead = false;
    }
    first = false;
    if (!NextListItem(q)) break;
  }
  ApplyWith(np, pending, content, false, negative_lead, &ok);
  if (!ok) return false;
  // a trailing "and" that did not continue the list belongs to the caller
  while (q > p && (t_[q - 1] == "and" || t_[q - 1] == ",")) --q;
  p = q;
  return true;
}

// "in a row", "lined up", "aligned", "next to each other" (possibly after "that are", "parked"),
// and "parallel to each other": pending on the NP until Finish().
bool Parser::ParseArrangement(size_t& p, Np* np) {
  size_t r = p;
  while (!Lex(r, LexKind::kArrangement) && (Lex(r, LexKind::kLink) || Lex(r, LexKind::kNearVerb))) ++r;
  if (np->det == Det::kNo || np->det == Det::kEvery) return false;
  const LexEntry* hit = nullptr;
  size_t k = Lex(r, LexKind::kArrangement, &hit);
  if (!CanArrange(*np)) return false;
  if (k) {
    if (np->numbered && (np->n < 2 || (hit->value == "aligned" && np->n < 3))) return false;
    np->groups.push_back(hit->value);
    if (!np->numbered && np->det == Det::kSome) {  // "cars in a row": three of them (english.md)
      np->n = std::max(np->n, hit->value == "clustered" ? 2 : 3);
      Grow(np, np->n);
    }
    p = r + k;
    return true;
  }
  std::string rel;
  bool swap = false;
  if ((At(r, "parallel") || At(r, "perpendicular")) && !At(r + 1, "to") && !At(r + 1, "with") &&
      (np->vars.size() >= 2 || !np->numbered)) {
    // "two ships docked parallel", "two of them parallel": to each other
    if (!NpFollows(r + 1)) {
      np->pair_rels.push_back(t_[r]);
      p = r + 1;
      return true;
    }
  }
  if (ParseRelation(r, &rel, &swap, false) && rel != "surrounded" &&
      ((k = Phrase(r, "each other")) || (k = Phrase(r, "one another")) || (k = Phrase(r, "each other s")))) {
    if ((np->numbered && np->n < 2) || !EachOther(*np, &rel)) return false;
    np->pair_rels.push_back(rel);
    p = r + k;
    return true;
  }
  return false;
}

// "a tennis court row of three", "courts in a row of four", "tanks in a cluster of five": the
// number and arrangement written after the noun.
bool Parser::ParseRowOf(size_t& p, Np* np) {
  if (np->det != Det::kSome || np->numbered || np->ref) return false;
  size_t q = p;
  if (At(q, "in") || At(q, "forming") || At(q, "making")) ++q;
  if (At(q, "a") || At(q, "an") || At(q, "one")) ++q;
  const LexEntry* hit = nullptr;
  size_t k = Lex(q, LexKind::kGroupNoun, &hit);
  if (!k || !At(q + k, "of")) return false;
  q += k + 1;
  long n = 0;
  if (!ParseNumber(q, &n) || n < 2) return false;
  np->n = NamedCount(n);
  np->numbered = true;
  np->groups.push_back(hit->value);
  Grow(np, np->n);
  p = q;
  return true;
}

// "at least four ships, one of them near a bridge", "four docked ships, two of them parallel":
// N of the head's entities, with what is said of them. Of a count, the N are named and the
// count keeps the others (distinct by logic.md §3): ship(s) AND near(s, b) AND exists>=3 x: ship(x).
bool Parser::ParsePartitive(size_t& p, Np* np, int depth) {
  size_t q = p;
  if (At(q, "and") || At(q, "with")) ++q;
  long n = 0;
  if (At(q, "one")) {
    n = 1;
    ++q;
  } else if (!ParseNumber(q, &n) || n < 1) {
    return false;
  }
  if (n > kMaxNamedEntities) {
    oversized_group_ = true;
    return false;
  }
  if (!At(q, "of") || !(At(q + 1, "them") || At(q + 1, "those") || At(q + 1, "which"))) return false;
  q += 2;
  Np sub;
  sub.cls = np->cls;
  sub.det = Det::kSome;
  sub.n = static_cast<int>(n);
  sub.numbered = true;
  sub.plural = n > 1;
  if (np->det == Det::kSome) {
    if (!np->numbered && np->plural) Grow(np, static_cast<int>(n) + 1);  // "ships, two of them ...": some more
    if (static_cast<long>(np->vars.size()) < n) return false;
    sub.vars.assign(np->vars.begin(), np->vars.begin() + n);
    sub.ref = true;
  } else if (np->det == Det::kCount && np->count_hi < 0 && np->count_op != "<=" && np->count >= n) {
    for (long i = 0; i < n; ++i) sub.vars.push_back(NewVar(np->cls));
  } else {
    return false;
  }
  bool said = false;
  while (true) {
    size_t r = At(q, ",") ? q + 1 : q;
    if (!ParseModifier(r, &sub, depth)) break;
    q = r;
    said = true;
  }
  if (!said || !Finish(sub)) return false;
  if (sub.ref) {
    using List = std::vector<std::string>;
    for (auto [from, to] : std::vector<std::pair<List*, List*>>{{&sub.own, &np->own},
                                                                {&sub.links, &np->links},
                                                                {&sub.closed, &np->closed},
                                                                {&sub.obj_conj, &np->obj_conj},
                                                                {&sub.obj_vars, &np->obj_vars}}) {
      to->insert(to->end(), from->begin(), from->end());
    }
  } else {
    for (const auto& v : sub.vars) np->obj_vars.push_back(v);
    for (const auto& v : sub.obj_vars) np->obj_vars.push_back(v);
    np->obj_conj.push_back(Realize(sub, false));
    np->count -= n;
  }
  p = q;
  return true;
}

// A reference to the entities of the previous item (ante_): "one of them", "N of them", "the
// first", "the second", "the last (one)", "them", "those", "all of them", "both of them".
bool Parser::ParseReference(size_t& p, Np* np) const {
  if (ante_.vars.empty()) return false;
  const auto& v = ante_.vars;
  size_t q = p;
  std::vector<std::string> picked;
  long n = 0;
  static const std::vector<std::pair<const char*, int>> kOrdinals = {
      {"the first", 0}, {"the second", 1}, {"the third", 2}, {"the fourth", 3}, {"the fifth", 4}, {"the last", -1}};
  size_t k = 0;
  for (const auto& [phrase, index] : kOrdinals) {
    if ((k = Phrase(q, phrase))) {
      if (index >= static_cast<int>(v.size())) return false;
      picked = {index < 0 ? v.back() : v[static_cast<size_t>(index)]};
      q += k;
      if (At(q, "one")) ++q;
      else if (Phrase(q, "of them")) q += 2;
      break;
    }
  }
  if (picked.empty()) {
    size_t r = q;
    if (At(r, "one")) {
      n = 1;
      ++r;
    } else if ((k = Phrase(r, "all")) || (k = Phrase(r, "both")) || (k = Phrase(r, "each"))) {
      n = static_cast<long>(v.size());
      r += k;
    } else if (!ParseNumber(r, &n)) {
      n = 0;
    }
    if (n > 0 && At(r, "of") && (At(r + 1, "them") || At(r + 1, "those"))) {
      if (n > static_cast<long>(v.size())) return false;
      picked.assign(v.begin(), v.begin() + n);
      q = r + 2;
    } else if (At(q, "them") || At(q, "those") || At(q, "these")) {
      picked = v;
      ++q;
    } else {
      return false;
    }
  }
  RefTo(np, picked);
  p = q;
  return true;
}

void Parser::RefTo(Np* np, const std::vector<std::string>& picked) const { RefTo(np, ante_, picked); }

void Parser::RefTo(Np* np, const Antecedent& ante, const std::vector<std::string>& picked) {
  np->cls = ante.cls;
  np->det = Det::kSome;
  np->vars = picked;
  np->n = static_cast<int>(picked.size());
  np->numbered = true;
  np->plural = picked.size() > 1;
  np->ref = true;
  np->arranged = ante.arranged && picked.size() == ante.vars.size();
}

// An NP without modifiers of its own, finished: what follows describes the head ("a building
// surrounded by water near a road" is a building near a road).
bool Parser::ParseBareNp(size_t& p, Np* np, int depth) {
  const bool was = bare_;
  bare_ = true;
  const bool parsed = ParseNp(p, np, depth);
  bare_ = was;
  return parsed && Finish(*np);
}

// "the flooded stretch", "the cut": the crossing piece of the last cut (ParseCut), a part of
// the cut entity.
bool Parser::ParseStretch(size_t& p, Np* np) const {
  auto noun = [&](size_t i) {
    return At(i, "stretch") || At(i, "section") || At(i, "segment") || At(i, "part") || At(i, "gap") || At(i, "cut");
  };
  const auto cls = var_cls_.find(stretch_);
  if (cls == var_cls_.end() || !At(p, "the")) return false;
  size_t q = p + 1;
  while (!noun(q) && (At(q, "flooded") || At(q, "submerged") || At(q, "inundated") || At(q, "wet") || At(q, "cut")))
    ++q;
  if (!noun(q)) return false;
  np->cls = cls->second;
  np->det = Det::kSome;
  np->vars = {stretch_};
  np->n = 1;
  np->numbered = true;
  np->ref = true;
  np->part = true;
  p = q + 1;
  return true;
}

// "a road cut by water" (docs/translation.md): in a segmentation, the road goes on at both
// sides of a piece across it — two pieces of road touch that piece and are parallel to each
// other. Water over a road is labelled flooded road, not water, so when the ontology names the
// flooded and the dry kind of the noun ("flooded road", "dry road"), a cut by water is a
// flooded piece between two dry ones. The head's entity is the first side; "the flooded
// stretch" is the piece across. Box ontologies cannot show a cut: not taken there.
bool Parser::ParseCut(size_t& p, Np* np, int depth) {
  size_t q = p, k = 0;
  for (const char* ph : {"cut by", "cut off by", "cut through by", "severed by", "interrupted by", "split by"}) {
    if ((k = Phrase(q, ph))) break;
  }
  if (!k || !ont_.exclusive() || np->det != Det::kSome || np->ref || !np->alt.empty() || np->cut) return false;
  q += k;
  Np by;
  if (!ParseBareNp(q, &by, depth + 1) || by.det != Det::kSome || by.ref || by.vars.size() != 1) return false;
  std::string side = np->cls;
  Np across = by;  // its class atom is the piece's
  const auto water = ont_.Resolve("water");
  if (water && !water->is_group && by.alt.empty() && by.cls == water->name) {
    std::string word = np->cls;
    std::replace(word.begin(), word.end(), '_', ' ');
    const auto wet = ont_.Resolve("flooded " + word), dry = ont_.Resolve("dry " + word);
    if (wet && dry && !wet->is_group && !dry->is_group) {
      side = dry->name;
      across.cls = wet->name;
    }
  }
  np->cls = side;
  for (const auto& hv : np->vars) {
    var_cls_[hv] = side;
    const std::string c = NewVar(side), f = NewVar(across.cls);
    np->obj_vars.insert(np->obj_vars.end(), {c, f});
    np->obj_conj.insert(np->obj_conj.end(), {Atom(side, {c}), ClassAtom(across, f)});
    np->links.insert(np->links.end(), {"distance(" + hv + ", " + f + ") < 1", "distance(" + c + ", " + f + ") < 1",
                                       Atom("parallel", {hv, c})});
    stretch_ = f;
  }
  np->cut = true;
  p = q;
  return true;
}

// "a building surrounded by water" in a segmentation: it touches a Y and nothing but a Y
// touches it (docs/translation.md). What surrounds takes no modifiers.
bool Parser::ParseSurrounded(size_t& p, Np* np, int depth) {
  Np by;
  size_t q = p;
  if (!ParseBareNp(q, &by, depth + 1) || by.det != Det::kSome || by.ref) return false;
  Relate(np, "overlaps", false, by);  // touching: distance < 1 in a segmentation
  for (const auto& hv : np->vars) {
    const std::string z = NewVar("object");
    np->closed.push_back(Not(Exists({z}, {Atom("object", {z}), "NOT " + ClassAtom(by, z), Atom("overlaps", {z, hv})})));
  }
  p = q;
  return true;
}

// "flooded buildings on both sides of the flooded stretch": two of them, each near it and not
// near each other (so on opposite sides of it).
bool Parser::ParseBothSides(size_t& p, Np* np, int depth) {
  size_t q = p, k = 0;
  for (const char* ph : {"on both sides of", "on either side of", "on each side of", "on opposite sides of",
                         "either side of", "both sides of", "on the two sides of"}) {
    if ((k = Phrase(q, ph))) break;
  }
  if (!k || np->det != Det::kSome || np->ref || np->cut) return false;
  if (np->numbered ? np->vars.size() != 2 : !np->plural) return false;
  q += k;
  Np obj;
  outer_.push_back(np);
  const bool parsed = ParseNp(q, &obj, depth + 1);
  outer_.pop_back();
  if (!parsed || !Finish(obj) || obj.det != Det::kSome) return false;
  np->n = 2;
  np->numbered = true;
  Grow(np, 2);
  Relate(np, "near", false, obj);
  np->own.push_back("NOT " + Atom("near", {np->vars[0], np->vars[1]}));
  if (obj.part) np->tied = true;
  TakeLifted(np, obj);
  p = q;
  return true;
}

// "a building between two roads", "between a road and a pool": near each of them (logic.md has
// no betweenness; near both is what can be checked).
bool Parser::ParseBetween(size_t& p, Np* np, int depth) {
  if (!At(p, "between")) return false;
  size_t q = p + 1;
  std::vector<Np> ends(1);
  outer_.push_back(np);
  bool ok = ParseNp(q, &ends[0], depth + 1) && Finish(ends[0]) && ends[0].det == Det::kSome;
  if (ok && ends[0].vars.size() == 1) {  // "between a road and a pool"
    ends.emplace_back();
    ok = At(q, "and") && ParseNp(++q, &ends[1], depth + 1) && Finish(ends[1]) && ends[1].det == Det::kSome &&
         ends[1].vars.size() == 1;
  }
  outer_.pop_back();
  if (!ok || (ends.size() == 1 && ends[0].vars.size() != 2)) return false;
  for (auto& e : ends) {
    Relate(np, "near", false, e);
    if (e.part) np->tied = true;
    TakeLifted(np, e);
  }
  p = q;
  return true;
}

// The with-phrase of an object that belongs to the enclosing head, moved into it.
void Parser::TakeLifted(Np* head, Np& obj) const {
  head->obj_vars.insert(head->obj_vars.end(), obj.lifted_vars.begin(), obj.lifted_vars.end());
  head->obj_conj.insert(head->obj_conj.end(), obj.lifted_conj.begin(), obj.lifted_conj.end());
  head->links.insert(head->links.end(), obj.lifted_links.begin(), obj.lifted_links.end());
  head->closed.insert(head->closed.end(), obj.lifted_closed.begin(), obj.lifted_closed.end());
  obj.lifted_vars.clear();
  obj.lifted_conj.clear();
  obj.lifted_links.clear();
  obj.lifted_closed.clear();
}

// "roads next to buildings with vehicles on them": a with-phrase whose written relation is `on`
// belongs to the nearest noun things stand on (docs/translation.md): when the object `np` holds
// nothing on it (its content relation is near) and the head it is related to does, and the
// pronoun agrees with the head ("them" a plural, "it" a singular), the items of `pending` are
// related to that head instead, through np->lifted_* (*ok false when one cannot be). False when
// the phrase stays with `np`.
bool Parser::LiftWith(const std::string& rel, bool swap, bool them, Np* np, std::vector<Np>& pending,
                      bool negative_lead, bool* ok) {
  if (rel != "on" || swap || outer_.empty() || ContentRelation(np->cls) == "on") return false;
  const Np& head = *outer_.back();
  if (head.det != Det::kSome || head.ref || ContentRelation(head.cls) != "on") return false;
  if (them != (head.plural || head.vars.size() > 1)) return false;
  Np proxy;
  proxy.cls = head.cls;
  proxy.alt = head.alt;
  proxy.det = Det::kSome;
  proxy.vars = head.vars;
  proxy.plural = head.plural;
  ApplyWith(&proxy, pending, rel, false, negative_lead, ok);
  np->lifted_vars.insert(np->lifted_vars.end(), proxy.obj_vars.begin(), proxy.obj_vars.end());
  np->lifted_conj.insert(np->lifted_conj.end(), proxy.obj_conj.begin(), proxy.obj_conj.end());
  np->lifted_links.insert(np->lifted_links.end(), proxy.links.begin(), proxy.links.end());
  np->lifted_closed.insert(np->lifted_closed.end(), proxy.closed.begin(), proxy.closed.end());
  return true;
}

bool Parser::ParseModifier(size_t& p, Np* np, int depth) {
  Np saved = *np;  // a modifier that does not parse leaves the NP as it was ("that are all ...")
  const std::string stretch = stretch_;
  if (ParseModifierBody(p, np, depth)) return true;
  *np = std::move(saved);
  stretch_ = stretch;
  return false;
}

bool Parser::ParseModifierBody(size_t& p, Np* np, int depth) {
  size_t q = p;
  size_t k;
  if (ParsePartitive(q, np, depth) || ParseRowOf(q, np)) {
    p = q;
    return true;
  }
  if (ParseArrangement(q, np)) {
    p = q;
    return true;
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
  bool both = false;  // "a truck and a car both on a bridge": the previous item too
  while (q < t_.size()) {
    if (depth == 0 && At(q, "both") && np->vars.size() == 1 && !np->plural && ante_.vars.size() == 1) both = true;
    if (Lex(q, LexKind::kLink)) {
      if (t_[q] == "all" || t_[q] == "each") {
        if (Phrase(q, "each other")) break;
        // "ships that are all near a harbor": every ship (english.md, Every)
        if (np->det == Det::kSome && !np->numbered && np->plural) np->det = Det::kEvery;
      }
      ++q;
    } else if (Lex(q, LexKind::kNearVerb)) {
      near_verb = true;
      ++q;
    } else if (t_[q] == "not" || t_[q] == "never") {
      negated = !negated;
      ++q;
    } else {
      break;
    }
  }
  if (q > p && !negated && (At(q, "empty") || At(q, "vacant") || At(q, "unoccupied")) && np->det == Det::kSome) {
    AddEmpty(np);  // "a bridge that is empty"
    p = q + 1;
    return true;
  }
  if (!negated) {  // "cut by water", "on both sides of", "between two roads"
    size_t r = q;
    if (ParseCut(r, np, depth) || ParseBothSides(r, np, depth) || ParseBetween(r, np, depth)) {
      p = r;
      return true;
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
  if (near_verb && q > p && !negated && (q == t_.size() || At(q, ",") || At(q, "and") || At(q, "but"))) {
    np->near_adj = true;  // "all ships are docked": near a harbor (Dock)
    p = q;
    return true;
  }
  std::string rel;
  bool swap = false;
  static const std::vector<std::pair<const char*, const char*>> kTheirSide = {
      {"to their left", "left_of"},   {"on their left", "left_of"}, {"to their right", "right_of"},
      {"on their right", "right_of"}, {"to their west", "left_of"}, {"to their east", "right_of"},
      {"to their north", "above"},    {"to their south", "below"}};
  for (const auto& [phrase, side] : kTheirSide) {
    Np them;
    if ((k = Phrase(q, phrase)) && !negated && !ante_.vars.empty()) {
      RefTo(&them, ante_.vars);
      Relate(np, side, false, them);
      p = q + k;
      return true;
    }
  }
  if (!ParseRelation(q, &rel, &swap, near_verb)) return false;
  if (rel == "surrounded") {
    if (negated || !ParseSurrounded(q, np, depth)) return false;
    p = q;
    return true;
  }
  if (At(q, "each") || At(q, "one")) {
    if ((k = Phrase(q, "each other")) || (k = Phrase(q, "one another"))) {
      if (!CanArrange(*np) || (np->vars.size() < 2 && np->numbered) || !EachOther(*np, &rel)) return false;
      np->pair_rels.push_back(rel);
      p = q + k;
      return true;
    }
  }
  if (negated && rel == "far") {  // "not far from" → near
    rel = "near";
    negated = false;
  }
  Np obj;
  outer_.push_back(np);
  const bool parsed = ParseNp(q, &obj, depth + 1);
  outer_.pop_back();
  if (!parsed || !Finish(obj)) return false;
  if (rel == "crosses") rel = Crossing(obj.cls == np->cls && obj.alt.empty() && np->alt.empty());
  if (obj.part) np->tied = true;
  TakeLifted(np, obj);
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
          np->closed.push_back("forall " + ov + ": " + ClassAtom(obj, ov) + " -> " +
                               (cons.size() > 1 ? "(" + JoinAnd(cons) + ")" : cons[0]));
        }
      }
    } else {
      obj.det = Det::kSome;
      Relate(np, rel, swap, obj);
    }
  } else if (CountIfMany(obj)) {
    RelateCounted(np, rel, swap, obj);  // "near a dozen cars"
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
    if (both) {
      for (const auto& ov : Members(obj, rel)) {
        np->links.push_back(swap ? Atom(rel, {ov, ante_.vars[0]}) : Atom(rel, {ante_.vars[0], ov}));
      }
    }
  } else if (obj.det == Det::kCount) {
    RelateCounted(np, rel, swap, obj);  // "near at least three cars"
  } else {
    return false;
  }
  p = q;
  return true;
}

// One conjunct of the query; `heads` gets the head NP's variables when it names entities.
bool Parser::ParseItem(size_t& p, std::string* out, std::vector<std::string>* heads) {
  size_t q = p;
  size_t k;
  for (const char* ph : {"there is", "there are", "there exists", "there exist", "there should be", "we have",
                         "there must be", "it has", "either", "also", "and also", "but"}) {
    if ((k = Phrase(q, ph))) {
      q += k;
      break;
    }
  }
  Np np;
  if (!ParseNp(q, &np, 0)) return false;
  if (!Finish(np)) return false;
  if (np.det == Det::kAnyNeg) np.det = Det::kSome;
  heads->clear();
  if (np.det == Det::kSome && !np.ref) *heads = np.vars;

  if (np.det == Det::kSome && np.n > 4 && np.obj_conj.empty() && np.own.empty() && np.links.empty() &&
      np.closed.empty()) {
    // "a dozen planes": exists>=12 (the same answers as twelve distinct variables)
    *out = "exists>=" + std::to_string(np.n) + " x: " + ClassAtom(np, "x");
    heads->clear();
  } else {
    *out = Realize(np, false);
    if (out->empty() && np.det == Det::kEvery) {  // "find every ship": the images with ships
      np.det = Det::kSome;
      *heads = np.vars;
      *out = Realize(np, false);
    }
    if (out->empty()) return false;
    // the entities left free, for a later "the X", "one of them"
    if (!heads->empty()) {
      named_.emplace(np.cls, np.vars[0]);
      ante_ = {np.cls, np.vars, np.arranged};
    }
    if (np.det == Det::kSome || np.det == Det::kCount) {
      for (const auto& v : np.obj_vars) named_.emplace(var_cls_[v], v);
    }
  }
  p = q;
  return true;
}

// Where the words that are not about the image itself end ("... in the image").
size_t Parser::EndOfRequest() const {
  size_t end = t_.size();
  for (bool again = true; again;) {
    again = false;
    for (size_t len = std::min<size_t>(4, end); len >= 1 && !again; --len) {
      if (end > len && MatchPhrase(t_, end - len, LexKind::kTrailer) == len) {
        end -= len;
        again = true;
      }
    }
  }
  return end;
}

// The start of the request after "show me images with", "find all scenes containing" ...: a
// determiner the preamble could also eat starts the request when a noun follows it.
size_t Parser::StartOfRequest() {
  size_t p = 0;
  while (p < t_.size() && Lex(p, LexKind::kPreamble)) {
    if ((t_[p] == "all" || t_[p] == "any" || t_[p] == "some" || t_[p] == "the" || t_[p] == "a" || t_[p] == "an" ||
         t_[p] == "one") &&
        p + 1 < t_.size()) {
      std::string cls;
      bool pl;
      size_t r = p + 1;
      if (ParseNoun(r, &cls, &pl)) break;
    }
    if (t_[p] == "in" && p + 1 < t_.size() && !Lex(p + 1, LexKind::kPreamble) && t_[p + 1] != "which") break;
    if (Lex(p, LexKind::kArticle) || Lex(p, LexKind::kEveryDet) || Lex(p, LexKind::kVague)) {
      size_t r = p;
      Np probe;
      if (ParseNp(r, &probe, 0)) break;  // "a dozen ships", "all the planes"
    }
    ++p;
  }
  if (p > 0 && At(p, ",")) ++p;  // "show me: planes, helicopters"
  used_vars_.clear();
  stretch_.clear();
  return p;
}

Result<std::string> Parser::Run(std::string_view english) {
  size_t p = StartOfRequest();
  Tokens trimmed(t_.begin(), t_.begin() + EndOfRequest());
  Parser inner(trimmed, ont_, wn_);
  inner.furthest_ = p;
  std::vector<std::vector<std::string>> disjuncts(1);
  std::vector<std::vector<std::string>> heads;  // of the items of the last disjunct
  size_t q = p;
  bool ok = true;
  while (true) {
    std::string item;
    std::vector<std::string> item_heads;
    size_t before = q;
    if (!inner.ParseItem(q, &item, &item_heads)) {
      ok = false;
      inner.Mark(before);
      break;
    }
    disjuncts.back().push_back(item);
    heads.push_back(item_heads);
    // "a plane and a helicopter next to each other": near(p, h)
    const LexEntry* arr = nullptr;
    size_t k = MatchPhrase(trimmed, q, LexKind::kArrangement, &arr);
    if (k && arr->value == "clustered" && heads.size() >= 2) {
      std::vector<std::string> vars;
      for (const auto& h : heads) {
        if (h.size() == 1) vars.push_back(h[0]);
      }
      if (vars.size() != heads.size()) {
        ok = false;
        inner.Mark(q);
        break;
      }
      disjuncts.back().push_back(Atom(vars.size() == 2 ? "near" : "clustered", vars));
      q += k;
    } else if (heads.size() >= 2) {
      // "a pool and a court within 200 m of each other": the distance between the items
      Np items;
      items.det = Det::kSome;
      items.numbered = true;
      for (const auto& h : heads) {
        if (h.size() == 1) items.vars.push_back(h[0]);
      }
      items.n = static_cast<int>(items.vars.size());
      size_t r = q;
      if (items.vars.size() == heads.size() && inner.ParseMetric(r, &items, 0) && !items.pair_metrics.empty() &&
          items.links.empty() && items.closed.empty() && inner.Finish(items)) {
        for (auto& m : items.own) disjuncts.back().push_back(m);
        q = r;
      }
    }
    if (q >= trimmed.size()) break;
    if (inner.At(q, ",") && (inner.Phrase(q + 1, "and") || inner.Phrase(q + 1, "or"))) ++q;
    if ((k = inner.Phrase(q, "or else")) || (k = inner.Phrase(q, "or alternatively")) || (k = inner.Phrase(q, "or"))) {
      q += k;
      disjuncts.emplace_back();
      heads.clear();
      continue;
    }
    if ((k = inner.Phrase(q, "and also")) || (k = inner.Phrase(q, "as well as")) ||
        (k = inner.Phrase(q, "along with")) || (k = inner.Phrase(q, "together with")) || (k = inner.Phrase(q, "and")) ||
        (k = inner.Phrase(q, ",")) || (k = inner.Phrase(q, "plus")) || (k = inner.Phrase(q, "but also")) ||
        (k = inner.Phrase(q, "but")) || (k = inner.Phrase(q, "while")) || (k = inner.Phrase(q, "whereas"))) {
      q += k;
      continue;
    }
    ok = false;
    inner.Mark(q);
    break;
  }
  if (inner.oversized_group_) {
    return PlainDiagnostic("cannot translate \"" + std::string(english) + "\": a group of more than " +
                               std::to_string(kMaxNamedEntities) + " entities, named one by one, is too large",
                           "count them instead, e.g. 'at least 500 cars', or write the formula")
        .ToStatus();
  }
  if (!ok) return Status::InvalidInput(Refusal(english, trimmed, inner.furthest_));
  std::vector<std::string> parts;
  for (auto& d : disjuncts) {
    if (d.empty()) {
      return Status::InvalidInput("cannot translate \"" + std::string(english) + "\": 'or' with nothing after it");
    }
    parts.push_back(JoinAnd(d));
  }
  if (parts.size() == 1) return parts[0];
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " OR (" : "(") + parts[i] + ")";
  return out;
}

// Words of the grammar itself, beyond the lexicon's phrases.
bool GrammarKnows(const std::string& w) {
  static const std::set<std::string> k = {"a",          "an",
                                          "the",        "and",
                                          "or",         "not",
                                          "no",         "with",
                                          "without",    "it",
                                          "them",       "its",
                                          "other",      "each",
                                          "every",      "least",
                                          "most",       "exactly",
                                          "between",    "than",
                                          "more",       "fewer",
                                          "less",       "apart",
                                          "long",       "wide",
                                          "area",       "length",
                                          "width",      "of",
                                          "none",       "either",
                                          "both",       "same",
                                          "one",        "another",
                                          "any",        "object",
                                          "objects",    "entity",
                                          "entities",   "thing",
                                          "things",     ",",
                                          "single",     "only",
                                          "just",       "itself",
                                          "nearby",     "inside",
                                          "side",       "board",
                                          "top",        "large",
                                          "big",        "cover",
                                          "covers",     "covering",
                                          "size",       "surface",
                                          "whose",      "having",
                                          "has",        "have",
                                          "empty",      "vacant",
                                          "unoccupied", "isolated",
                                          "lone",       "solitary",
                                          "free",       "lacking",
                                          "does",       "do",
                                          "never",      "separate",
                                          "different",  "distinct",
                                          "individual", "measuring",
                                          "spaced",     "up",
                                          "fewer",      "plus",
                                          "else",       "alternatively",
                                          "as",         "well",
                                          "nothing",    "neither",
                                          "nor",        "diameter",
                                          "along",      "while",
                                          "whereas",    "but",
                                          "also",       "there",
                                          "we",         "from",
                                          "cut",        "stretch",
                                          "section",    "segment",
                                          "stranded",   "sides",
                                          "opposite",   "severed"};
  return k.count(w) > 0;
}

// The refusal: the words nobody could place, each with its spelling neighbours and ontology
// synonyms, or the WordNet chain that would have reached a class only through a hypernym;
// otherwise where understanding stopped.
std::string Parser::Refusal(std::string_view english, const Tokens& trimmed, size_t furthest) const {
  std::string msg = "cannot translate \"" + std::string(english) + "\": ";
  std::vector<std::string> unknown;
  std::vector<std::string> vocabulary = ont_.Vocabulary();
  for (std::string& v : vocabulary) v = "_" + v + "_";  // a word of a class name: "_w_" inside
  for (size_t i = 0; i < t_.size(); ++i) {
    const std::string& w = t_[i];
    if (LexiconKnows(w) || GrammarKnows(w) || IsNumberToken(w)) continue;
    if (MatchNoun(t_, i, ont_, wn_) || ont_.Resolve(w)) continue;
    const std::string part = "_" + w + "_";
    if (std::any_of(vocabulary.begin(), vocabulary.end(),
                    [&](const std::string& v) { return v.find(part) != std::string::npos; }))
      continue;
    // "car park": name the compound WordNet knows, not its unknown half
    std::string named = w;
    if (i > 0 && wn_ != nullptr && wn_->Contains(t_[i - 1] + "_" + w, WordNetPos::kNoun)) {
      named = t_[i - 1] + " " + w;
    }
    if (std::find(unknown.begin(), unknown.end(), named) == unknown.end()) unknown.push_back(named);
  }
  if (unknown.empty()) {
    size_t at = std::min(furthest, trimmed.size());
    std::string rest;
    for (size_t i = at; i < trimmed.size(); ++i) rest += (i > at ? " " : "") + trimmed[i];
    msg += rest.empty() ? "the query ends too early" : "could not make sense of '" + rest + "'";
    const bool segment_words =
        std::any_of(t_.begin(), t_.end(), [](const std::string& w) { return w == "cut" || w == "stranded"; });
    if (!ont_.exclusive() && segment_words) {
      return msg +
             " (hint: 'cut by' and 'stranded' are understood in a segmentation ontology, such as floodnet, "
             "where a cut shows as two pieces; on boxes write the relations, e.g. 'a road overlapping water')";
    }
    return msg +
           " (hint: name objects with the ontology's classes, e.g. 'a ship near a harbor', or write the "
           "formula itself)";
  }
  for (size_t i = 0; i < unknown.size(); ++i) {
    const std::string& u = unknown[i];
    msg += (i ? "; '" : "'") + u + "' is not a class of ontology " + ont_.name() + " nor a word the grammar knows";
    std::vector<std::string> near = ont_.Suggest(Ontology::Normalize(u), 3);
    if (!near.empty()) {
      msg += " (did you mean ";
      for (size_t j = 0; j < near.size(); ++j) msg += (j ? ", " : "") + near[j];
      msg += "?)";
    }
    std::string chain = NounChain(Ontology::Normalize(u), ont_, wn_);
    if (!chain.empty()) msg += " (WordNet reaches a class only indirectly: " + chain + "; not assumed)";
  }
  return msg + " (hint: `georune ontology show " + ont_.name() +
         "` lists the classes and their synonyms, or write "
         "the formula itself)";
}

}  // namespace

// In an ontology of exclusive classes (a segmentation) entities never overlap, so on(a, b) —
// half of a inside b — and overlaps(a, b) never hold: a car on a road is a hole in the road
// polygon, a flooded stretch meets the dry road at an edge. What an analyst means by "on",
// "in", "crossing", "overlapping" there is touching, written distance(a, b) < 1 (pixels; the
// polygons of a class raster that share an edge are at distance 0).
std::string TouchingForOverlap(const std::string& formula) {
  static const std::regex kOverlap(R"(\b(on|overlaps)\(([a-z][a-z0-9_]*), ([a-z][a-z0-9_]*)\))");
  return std::regex_replace(formula, kOverlap, "distance($2, $3) < 1");
}

Result<std::string> DraftBuiltin(std::string_view english, const Ontology& ontology, bool use_wordnet) {
  Tokens toks = Normalise(english);
  if (toks.empty()) return Status::InvalidInput("cannot translate an empty query (hint: e.g. 'a ship near a harbor')");
  const WordNet* wn = nullptr;
  if (use_wordnet) {
    auto shared = WordNet::Default();
    if (shared.ok()) wn = *shared;
  }
  Parser parser(toks, ontology, wn);
  GEORUNE_ASSIGN_OR_RETURN(std::string formula, parser.Run(english));
  return ontology.exclusive() ? TouchingForOverlap(formula) : formula;
}

}  // namespace georune::nl
