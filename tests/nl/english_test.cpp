// ../shared/spec/english.md, rule by rule, for the built-in translator; the normaliser and the
// lexicon on their own; and the everyday phrasings of bench/queries/english-everyday.jsonl.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "georune/common/wordnet.h"
#include "georune/nl/lexicon.h"
#include "georune/nl/translator.h"

namespace georune::nl {
namespace {

const Ontology& Ont() { return Ontology::Default(); }

std::string Nf(const std::string& formula, const Ontology& ont = Ont()) {
  auto b = logic::ParseAndBind(formula, ont);
  EXPECT_TRUE(b.ok()) << formula << ": " << b.status().message();
  return b.ok() ? logic::NormalForm(*b) : "";
}

std::string Builtin(const std::string& english, const Ontology& ont = Ont()) {
  auto t = MakeTranslator({}).value()->Translate(english, ont);
  EXPECT_TRUE(t.ok()) << english << ": " << t.status().message();
  return t.ok() ? logic::NormalForm(t->query) : "";
}

#define EXPECT_MEANS(english, gold) EXPECT_EQ(Builtin(english), Nf(gold)) << (english)

// The refusal message; a test failure when it translates.
std::string Refusal(const std::string& english, const Ontology& ont = Ont()) {
  auto t = MakeTranslator({}).value()->Translate(english, ont);
  EXPECT_FALSE(t.ok()) << english << " -> " << (t.ok() ? t->formula : "");
  if (t.ok()) return "";
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput) << english;
  return t.status().message();
}

bool HaveWordNet() { return WordNet::Default().ok(); }

TEST(Normaliser, CasePunctuationHyphensSpellingsSymbolsFiller) {
  EXPECT_EQ(Normalise("Ships, near a Harbour."), (Tokens{"ships", ",", "near", "a", "harbor"}));
  EXPECT_EQ(Normalise("oil-tanks"), (Tokens{"oil", "tanks"}));
  EXPECT_EQ(Normalise("> 50 cars"), (Tokens{"more", "than", "50", "cars"}));
  EXPECT_EQ(Normalise("<=3 planes"), (Tokens{"at", "most", "3", "planes"}));
  EXPECT_EQ(Normalise("5+ cars"), (Tokens{"5", "or", "more", "cars"}));
  EXPECT_EQ(Normalise("ships & planes please!"), (Tokens{"ships", "and", "planes"}));
  EXPECT_EQ(Normalise("100m from a 2000m2 tank"), (Tokens{"100", "m", "from", "a", "2000", "m2", "tank"}));
  EXPECT_EQ(Normalise("there's an aeroplane"), (Tokens{"there", "is", "an", "airplane"}));
  EXPECT_EQ(Normalise(", ,a ship,"), (Tokens{"a", "ship"}));
  EXPECT_EQ(Normalise("a ship. a harbor?"), (Tokens{"a", "ship", ",", "a", "harbor"}));
  EXPECT_EQ(Normalise("longer than 2.5 m."), (Tokens{"longer", "than", "2.5", "m"}));
}

TEST(Lexicon, LongestMatchOfOneKind) {
  Tokens t = Normalise("to the left of a ship");
  const LexEntry* hit = nullptr;
  EXPECT_EQ(MatchPhrase(t, 0, LexKind::kRelation, &hit), 4u);
  EXPECT_EQ(hit->value, "left_of");
  EXPECT_EQ(MatchPhrase(t, 0, LexKind::kCountDet), 0u);
  Tokens q = Normalise("lots of cars");
  EXPECT_EQ(MatchPhrase(q, 0, LexKind::kVague, &hit), 2u);
  EXPECT_EQ(hit->number, 10);
  EXPECT_TRUE(LexiconKnows("lots"));
  EXPECT_FALSE(LexiconKnows("zeppelin"));
}

TEST(Lexicon, NounsPluralsTyposAndNoHypernyms) {
  auto noun = [](const char* text) {
    auto m = MatchNoun(Normalise(text), 0, Ont(), HaveWordNet() ? *WordNet::Default() : nullptr);
    return m ? m->cls : std::string("<none>");
  };
  EXPECT_EQ(noun("tennis courts"), "tennis_court");
  EXPECT_EQ(noun("helicoptr"), "helicopter");  // one letter, >= 5 letters
  EXPECT_EQ(noun("swiming pool"), "swimming_pool");
  EXPECT_EQ(noun("shps"), "<none>");    // four letters: no typo correction
  EXPECT_EQ(noun("planet"), "<none>");  // a word of its own, not a typo of "plane"
  EXPECT_EQ(noun("pitch"), "soccer_ball_field");
  if (!HaveWordNet()) GTEST_SKIP() << "WordNet not installed";
  EXPECT_EQ(noun("motorcar"), "small_vehicle");  // same synset as "car"
  EXPECT_EQ(noun("runway"), "<none>");           // only through a hypernym
  EXPECT_EQ(noun("hangar"), "<none>");
  EXPECT_NE(NounChain("runway", Ont(), *WordNet::Default()), "");
}

TEST(Lexicon, ContentRelation) {
  for (const char* on : {"bridge", "helipad", "tennis_court", "court", "soccer_ball_field", "sports_field", "airport",
                         "ground_track_field", "baseball_diamond", "parking_lot"}) {
    EXPECT_EQ(ContentRelation(on), "on") << on;
  }
  for (const char* near : {"harbor", "roundabout", "storage_tank", "ship", "object"}) {
    EXPECT_EQ(ContentRelation(near), "near") << near;
  }
}

TEST(English, BarePluralIsOneEntity) { EXPECT_MEANS("ships near a harbor", "ship(s) AND harbor(h) AND near(s, h)"); }

TEST(English, NumbersAndComparisons) {
  EXPECT_MEANS("three ships", "ship(a) AND ship(b) AND ship(c)");
  for (const char* q : {"two or more planes", "at least 2 planes", "2 or more planes", "2+ planes"}) {
    EXPECT_MEANS(q, "exists>=2 x: plane(x)");
  }
  for (const char* q : {"more than 50 cars", "over 50 cars", "> 50 cars", ">50 cars"}) {
    EXPECT_MEANS(q, "exists>=51 x: small_vehicle(x)");
  }
  for (const char* q : {"fewer than 3 planes", "< 3 planes", "less than three planes"}) {
    EXPECT_MEANS(q, "exists<=2 x: plane(x)");
  }
  for (const char* q : {"at most 4 ships", "no more than 4 ships", "up to 4 ships"}) {
    EXPECT_MEANS(q, "exists<=4 x: ship(x)");
  }
  for (const char* q : {"exactly 2 helicopters", "only 2 helicopters"}) EXPECT_MEANS(q, "exists=2 x: helicopter(x)");
}

TEST(English, VagueQuantities) {
  EXPECT_MEANS("a pair of ships", "ship(a) AND ship(b)");
  for (const char* q : {"a few ships", "several ships"}) EXPECT_MEANS(q, "exists>=3 x: ship(x)");
  for (const char* q : {"many ships", "lots of ships", "dozens of ships"}) EXPECT_MEANS(q, "exists>=10 x: ship(x)");
  EXPECT_MEANS("a dozen ships", "exists>=12 x: ship(x)");
  EXPECT_MEANS("hundreds of cars", "exists>=100 x: small_vehicle(x)");
  EXPECT_MEANS("several ships near a harbor", "harbor(h) AND exists>=3 s: ship(s) AND near(s, h)");
}

TEST(English, ScopeOfNoWithoutWith) {
  const char* on_bridge = "bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)";
  for (const char* q : {"a bridge without vehicles", "a bridge with no vehicles", "a bridge with no vehicles on it",
                        "a bridge free of vehicles", "a bridge without any vehicles on it"}) {
    EXPECT_MEANS(q, on_bridge);
  }
  EXPECT_MEANS("a bridge with no cars", "bridge(b) AND NOT exists c: small_vehicle(c) AND on(c, b)");
  EXPECT_MEANS("a helipad without a helicopter", "helipad(p) AND NOT exists h: helicopter(h) AND on(h, p)");
  EXPECT_MEANS("a tennis court without cars", "tennis_court(t) AND NOT exists c: small_vehicle(c) AND on(c, t)");
  EXPECT_MEANS("a soccer field with no vehicles", "soccer_ball_field(f) AND NOT exists v: vehicle(v) AND on(v, f)");
  EXPECT_MEANS("an airport without helicopters", "airport(a) AND NOT exists h: helicopter(h) AND on(h, a)");
  for (const char* q : {"a harbor with no ships", "a harbor without ships", "a harbour free of boats"}) {
    EXPECT_MEANS(q, "harbor(h) AND NOT exists s: ship(s) AND near(s, h)");
  }
  EXPECT_MEANS("a roundabout without cars", "roundabout(r) AND NOT exists c: small_vehicle(c) AND near(c, r)");
  // a written relation wins
  EXPECT_MEANS("an airport with no helicopters near it", "airport(a) AND NOT exists h: helicopter(h) AND near(h, a)");
  EXPECT_MEANS("a harbor with no ships on it", "harbor(h) AND NOT exists s: ship(s) AND on(s, h)");
  // with: the same default relation
  EXPECT_MEANS("a bridge with cars", "bridge(b) AND small_vehicle(c) AND on(c, b)");
  EXPECT_MEANS("a harbor with ships", "harbor(h) AND ship(s) AND near(s, h)");
}

TEST(English, EmptyAndImagesWithout) {
  EXPECT_MEANS("an empty bridge", "bridge(b) AND NOT exists x: object(x) AND on(x, b)");
  EXPECT_MEANS("an empty harbor", "harbor(b) AND NOT exists x: object(x) AND near(x, b)");
  EXPECT_MEANS("images with no ships", "NOT exists s: ship(s)");
  EXPECT_MEANS("scenes without ships", "NOT exists s: ship(s)");
  EXPECT_MEANS("a harbor and no ships", "harbor(h) AND NOT exists s: ship(s)");
  EXPECT_MEANS("a harbor but no ships", "harbor(h) AND NOT exists s: ship(s)");
}

TEST(English, Rows) {
  const char* row3 =
      "small_vehicle(a) AND small_vehicle(b) AND small_vehicle(c) AND aligned(a, b, c) AND "
      "clustered(a, b, c)";
  for (const char* q : {"a row of cars", "cars in a row", "three cars in a row", "3 cars lined up",
                        "a line of three cars", "a column of cars"}) {
    EXPECT_MEANS(q, row3);
  }
  EXPECT_MEANS("a row of 4 cars",
               "small_vehicle(a) AND small_vehicle(b) AND small_vehicle(c) AND small_vehicle(d) "
               "AND aligned(a, b, c, d) AND clustered(a, b, c, d)");
  // the geometry alone
  const char* aligned3 = "small_vehicle(a) AND small_vehicle(b) AND small_vehicle(c) AND aligned(a, b, c)";
  EXPECT_MEANS("three cars aligned", aligned3);
  EXPECT_MEANS("3 collinear cars", aligned3);
}

TEST(English, Groups) {
  const char* near2 = "plane(a) AND plane(b) AND near(a, b)";
  for (const char* q : {"planes next to each other", "two planes next to each other", "planes side by side",
                        "planes close together", "a cluster of planes", "a group of 2 planes"}) {
    EXPECT_MEANS(q, near2);
  }
  EXPECT_MEANS("three planes next to each other", "plane(a) AND plane(b) AND plane(c) AND clustered(a, b, c)");
  EXPECT_MEANS("a cluster of 4 planes", "plane(a) AND plane(b) AND plane(c) AND plane(d) AND clustered(a, b, c, d)");
  EXPECT_MEANS("4 clustered planes", "plane(a) AND plane(b) AND plane(c) AND plane(d) AND clustered(a, b, c, d)");
  EXPECT_MEANS("a plane and a helicopter next to each other", "plane(p) AND helicopter(h) AND near(p, h)");
  EXPECT_MEANS("ships within 50 m of each other", "ship(a) AND ship(b) AND distance(a, b) <= 50 m");
}

TEST(English, EveryAllEachAskForOne) {
  const char* gold = "(exists x: ship(x)) AND forall s: ship(s) -> exists h: harbor(h) AND near(s, h)";
  for (const char* q : {"every ship is near a harbor", "all ships are near a harbor",
                        "ships that are all near a harbor", "each ship is near a harbor"}) {
    EXPECT_MEANS(q, gold);
  }
}

TEST(English, EveryAloneIsTheImagesWithOne) {
  EXPECT_MEANS("find every ship", "ship(s)");
  EXPECT_MEANS("show all the tennis courts", "tennis_court(t)");
}

// Where english.md is silent (docs/translation.md, "Where the spec is silent").
TEST(English, PartitivesAndReferences) {
  // a count keeps the others, distinct by logic.md §3
  EXPECT_MEANS("at least four ships, one of them near a bridge",
               "ship(s) AND bridge(b) AND near(s, b) AND exists>=3 x: ship(x)");
  EXPECT_MEANS("a harbor with four docked ships, two of them parallel",
               "harbor(h) AND ship(a) AND ship(b) AND ship(c) AND ship(d) AND near(a, h) AND near(b, h) AND "
               "near(c, h) AND near(d, h) AND parallel(a, b)");
  EXPECT_MEANS("three storage tanks and a truck near one of them",
               "storage_tank(a) AND storage_tank(b) AND storage_tank(c) AND large_vehicle(t) AND near(t, a)");
  EXPECT_MEANS("two ships and no crane near the last",
               "ship(a) AND ship(b) AND NOT exists c: container_crane(c) AND near(c, b)");
  // "them": each of them, but a row or group is near something when one member is
  EXPECT_MEANS("two planes and a helicopter to their left",
               "plane(a) AND plane(b) AND helicopter(h) AND left_of(h, a) AND left_of(h, b)");
  EXPECT_MEANS("three tennis courts in a row and a pool next to them",
               "tennis_court(a) AND tennis_court(b) AND tennis_court(c) AND aligned(a, b, c) AND "
               "clustered(a, b, c) AND swimming_pool(p) AND near(p, c)");
  EXPECT_MEANS("a ship near a bridge and a roundabout north of the bridge",
               "ship(s) AND bridge(b) AND near(s, b) AND roundabout(r) AND above(r, b)");
  EXPECT_MEANS("a truck and a car both on a bridge",
               "large_vehicle(t) AND small_vehicle(c) AND bridge(b) AND on(t, b) AND on(c, b)");
  // no antecedent: refused, not guessed
  Refusal("a truck near one of them");
  Refusal("a truck near the first");
}

TEST(English, ListsAlternativesAndArrangementsAfterTheNoun) {
  // each item after "with" takes the relation written after it or a later item, else the default
  EXPECT_MEANS("a bridge with two cars and a truck on it",
               "bridge(b) AND small_vehicle(v) AND small_vehicle(w) AND large_vehicle(t) AND on(v, b) AND "
               "on(w, b) AND on(t, b)");
  EXPECT_MEANS("a track with a tennis court and a pool nearby",
               "ground_track_field(t) AND tennis_court(c) AND near(c, t) AND swimming_pool(p) AND near(p, t)");
  EXPECT_MEANS("a harbor with three docked ships and two cranes",
               "harbor(h) AND ship(a) AND ship(b) AND ship(c) AND near(a, h) AND near(b, h) AND near(c, h) AND "
               "container_crane(x) AND container_crane(y) AND near(x, h) AND near(y, h)");
  EXPECT_MEANS("a harbor with cranes but without ships",
               "harbor(h) AND container_crane(c) AND near(c, h) AND NOT exists s: ship(s) AND near(s, h)");
  EXPECT_MEANS("an airport with planes and no helicopters",
               "airport(a) AND plane(p) AND on(p, a) AND NOT exists h: helicopter(h)");
  // "X or Y" without a determiner: one entity of either class; negated, neither
  EXPECT_MEANS("a bridge without cars or trucks",
               "bridge(b) AND NOT exists v: (small_vehicle(v) OR large_vehicle(v)) AND on(v, b)");
  EXPECT_MEANS("images without ships or planes", "NOT exists x: ship(x) OR plane(x)");
  EXPECT_MEANS("a bridge with nothing on it", "bridge(b) AND NOT exists x: object(x) AND on(x, b)");
  EXPECT_MEANS("a bridge that is empty", "bridge(b) AND NOT exists x: object(x) AND on(x, b)");
  EXPECT_MEANS("a tennis court row of three",
               "tennis_court(a) AND tennis_court(b) AND tennis_court(c) AND aligned(a, b, c) AND clustered(a, b, c)");
  EXPECT_MEANS("two ships docked parallel at a harbor",
               "harbor(h) AND ship(a) AND ship(b) AND near(a, h) AND near(b, h) AND parallel(a, b)");
  EXPECT_MEANS("a harbor with a dozen ships", "harbor(h) AND exists>=12 s: ship(s) AND near(s, h)");
  EXPECT_MEANS("a pool and a tennis court within 200 m of each other",
               "swimming_pool(p) AND tennis_court(t) AND distance(p, t) <= 200 m");
  EXPECT_MEANS("a bus", "large_vehicle(b)");  // not a plural
  EXPECT_MEANS("docked ships", "ship(s) AND harbor(h) AND near(s, h)");
  // a relation said before the arrangement holds for every entity the arrangement adds
  EXPECT_MEANS("cars on a bridge in a row",
               "bridge(b) AND small_vehicle(x) AND small_vehicle(y) AND small_vehicle(z) AND aligned(x, y, z) AND "
               "clustered(x, y, z) AND on(x, b) AND on(y, b) AND on(z, b)");
  EXPECT_MEANS("a bridge with no cars, near a harbor",
               "bridge(b) AND harbor(h) AND near(b, h) AND NOT exists c: small_vehicle(c) AND on(c, b)");
}

TEST(English, PunctuationCaseSpellingFiller) {
  const char* gold = "ship(s) AND harbor(h) AND near(s, h)";
  for (const char* q :
       {"Ships, near a harbour.", "SHIPS NEAR A HARBOR", "ships near a harbour!", "show me ships near a harbor please",
        "find images of ships near a harbor", "I want ships near any harbor"}) {
    EXPECT_MEANS(q, gold);
  }
  EXPECT_MEANS("show me aeroplanes please", "plane(p)");
  EXPECT_MEANS("a helicoptr", "helicopter(h)");
  EXPECT_MEANS("a pitch", "soccer_ball_field(f)");
  EXPECT_MEANS("oil-tanks near a ship", "storage_tank(t) AND ship(s) AND near(t, s)");
  EXPECT_MEANS("ships, planes and a harbor", "ship(s) AND plane(p) AND harbor(h)");
}

TEST(English, RefusesWordsOutsideTheOntologyNamingThem) {
  for (const char* w : {"runway", "terminal", "hangar"}) {
    std::string msg = Refusal(std::string("planes near a ") + w);
    EXPECT_NE(msg.find(std::string("'") + w + "'"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("did you mean ground_track_field"), std::string::npos) << msg;  // a hint, not a suggestion
  }
  std::string park = Refusal("cars in a car park");
  EXPECT_NE(park.find(HaveWordNet() ? "'car park'" : "'park'"), std::string::npos) << park;
  // suggestions are spelling neighbours, not unrelated classes
  std::string lots = Refusal("lots of purple ships");
  EXPECT_NE(lots.find("'purple'"), std::string::npos) << lots;
  EXPECT_EQ(lots.find("'lots'"), std::string::npos) << lots;
  EXPECT_EQ(lots.find("harbor"), std::string::npos) << lots;
  EXPECT_EQ(lots.find("plane"), std::string::npos) << lots;
  std::string lots_alone = Refusal("lots");
  EXPECT_EQ(lots_alone.find("did you mean"), std::string::npos) << lots_alone;
  std::string shps = Refusal("shps near a harbor");
  EXPECT_NE(shps.find("'shps'"), std::string::npos) << shps;
  EXPECT_NE(shps.find("ship"), std::string::npos) << shps;  // offered, not assumed
  if (HaveWordNet()) {
    std::string runway = Refusal("a runway");
    EXPECT_NE(runway.find("WordNet"), std::string::npos) << "the WordNet chain as hint: " << runway;
    std::string zeppelin = Refusal("a zeppelin");
    EXPECT_NE(zeppelin.find("zeppelin -> airship"), std::string::npos) << zeppelin;
  }
}

TEST(English, LlmPromptFollowsTheSameConventions) {
  std::string dota = LlmSystemPrompt(Ont());
  for (const char* rule : {"exists>=N+1", "on(y, x) for bridges, helipads, courts, fields and airports",
                           "aligned AND clustered", "(exists x: X(x)) AND forall", "'a few', 'several' = exists>=3"}) {
    EXPECT_NE(dota.find(rule), std::string::npos) << rule;
  }
  EXPECT_NE(dota.find("bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)"), std::string::npos);
  // examples only over classes the ontology has: no small_vehicle in HRRSD's prompt
  std::string hrrsd = LlmSystemPrompt(Ontology::BuiltIn("hrrsd").value());
  EXPECT_EQ(hrrsd.find("small_vehicle("), std::string::npos);
  EXPECT_NE(hrrsd.find("Q: every ship is near a harbor"), std::string::npos);
}

// Every few-shot example of the LLM prompt is what the built-in grammar gives: the two
// translators follow one set of conventions.
// The few-shot examples of the LLM prompt for `ontology`, each checked against the grammar.
int FewShotsAgreeWithTheGrammar(const Ontology& ontology) {
  std::string prompt = LlmSystemPrompt(ontology);
  int examples = 0;
  for (size_t q = prompt.find("\nQ: "); q != std::string::npos; q = prompt.find("\nQ: ", q + 1)) {
    size_t q_end = prompt.find('\n', q + 1);
    std::string english = prompt.substr(q + 4, q_end - q - 4);
    const std::string lead = "A: {\"formula\": \"";
    EXPECT_EQ(prompt.compare(q_end + 1, lead.size(), lead), 0) << english;
    size_t f = q_end + 1 + lead.size();
    std::string formula = prompt.substr(f, prompt.find("\"}", f) - f);
    EXPECT_EQ(Builtin(english, ontology), Nf(formula, ontology)) << english;
    ++examples;
  }
  return examples;
}

TEST(English, LlmFewShotsAgreeWithTheGrammar) { EXPECT_GE(FewShotsAgreeWithTheGrammar(Ont()), 20); }

// A segmentation's prompt says touching, not on/overlaps, and its own constructs, with examples
// the grammar agrees with; a box ontology's prompt says none of it.
TEST(English, LlmPromptOfASegmentation) {
  const Ontology flood = Ontology::BuiltIn("floodnet").value();
  const std::string prompt = LlmSystemPrompt(flood);
  EXPECT_NE(prompt.find("written distance(a, b) < 1"), std::string::npos);
  EXPECT_NE(prompt.find("'X surrounded by Y'"), std::string::npos);
  EXPECT_EQ(LlmSystemPrompt(Ont()).find("'X surrounded by Y'"), std::string::npos);
  for (const char* overlap : {"on(", "overlaps("}) {
    const size_t examples = prompt.find("Examples:");
    EXPECT_EQ(prompt.find(overlap, examples), std::string::npos) << overlap;
  }
  EXPECT_GE(FewShotsAgreeWithTheGrammar(flood), 5);
}

TEST(English, HrrsdOntologyIsUsed) {
  auto hrrsd = Ontology::BuiltIn("hrrsd");
  ASSERT_TRUE(hrrsd.ok());
  EXPECT_EQ(Builtin("a parking lot with no cars", *hrrsd),
            Nf("parking_lot(p) AND NOT exists v: vehicle(v) AND on(v, p)", *hrrsd));
  EXPECT_EQ(Builtin("a T junction near a crossroad", *hrrsd),
            Nf("t_junction(t) AND crossroad(c) AND near(t, c)", *hrrsd));
  EXPECT_EQ(Builtin("cars in a car park", *hrrsd), Nf("vehicle(v) AND parking_lot(p) AND on(v, p)", *hrrsd));
  std::string msg = Refusal("a terminal", *hrrsd);
  EXPECT_NE(msg.find("'terminal'"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("did you mean t_junction"), std::string::npos) << msg;
}

// The share of a JSON Lines set ("text", gold "logic") that translates to the gold's normal
// form, a stricter test than `translate --eval`'s crisp answers (any archive); the misses are
// printed.
double NormalFormAccuracy(const std::string& relative, int min_total) {
  // absolute (GEORUNE_TEST_DATA_DIR is tests/nl/data): __FILE__ is relative under ccache's base_dir
  std::string path = std::string(GEORUNE_TEST_DATA_DIR) + "/../../../" + relative;
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  auto tr = MakeTranslator({}).value();
  int right = 0, total = 0;
  std::string failures, line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    ++total;
    auto t = tr->Translate(j["text"].get<std::string>(), Ont());
    if (t.ok() && logic::NormalForm(t->query) == Nf(j["logic"])) {
      ++right;
    } else {
      failures += "  " + j["text"].get<std::string>() + " -> " + (t.ok() ? t->formula : t.status().message()) +
                  "\n     gold " + j["logic"].get<std::string>() + "\n";
    }
  }
  EXPECT_GE(total, min_total) << path;
  std::printf("%s: %d/%d\n%s", relative.c_str(), right, total, failures.c_str());
  return total ? static_cast<double>(right) / total : 0.0;
}

TEST(English, EverydayPhrasings) { EXPECT_GE(NormalFormAccuracy("bench/queries/english-everyday.jsonl", 100), 0.95); }

// Written to english.md by someone other than the grammar's author, after it: the acceptance
// bar of the hidden everyday set (90 %).
TEST(English, EverydayPhrasingsSecondSet) {
  EXPECT_GE(NormalFormAccuracy("bench/queries/english-everyday-2.jsonl", 120), 0.90);
}

TEST(English, RuneBench) { EXPECT_GE(NormalFormAccuracy("bench/queries/rune-bench.jsonl", 49), 0.95); }

}  // namespace
}  // namespace georune::nl
