#include "georune/nl/translator.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "georune/common/diagnostic.h"
#include "georune/common/wordnet.h"

namespace georune::nl {
namespace {

class BuiltinTranslator final : public Translator {
 public:
  explicit BuiltinTranslator(bool use_wordnet) : use_wordnet_(use_wordnet) {}
  Result<Translation> Translate(std::string_view english, const Ontology& ontology) override {
    GEORUNE_ASSIGN_OR_RETURN(std::string draft, DraftBuiltin(english, ontology, use_wordnet_));
    auto bound = logic::ParseAndBind(draft, ontology);
    if (!bound.ok()) {
      // The binder refuses what the English asks for (a count too large, a measure in the wrong
      // unit...): a user mistake, exit 2, like the grammar's own refusals.
      const bool mistake = bound.status().code() == StatusCode::kInvalidInput;
      return Status(mistake ? StatusCode::kInvalidInput : StatusCode::kInternal,
                    (mistake ? "cannot translate \"" : "the built-in translator produced an invalid formula for \"") +
                        std::string(english) + "\": " + draft + "\n" + bound.status().message());
    }
    Translation t;
    t.query = std::move(bound).value();
    t.formula = logic::Print(t.query);
    t.translator = "builtin";
    // Without WordNet's files the grammar still works, on the ontology's own words: say so.
    if (use_wordnet_) {
      if (auto wordnet = WordNet::Default(); !wordnet.ok()) {
        t.note = "WordNet not used (" + wordnet.status().message() +
                 "): nouns were matched without its plurals and synonyms";
      }
    }
    return t;
  }

 private:
  bool use_wordnet_;
};

std::string RelationsText() {
  return "near(a,b) (close: gap <= mean size; also for next to, beside, adjacent, under, at, docked at)\n"
         "far(a,b) (gap >= 3x mean size)\n"
         "left_of(a,b), right_of(a,b) (west/east of, in image coordinates)\n"
         "above(a,b), below(a,b) (north/south of; image up is north)\n"
         "on(a,b) (a lies on/in/inside/within b: at least half of a overlaps b), contains(a,b) = on(b,a)\n"
         "overlaps(a,b), parallel(a,b), perpendicular(a,b), larger(a,b), smaller(a,b) (by area)\n"
         "aligned(x1,...,xn) n>=3 (in a row, lined up), clustered(x1,...,xn) n>=2 (grouped together)\n"
         "comparisons: distance(a,b), center_distance(a,b), area(a), length(a), width(a), angle(a,b) "
         "with < <= > >= a number and a unit: px m km px2 m2 ha deg\n";
}

const char* kSyntax =
    "Syntax: atoms class(x) and relation(x, y); AND, OR, NOT, ->; parentheses; quantifiers "
    "'exists x:' 'forall x:' and counting 'exists>=3 x:' 'exists<=2 x:' 'exists=2 x:' (one variable). "
    "A quantifier's scope runs to the end, so parenthesise it when something follows. Free variables are "
    "existentially quantified at the top. Different variables always denote different objects, so "
    "'plane(a) AND plane(b)' means two planes. A variable that occurs only under NOT must be quantified "
    "there: write 'NOT exists b: ...'.";

// The meaning conventions of ../shared/spec/english.md, for the LLM (the built-in grammar
// implements the same).
const char* kConventions =
    "Conventions (follow them exactly):\n"
    "- A bare plural or singular is one entity: 'ships near a harbor' = ship(s) AND harbor(h) AND near(s, h).\n"
    "- Numbers: 'three ships' = three variables; 'at least N', 'N or more', 'N+' = exists>=N; 'more than N', "
    "'over N', '> N' = exists>=N+1; 'fewer than N', '< N' = exists<=N-1; 'at most N', 'no more than N', "
    "'up to N' = exists<=N; 'exactly N', 'only N' = exists=N.\n"
    "- Vague quantities: 'a pair of' = 2 entities; 'a few', 'several' = exists>=3; 'many', 'lots of', "
    "'dozens of' = exists>=10; 'a dozen' = 12; 'hundreds of' = exists>=100.\n"
    "- 'an X with no Y', 'an X without Y', 'an X free of Y', 'an X with Y': Y in the relation X has with its "
    "contents: on(y, x) for bridges, helipads, courts, fields and airports, near(y, x) for everything else; a "
    "written relation ('near it', 'on it') wins. 'an empty X' = no object(o) in that relation.\n"
    "- 'images with no Y', 'scenes without Y', 'X and no Y', 'X but no Y' = NOT exists y: Y(y) (anywhere).\n"
    "- 'a row/line of N X', 'N X in a row', 'N X lined up' = aligned AND clustered over N variables (N = 3 "
    "when no number is given); 'N X aligned', 'N collinear X' = aligned only; 'N X next to each other', 'close "
    "together', 'a group/cluster of N X' = clustered, and near(a, b) when N = 2 (N = 2 when no number is "
    "given); 'X and Y next to each other' = near(x, y).\n"
    "- 'every X is near a Y', 'all X are near a Y', 'X that are all near a Y' = (exists x: X(x)) AND forall "
    "x: X(x) -> exists y: Y(y) AND near(x, y): an image without any X does not match.\n"
    "- Where the spec is silent: 'at least N X, one of them REL Y' = one named X with REL and the count keeps "
    "the others (exists>=N-1, distinct by the rule above); 'one of them', 'the first', 'the last' name an "
    "entity of the previous item, 'them' all of them; 'the Y' is a Y named before. A row or group is near "
    "something when one member (the last) is; other relations hold for each member. After 'with', each item "
    "of a list takes the relation written after it or after a later item, else the default relation. 'X or "
    "Y' without an article is one entity of either class: (X(v) OR Y(v)); negated, neither. Beyond four "
    "plain entities, count: 'a harbor with a dozen ships' = exists>=12 s: ship(s) AND near(s, h).\n"
    "- Case, commas, full stops, hyphens, British spellings, small typos and filler words ('show me', "
    "'please', 'images of') change nothing.\n"
    "- A noun that is not one of the classes above (or a synonym of one) cannot be translated: do not guess a "
    "broader or related class.\n";

// For an ontology of exclusive classes (a segmentation; docs/translation.md, "Segmentation
// ontologies"), where on() and overlaps() between classes never hold.
const char* kSegmentationConventions =
    "- This ontology is a segmentation: entities of different classes never overlap, so 'on', 'in', "
    "'containing', 'touching', and 'crossing' between different classes are touching, written distance(a, b) < 1 "
    "(never on() or overlaps()); 'two crossing X' or 'X crossing each other' of one class = perpendicular.\n"
    "- 'X surrounded by Y' = X touches a Y and nothing but a Y touches X: distance(x, y) < 1 AND NOT exists o: "
    "object(o) AND NOT Y(o) AND distance(o, x) < 1. 'X between two Ys' = near both. 'Xs on both sides of Y' = two "
    "Xs near Y and NOT near each other.\n"
    "- 'a road cut by water' = two dry road pieces a, c touching one flooded road piece f, parallel to each other: "
    "non_flooded_road(a) AND non_flooded_road(c) AND flooded_road(f) AND distance(a, f) < 1 AND distance(c, f) < 1 "
    "AND parallel(a, c); 'the flooded stretch' is f. 'a stranded vehicle' = on a flooded road with no dry road "
    "near it.\n"
    "- 'with Zs on them' after 'Xs next to Ys' goes to the nouns things stand on (roads, not buildings).\n";

// Examples for a segmentation ontology: exactly what the built-in grammar gives (tested).
const std::vector<std::pair<const char*, const char*>>& SegmentationFewShots() {
  static const std::vector<std::pair<const char*, const char*>> k = {
      {"a car on a dry road", "vehicle(v) AND non_flooded_road(r) AND distance(v, r) < 1"},
      {"a pool surrounded by water",
       "pool(p) AND water(w) AND distance(p, w) < 1 AND NOT exists o: object(o) AND NOT water(o) AND distance(o, p) < "
       "1"},
      {"a street severed by water",
       "non_flooded_road(a) AND non_flooded_road(c) AND flooded_road(f) AND distance(a, f) < 1 AND distance(c, f) < 1 "
       "AND parallel(a, c)"},
      {"two stranded vehicles",
       "vehicle(u) AND vehicle(v) AND (exists r: flooded_road(r) AND distance(u, r) < 1) AND (exists s: "
       "flooded_road(s) AND distance(v, s) < 1) AND (NOT exists d: non_flooded_road(d) AND near(u, d)) AND NOT exists "
       "e: non_flooded_road(e) AND near(v, e)"},
      {"dry buildings next to flooded roads with cars on them",
       "non_flooded_building(b) AND flooded_road(r) AND near(b, r) AND vehicle(v) AND distance(v, r) < 1"},
  };
  return k;
}

const std::vector<std::pair<const char*, const char*>>& FewShots() {
  static const std::vector<std::pair<const char*, const char*>> k = {
      {"two planes next to each other", "plane(a) AND plane(b) AND near(a, b)"},
      {"at least three storage tanks", "exists>=3 x: storage_tank(x)"},
      {"more than 50 cars", "exists>=51 x: small_vehicle(x)"},
      {"several ships", "exists>=3 x: ship(x)"},
      {"a harbor with no ships", "harbor(h) AND NOT exists s: ship(s) AND near(s, h)"},
      {"a bridge without vehicles", "bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)"},
      {"an empty helipad", "helipad(p) AND NOT exists o: object(o) AND on(o, p)"},
      {"images with no planes", "NOT exists p: plane(p)"},
      {"a storage tank far from any vehicle", "storage_tank(t) AND NOT exists v: vehicle(v) AND NOT far(v, t)"},
      {"every ship is near a harbor",
       "(exists x: ship(x)) AND forall s: ship(s) -> exists h: harbor(h) AND near(s, h)"},
      {"fewer than three planes", "exists<=2 x: plane(x)"},
      {"cars in a row",
       "small_vehicle(a) AND small_vehicle(b) AND small_vehicle(c) AND aligned(a, b, c) AND clustered(a, b, c)"},
      {"three tennis courts aligned", "tennis_court(a) AND tennis_court(b) AND tennis_court(c) AND aligned(a, b, c)"},
      {"Ships, near a harbour.", "ship(s) AND harbor(h) AND near(s, h)"},
      {"a ship longer than 100 m", "ship(s) AND length(s) > 100 m"},
      {"at least four ships, one of them near a bridge",
       "ship(s) AND bridge(b) AND near(s, b) AND exists>=3 x: ship(x)"},
      {"a bridge with two cars and a truck on it",
       "bridge(b) AND small_vehicle(c) AND small_vehicle(d) AND large_vehicle(t) AND on(c, b) AND on(d, b) AND "
       "on(t, b)"},
      {"a bridge without cars or trucks",
       "bridge(b) AND NOT exists v: (small_vehicle(v) OR large_vehicle(v)) AND on(v, b)"},
      {"three tennis courts in a row next to a basketball court",
       "tennis_court(a) AND tennis_court(b) AND tennis_court(c) AND aligned(a, b, c) AND clustered(a, b, c) AND "
       "basketball_court(d) AND near(c, d)"},
      {"four clustered storage tanks and a truck near one of them",
       "storage_tank(a) AND storage_tank(b) AND storage_tank(c) AND storage_tank(d) AND clustered(a, b, c, d) AND "
       "large_vehicle(t) AND near(t, a)"},
      {"a helicopter or a plane", "helicopter(a) OR plane(b)"},
  };
  return k;
}

// A vote key that does not depend on the order free variables are closed in: logic::NormalForm
// names the top-level variables v1..vk in closure order, so try every renaming of them (k <= 6)
// with the top-level conjuncts sorted, and keep the smallest text.
std::string VoteKey(const std::string& nf) {
  std::string prefix = "exists ";
  if (nf.rfind(prefix, 0) != 0) return nf;
  size_t colon = nf.find(": ");
  if (colon == std::string::npos) return nf;
  std::vector<std::string> vars;
  {
    std::string list = nf.substr(prefix.size(), colon - prefix.size());
    size_t b = 0;
    while (b < list.size()) {
      size_t e = list.find(", ", b);
      if (e == std::string::npos) e = list.size();
      vars.push_back(list.substr(b, e - b));
      b = e + 2;
    }
  }
  if (vars.size() > 6) return nf;
  std::string body = nf.substr(colon + 2);
  // tokenise the body into identifiers and the rest
  std::vector<std::string> pieces;
  for (size_t i = 0; i < body.size();) {
    if (std::isalnum(static_cast<unsigned char>(body[i])) || body[i] == '_') {
      size_t j = i;
      while (j < body.size() && (std::isalnum(static_cast<unsigned char>(body[j])) || body[j] == '_')) ++j;
      pieces.push_back(body.substr(i, j - i));
      i = j;
    } else {
      pieces.push_back(std::string(1, body[i]));
      ++i;
    }
  }
  std::vector<int> perm(vars.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
  std::string best;
  do {
    std::string text;
    for (const auto& piece : pieces) {
      auto it = std::find(vars.begin(), vars.end(), piece);
      text += it == vars.end() ? piece : "v" + std::to_string(perm[it - vars.begin()] + 1);
    }
    // split the top-level conjunction and sort it
    std::vector<std::string> conj;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '(') ++depth;
      else if (text[i] == ')') --depth;
      else if (depth == 0 && text.compare(i, 5, " AND ") == 0) {
        conj.push_back(text.substr(start, i - start));
        start = i + 5;
        i += 4;
      }
    }
    conj.push_back(text.substr(start));
    std::sort(conj.begin(), conj.end());
    std::string key;
    for (size_t i = 0; i < conj.size(); ++i) key += (i ? " AND " : "") + conj[i];
    if (best.empty() || key < best) best = key;
  } while (std::next_permutation(perm.begin(), perm.end()));
  return nf.substr(0, colon + 2) + best;
}

}  // namespace

std::string LlmSystemPrompt(const Ontology& ontology) {
  std::string s =
      "You are a translator from English image-search queries to formulas of a first-order logic over the "
      "objects detected in a remote-sensing image.\n\nClasses (use these exact names):\n";
  for (const auto& c : ontology.classes()) {
    s += "- " + c.name;
    if (!c.synonyms.empty()) {
      s += " (";
      for (size_t i = 0; i < c.synonyms.size() && i < 4; ++i) s += (i ? ", " : "") + c.synonyms[i];
      s += ")";
    }
    s += "\n";
  }
  s += "Groups: ";
  for (size_t i = 0; i < ontology.groups().size(); ++i) {
    const auto& g = ontology.groups()[i];
    s += (i ? "; " : "") + g.name + " = ";
    for (size_t j = 0; j < g.members.size(); ++j) s += (j ? " | " : "") + g.members[j];
  }
  s += "; object (any class)\n\nRelations:\n" + RelationsText() + "\n" + kSyntax +
       "\n\nInstructions: translate the whole query, keep every condition, use no other predicate names. "
       "Answer with a JSON object {\"formula\": \"...\"} and nothing else.\n\n" +
       kConventions + (ontology.exclusive() ? kSegmentationConventions : "") + "\nExamples:\n";
  auto examples = [&](const std::vector<std::pair<const char*, const char*>>& shots) {
    for (const auto& [en, f] : shots) {
      if (!logic::ParseAndBind(f, ontology).ok()) continue;  // an example over classes this ontology lacks
      const std::string_view text(f);
      if (ontology.exclusive() && (text.find("on(") != text.npos || text.find("overlaps(") != text.npos)) continue;
      s += std::string("Q: ") + en + "\nA: {\"formula\": \"" + f + "\"}\n";
    }
  };
  examples(FewShots());
  if (ontology.exclusive()) examples(SegmentationFewShots());
  return s;
}

std::string FormulaJsonSchema() {
  return R"({"type":"object","properties":{"formula":{"type":"string","minLength":1}},"required":["formula"],"additionalProperties":false})";
}

std::string FormulaGrammar(const Ontology& ontology) {
  std::vector<std::string> names;
  for (const auto& c : ontology.classes()) names.push_back(c.name);
  for (const auto& g : ontology.groups()) names.push_back(g.name);
  names.push_back("object");
  std::string cls;
  for (size_t i = 0; i < names.size(); ++i) cls += (i ? " | \"" : "\"") + names[i] + "\"";
  return "root ::= \"{\\\"formula\\\": \\\"\" formula \"\\\"}\"\n"
         "formula ::= quant | impl\n"
         "quant ::= (\"exists\" | \"forall\" | \"exists\" cmp num) \" \" var (\", \" var)* \": \" formula\n"
         "cmp ::= \">=\" | \"<=\" | \"=\" | \">\" | \"<\"\n"
         "impl ::= disj (\" -> \" formula)?\n"
         "disj ::= conj (\" OR \" conj)*\n"
         "conj ::= neg (\" AND \" neg)*\n"
         "neg ::= \"NOT \" neg | prim\n"
         "prim ::= \"(\" formula \")\" | \"NOT exists \" var \": \" formula | atom | comparison\n"
         "atom ::= cls \"(\" var \")\" | rel2 \"(\" var \", \" var \")\" | reln \"(\" var (\", \" var)+ \")\"\n"
         "cls ::= " +
         cls +
         "\n"
         "rel2 ::= \"near\" | \"far\" | \"left_of\" | \"right_of\" | \"above\" | \"below\" | \"on\" | \"contains\" | "
         "\"overlaps\" | \"parallel\" | \"perpendicular\" | \"larger\" | \"smaller\"\n"
         "reln ::= \"aligned\" | \"clustered\"\n"
         "comparison ::= measure \" \" (\"<=\" | \">=\" | \"<\" | \">\") \" \" number (\" \" unit)?\n"
         "measure ::= (\"distance\" | \"center_distance\" | \"angle\") \"(\" var \", \" var \")\" | (\"area\" | "
         "\"length\" | \"width\") \"(\" var \")\"\n"
         "unit ::= \"px2\" | \"px\" | \"m2\" | \"km\" | \"m\" | \"ha\" | \"deg\"\n"
         "num ::= [0-9]+\n"
         "number ::= [0-9]+ (\".\" [0-9]+)?\n"
         "var ::= [a-z] [a-z0-9]?\n";
}

std::string ExtractFormula(std::string_view reply) {
  std::string s(reply);
  // strip code fences
  size_t fence = s.find("```");
  if (fence != std::string::npos) {
    size_t nl = s.find('\n', fence);
    size_t close = s.find("```", nl == std::string::npos ? fence + 3 : nl);
    if (nl != std::string::npos && close != std::string::npos) s = s.substr(nl + 1, close - nl - 1);
  }
  auto trim = [](std::string t) {
    size_t b = t.find_first_not_of(" \t\r\n"), e = t.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
  };
  s = trim(s);
  size_t brace = s.find('{');
  if (brace != std::string::npos) {
    size_t last = s.rfind('}');
    if (last != std::string::npos && last > brace) {
      auto j = nlohmann::json::parse(s.substr(brace, last - brace + 1), nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.contains("formula") && j["formula"].is_string()) {
        return trim(j["formula"].get<std::string>());
      }
    }
  }
  for (const char* prefix : {"formula:", "Formula:", "A:", "answer:", "Answer:"}) {
    if (s.rfind(prefix, 0) == 0) s = trim(s.substr(std::string(prefix).size()));
  }
  return s;
}

namespace {

class LlmTranslator final : public Translator {
 public:
  LlmTranslator(TranslatorConfig config, llm::ChatClient& client, std::unique_ptr<llm::ChatClient> owned)
      : config_(std::move(config)), client_(client), owned_(std::move(owned)) {}

  Result<Translation> Translate(std::string_view english, const Ontology& ontology) override {
    llm::ChatRequest req;
    req.model = config_.model;
    req.messages = {llm::Message::System(LlmSystemPrompt(ontology)),
                    llm::Message::User("Q: " + std::string(english) + "\nA:")};
    req.temperature = config_.temperature;
    req.n = std::max(1, config_.samples);
    req.max_tokens = config_.max_tokens;
    req.seed = config_.seed;
    req.structured = config_.structured;
    req.json_schema = FormulaJsonSchema();
    req.schema_name = "formula";
    if (config_.structured == llm::StructuredOutput::kGrammar) req.grammar = FormulaGrammar(ontology);
    auto reply = client_.Complete(req);
    if (!reply.ok()) return Fallback(english, ontology, reply.status().message(), reply.status());

    // Uncertainty control: vote over normal forms of the valid candidates.
    struct Group {
      int votes = 0;
      size_t first = 0;
    };
    std::map<std::string, Group> groups;
    std::vector<std::string> formulas;
    std::vector<std::pair<std::string, std::string>> rejected;
    for (const auto& choice : reply->choices) {
      std::string f = ExtractFormula(choice.content);
      if (f.empty()) {
        rejected.emplace_back(choice.content, "empty reply");
        continue;
      }
      auto bound = logic::ParseAndBind(f, ontology);
      if (!bound.ok()) {
        rejected.emplace_back(f, bound.status().message());
        continue;
      }
      std::string nf = VoteKey(logic::NormalForm(*bound));
      auto [it, inserted] = groups.try_emplace(nf, Group{0, formulas.size()});
      it->second.votes++;
      formulas.push_back(f);
    }
    const int n = static_cast<int>(reply->choices.size());
    if (groups.empty()) {
      std::string why = "none of the " + std::to_string(n) + " candidates from the LLM is a valid formula";
      if (!rejected.empty()) why += "; first: '" + rejected[0].first + "': " + rejected[0].second;
      auto fb = Fallback(english, ontology, why,
                         Status::InvalidInput("cannot translate \"" + std::string(english) + "\": " + why));
      if (fb.ok()) fb->rejected = rejected;
      return fb;
    }
    const Group* best = nullptr;
    for (const auto& [nf, g] : groups) {
      if (best == nullptr || g.votes > best->votes || (g.votes == best->votes && g.first < best->first)) best = &g;
    }
    auto bound = logic::ParseAndBind(formulas[best->first], ontology);
    if (!bound.ok()) return bound.status();
    Translation t;
    t.query = std::move(bound).value();
    t.formula = logic::Print(t.query);
    t.translator = "llm";
    t.samples = n;
    t.votes = best->votes;
    t.agreement = n > 0 ? static_cast<double>(best->votes) / n : 0.0;
    t.rejected = std::move(rejected);
    return t;
  }

 private:
  Result<Translation> Fallback(std::string_view english, const Ontology& ontology, const std::string& why,
                               const Status& failure) {
    if (!config_.fallback) return failure;
    BuiltinTranslator builtin(config_.use_wordnet);
    auto t = builtin.Translate(english, ontology);
    if (!t.ok()) {
      return Status(t.status().code(),
                    "the LLM translator failed (" + why + ") and so did the fallback: " + t.status().message());
    }
    t->note = "llm failed (" + why + "); used builtin";
    return t;
  }

  TranslatorConfig config_;
  llm::ChatClient& client_;
  std::unique_ptr<llm::ChatClient> owned_;
};

}  // namespace

std::unique_ptr<Translator> MakeLlmTranslator(const TranslatorConfig& config, llm::ChatClient& client) {
  return std::make_unique<LlmTranslator>(config, client, nullptr);
}

Result<std::unique_ptr<Translator>> MakeTranslator(const TranslatorConfig& config) {
  if (config.kind == "builtin") return std::unique_ptr<Translator>(new BuiltinTranslator(config.use_wordnet));
  if (config.kind == "llm") {
    if (config.samples < 1)
      return PlainDiagnostic("the LLM samples per translation must be at least 1")
          .With(Setting::kLlmSamples)
          .ToStatus();
    if (config.temperature < 0 || config.temperature > 2) {
      return PlainDiagnostic("the LLM sampling temperature must be between 0 and 2")
          .With(Setting::kLlmTemperature)
          .ToStatus();
    }
    GEORUNE_ASSIGN_OR_RETURN(auto client, llm::HttpChatClient::Create(config.client));
    llm::ChatClient& ref = *client;
    return std::unique_ptr<Translator>(new LlmTranslator(config, ref, std::move(client)));
  }
  return Status::InvalidInput("unknown translator '" + config.kind + "' (hint: builtin or llm)");
}

}  // namespace georune::nl
