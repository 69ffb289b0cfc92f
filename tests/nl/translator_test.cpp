#include "georune/nl/translator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "llm/local_server.h"

namespace georune::nl {
namespace {

using json = nlohmann::json;

// tests/nl/data/paraphrases.jsonl.
std::string ParaphrasePath() { return std::string(GEORUNE_TEST_DATA_DIR) + "/paraphrases.jsonl"; }

const Ontology& Ont() { return Ontology::Default(); }

std::string Nf(const std::string& formula) {
  auto b = logic::ParseAndBind(formula, Ont());
  EXPECT_TRUE(b.ok()) << formula << ": " << b.status().message();
  return b.ok() ? logic::NormalForm(*b) : "";
}

// The built-in translation of `english`, normalised; "" with a test failure when it fails.
std::string Builtin(const std::string& english) {
  auto t = MakeTranslator({}).value()->Translate(english, Ont());
  EXPECT_TRUE(t.ok()) << english << ": " << t.status().message();
  return t.ok() ? logic::NormalForm(t->query) : "";
}

void ExpectSame(const std::string& english, const std::string& gold) {
  EXPECT_EQ(Builtin(english), Nf(gold)) << english;
}

struct Case {
  std::string text, logic;
};
std::vector<Case> Load(const std::string& path) {
  std::vector<Case> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json j = json::parse(line);
    out.push_back({j["text"], j["logic"]});
  }
  return out;
}

void RunSet(const std::vector<Case>& cases, double min_accuracy) {
  ASSERT_FALSE(cases.empty());
  auto tr = MakeTranslator({}).value();
  int right = 0;
  std::string failures;
  for (const auto& c : cases) {
    auto t = tr->Translate(c.text, Ont());
    if (t.ok() && logic::NormalForm(t->query) == Nf(c.logic)) {
      ++right;
    } else {
      failures +=
          "  " + c.text + " -> " + (t.ok() ? t->formula : t.status().message()) + "\n     gold " + c.logic + "\n";
    }
  }
  double acc = static_cast<double>(right) / cases.size();
  EXPECT_GE(acc, min_accuracy) << right << "/" << cases.size() << "\n" << failures;
  std::printf("accuracy %d/%zu\n%s", right, cases.size(), failures.c_str());
}

TEST(BuiltinTranslator, DevSet) {
  auto cases = Load(std::string(GEORUNE_SHARED_DIR) + "/bench/queries-dev.jsonl");
  if (cases.empty()) GTEST_SKIP() << "shared/bench/queries-dev.jsonl not found";
  // d37 and d40 differ from gold only in the order of equal conjuncts / exists>=2 vs two
  // variables; the CLI's --eval checks them by their crisp answers.
  RunSet(cases, 0.95);
}

TEST(BuiltinTranslator, Paraphrases) { RunSet(Load(ParaphrasePath()), 0.95); }

TEST(BuiltinTranslator, ClassNounsSynonymsPluralsGroups) {
  ExpectSame("a plane", "plane(a)");
  ExpectSame("aeroplanes", "plane(a)");
  ExpectSame("a tennis court", "tennis_court(a)");
  ExpectSame("soccer fields", "soccer_ball_field(a)");
  ExpectSame("a running track", "ground_track_field(a)");
  ExpectSame("any vehicle", "vehicle(a)");
  ExpectSame("a lorry", "large_vehicle(a)");
  ExpectSame("an object", "object(a)");
}

TEST(BuiltinTranslator, WordNetWidensNouns) {
  // "jetliner" and "motorcar" are not in the ontology; WordNet maps them.
  if (!std::ifstream("/usr/share/wordnet/index.noun")) GTEST_SKIP() << "WordNet not installed";
  ExpectSame("a jetliner", "plane(a)");
  ExpectSame("a motorcar", "small_vehicle(a)");
  auto no_wn = DraftBuiltin("a motorcar", Ont(), /*use_wordnet=*/false);
  EXPECT_FALSE(no_wn.ok());
}

TEST(BuiltinTranslator, UserOntology) {
  auto ont = Ontology::FromJson(
      R"({"name":"farm","classes":[{"name":"barn","labels":["barn"],"synonyms":["shed"]},{"name":"silo","labels":["silo"],"synonyms":[]}],"groups":[]})",
      "test");
  ASSERT_TRUE(ont.ok()) << ont.status().message();
  auto t = MakeTranslator({}).value()->Translate("a silo next to a shed", *ont);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->formula, "silo(s) AND barn(b) AND near(s, b)");
}

TEST(BuiltinTranslator, Numbers) {
  ExpectSame("at least 12 cars", "exists>=12 x: small_vehicle(x)");
  ExpectSame("at least twelve cars", "exists>=12 x: small_vehicle(x)");
  ExpectSame("at least twenty five cars", "exists>=25 x: small_vehicle(x)");
  ExpectSame("two planes", "plane(a) AND plane(b)");
  ExpectSame("a pair of ships", "ship(a) AND ship(b)");
}

TEST(BuiltinTranslator, Counting) {
  ExpectSame("at least three ships", "exists>=3 x: ship(x)");
  ExpectSame("more than three ships", "exists>=4 x: ship(x)");
  ExpectSame("fewer than three ships", "exists<=2 x: ship(x)");
  ExpectSame("at most three ships", "exists<=3 x: ship(x)");
  ExpectSame("exactly three ships", "exists=3 x: ship(x)");
  ExpectSame("no ships", "NOT exists x: ship(x)");
  ExpectSame("zero ships", "NOT exists x: ship(x)");
  ExpectSame("between 2 and 5 ships", "(exists>=2 x: ship(x)) AND exists<=5 y: ship(y)");
  ExpectSame("at least three ships near a harbor", "harbor(h) AND exists>=3 x: ship(x) AND near(x, h)");
}

TEST(BuiltinTranslator, Relations) {
  ExpectSame("a ship near a harbor", "ship(a) AND harbor(b) AND near(a, b)");
  ExpectSame("a ship far from a harbor", "ship(a) AND harbor(b) AND far(a, b)");
  ExpectSame("a ship left of a harbor", "ship(a) AND harbor(b) AND left_of(a, b)");
  ExpectSame("a ship to the east of a harbor", "ship(a) AND harbor(b) AND right_of(a, b)");
  ExpectSame("a ship north of a harbor", "ship(a) AND harbor(b) AND above(a, b)");
  ExpectSame("a ship below a harbor", "ship(a) AND harbor(b) AND below(a, b)");
  ExpectSame("a car inside a roundabout", "small_vehicle(a) AND roundabout(b) AND on(a, b)");
  ExpectSame("a roundabout containing a car", "roundabout(a) AND small_vehicle(b) AND on(b, a)");
  ExpectSame("a ship overlapping a bridge", "ship(a) AND bridge(b) AND overlaps(a, b)");
  ExpectSame("a bridge perpendicular to a bridge", "bridge(a) AND bridge(b) AND perpendicular(a, b)");
  ExpectSame("a plane bigger than a helicopter", "plane(a) AND helicopter(b) AND larger(a, b)");
  ExpectSame("a ship docked in a harbor", "ship(a) AND harbor(b) AND near(a, b)");
}

constexpr int kFloodQueriesTranslated = 28;  // of 28

// In a segmentation ontology (exclusive classes) "on" and "crossing" are touching; elsewhere on
// and overlaps stay.
TEST(BuiltinTranslator, OnBetweenExclusiveClassesIsTouching) {
  const Ontology flood = Ontology::BuiltIn("floodnet").value();
  auto tr = MakeTranslator({}).value();
  auto nf = [&](const std::string& english, const Ontology& o) {
    auto t = tr->Translate(english, o);
    EXPECT_TRUE(t.ok()) << english << ": " << t.status().message();
    return t.ok() ? logic::NormalForm(t->query) : "";
  };
  auto gold = [&](const std::string& formula) {
    return logic::NormalForm(logic::ParseAndBind(formula, flood).value());
  };
  EXPECT_EQ(nf("a vehicle on a flooded road", flood), gold("vehicle(v) AND flooded_road(r) AND distance(v, r) < 1"));
  EXPECT_EQ(nf("a flooded road with no vehicle on it", flood),
            gold("flooded_road(r) AND NOT exists v: vehicle(v) AND distance(v, r) < 1"));
  EXPECT_EQ(nf("a road containing a vehicle", flood), gold("road(r) AND vehicle(v) AND distance(v, r) < 1"));
  EXPECT_EQ(nf("a dry road crossing a flooded road", flood),
            gold("non_flooded_road(a) AND flooded_road(b) AND distance(a, b) < 1"));
  // Box ontologies keep on.
  EXPECT_EQ(nf("a car on a bridge", Ont()), Nf("small_vehicle(a) AND bridge(b) AND on(a, b)"));
}

// The constructs of segmentations (docs/translation.md), on sentences other than the
// benchmark's: surrounded by, cut by, the flooded stretch, stranded, between, on both sides of,
// crossing, whose "them"; and what box ontologies make of the same words.
TEST(BuiltinTranslator, SegmentationConstructs) {
  const Ontology flood = Ontology::BuiltIn("floodnet").value();
  auto tr = MakeTranslator({}).value();
  auto same = [&](const std::string& english, const std::string& formula, const Ontology& o) {
    auto t = tr->Translate(english, o);
    ASSERT_TRUE(t.ok()) << english << ": " << t.status().message();
    EXPECT_EQ(logic::NormalForm(t->query), logic::NormalForm(logic::ParseAndBind(formula, o).value()))
        << english << "\n  got " << t->formula;
  };
  auto refused = [&](const std::string& english, const Ontology& o) {
    auto t = tr->Translate(english, o);
    EXPECT_FALSE(t.ok()) << english << " -> " << (t.ok() ? t->formula : "");
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput);
    }
  };
  // surrounded by: touching, and nothing but what surrounds touches it
  same("a pool surrounded by water or trees",
       "pool(p) AND (water(w) OR tree(w)) AND distance(p, w) < 1 AND NOT exists x: object(x) AND NOT (water(x) OR "
       "tree(x)) AND distance(x, p) < 1",
       flood);
  same("two dry buildings encircled by water next to a pool",
       "non_flooded_building(a) AND non_flooded_building(b) AND water(w) AND pool(p) AND distance(a, w) < 1 AND "
       "distance(b, w) < 1 AND near(a, p) AND near(b, p) AND (NOT exists x: object(x) AND NOT water(x) AND distance(x, "
       "a) < 1) AND NOT exists y: object(y) AND NOT water(y) AND distance(y, b) < 1",
       flood);
  same("no building surrounded by water",
       "NOT exists b: building(b) AND (NOT exists x: object(x) AND NOT water(x) AND distance(x, b) < 1) AND exists w: "
       "water(w) AND distance(b, w) < 1",
       flood);
  same("a tennis court surrounded by cars", "tennis_court(t) AND small_vehicle(c) AND near(t, c)", Ont());
  // cut by: a flooded piece between two dry ones (water), or two pieces around any other class
  same("a street severed by floodwater, with two vehicles on the cut",
       "non_flooded_road(a) AND non_flooded_road(c) AND flooded_road(f) AND vehicle(u) AND vehicle(v) AND distance(u, "
       "f) < 1 AND distance(v, f) < 1 AND distance(a, f) < 1 AND distance(c, f) < 1 AND parallel(a, c)",
       flood);
  same("a road cut by a building with no vehicle on the section",
       "road(a) AND road(c) AND building(f) AND distance(a, f) < 1 AND distance(c, f) < 1 AND parallel(a, c) AND NOT "
       "exists v: vehicle(v) AND distance(v, f) < 1",
       flood);
  refused("a bridge cut by water", Ont());  // a box cannot show a cut: said in the hint
  EXPECT_NE(tr->Translate("a bridge cut by a ship", Ont()).status().message().find("segmentation ontology"),
            std::string::npos);
  refused("a vehicle on the flooded stretch", flood);  // no cut to be a stretch of
  // stranded: on a flooded road with no dry road near it; said once
  same("two stranded vehicles",
       "vehicle(u) AND vehicle(v) AND (exists r: flooded_road(r) AND distance(u, r) < 1) AND (exists s: "
       "flooded_road(s) AND distance(v, s) < 1) AND (NOT exists d: non_flooded_road(d) AND near(u, d)) AND NOT exists "
       "e: non_flooded_road(e) AND near(v, e)",
       flood);
  same("a stranded vehicle on a flooded road near a pool",
       "vehicle(v) AND flooded_road(r) AND pool(p) AND distance(v, r) < 1 AND near(r, p) AND NOT exists d: "
       "non_flooded_road(d) AND near(v, d)",
       flood);
  refused("a stranded ship", Ont());
  // between, on both sides of, crossing
  same("a pool between a dry building and a tree",
       "pool(p) AND non_flooded_building(b) AND tree(t) AND near(p, b) AND near(p, t)", flood);
  same("ships on both sides of a bridge",
       "ship(a) AND ship(b) AND bridge(c) AND near(a, c) AND near(b, c) AND NOT near(a, b)", Ont());
  same("dry roads crossing each other", "non_flooded_road(a) AND non_flooded_road(b) AND perpendicular(a, b)", flood);
  same("two crossing bridges", "bridge(a) AND bridge(b) AND overlaps(a, b)", Ont());
  refused("three roads crossing each other", flood);  // three are never pairwise perpendicular
  // whose "them": the nearest noun things stand on, when the number agrees
  same("a dry building next to flooded roads with vehicles on them",
       "non_flooded_building(b) AND flooded_road(r) AND near(b, r) AND vehicle(v) AND distance(v, r) < 1", flood);
  same("dry buildings next to a flooded road with vehicles on them",
       "non_flooded_building(b) AND flooded_road(r) AND near(b, r) AND vehicle(v) AND distance(v, r) < 1", flood);
  same("flooded roads next to a dry building with a pool near it",
       "flooded_road(r) AND non_flooded_building(b) AND pool(p) AND near(r, b) AND near(p, b)", flood);
  // touching, and "the building" for the one building named
  same("a dry building and no water touching the building",
       "non_flooded_building(b) AND NOT exists w: water(w) AND distance(w, b) < 1", flood);
  same("a ship touching a harbor", "ship(s) AND harbor(h) AND near(s, h)", Ont());
}

// The post-flood benchmark's queries (bench/queries/flood.jsonl): all 28 give the benchmark's
// own formula up to NormalForm (so the same answers on every archive).
TEST(BuiltinTranslator, FloodBenchmarkQueries) {
  const Ontology flood = Ontology::BuiltIn("floodnet").value();
  auto tr = MakeTranslator({}).value();
  std::ifstream in(std::string(GEORUNE_TEST_DATA_DIR) + "/../../../bench/queries/flood.jsonl");
  std::string line, failures;
  int right = 0, total = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json q = json::parse(line);
    ++total;
    auto t = tr->Translate(q["text"].get<std::string>(), flood);
    const std::string gold = logic::NormalForm(logic::ParseAndBind(q["logic"].get<std::string>(), flood).value());
    if (t.ok() && logic::NormalForm(t->query) == gold) ++right;
    else failures += "  " + q["id"].get<std::string>() + " " + (t.ok() ? t->formula : t.status().message()) + "\n";
  }
  ASSERT_EQ(total, 28);
  EXPECT_GE(right, kFloodQueriesTranslated) << failures;
  std::printf("flood queries translated to the benchmark's formula: %d/%d\n%s", right, total, failures.c_str());
}

TEST(BuiltinTranslator, Arrangements) {
  ExpectSame("three cars aligned", "small_vehicle(a) AND small_vehicle(b) AND small_vehicle(c) AND aligned(a, b, c)");
  ExpectSame("a cluster of three planes", "plane(a) AND plane(b) AND plane(c) AND clustered(a, b, c)");
  ExpectSame("two planes side by side", "plane(a) AND plane(b) AND near(a, b)");
}

// Groups named one by one stop at 200 entities; larger ones are refused at once, whatever the
// number's size (a fuzzer found "22222222222 cars in a row" hanging the translator).
TEST(BuiltinTranslator, GroupsTooLargeToNameAreRefused) {
  auto tr = MakeTranslator({}).value();
  auto row200 = tr->Translate("a row of 200 cars", Ont());
  ASSERT_TRUE(row200.ok()) << row200.status().message();
  EXPECT_NE(row200->formula.find("aligned("), std::string::npos);
  for (const char* q : {"a row of 201 cars", "a cluster of 22222222222 tanks", "22222222222 cars in a row, parallel",
                        "at least 5000000 ships, 4000000 of them near a harbor", "a tennis court row of 100000"}) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = tr->Translate(q, Ont());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << q;
    EXPECT_NE(r.status().message().find("more than 200 entities"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("count them instead"), std::string::npos) << r.status().message();
    EXPECT_LT(s, 1.0) << q;
  }
}

TEST(BuiltinTranslator, NegationAndDisjunction) {
  ExpectSame("a harbor with no ships near it", "harbor(h) AND NOT exists s: ship(s) AND near(s, h)");
  ExpectSame("a ship not near any harbor", "ship(s) AND NOT exists h: harbor(h) AND near(s, h)");
  ExpectSame("an airport without helicopters", "airport(a) AND NOT exists h: helicopter(h) AND on(h, a)");
  ExpectSame("an airport and no helicopters", "airport(a) AND NOT exists h: helicopter(h)");
  ExpectSame("a ship or a harbor", "ship(a) OR harbor(b)");
  ExpectSame("either a pool or a tennis court", "swimming_pool(a) OR tennis_court(b)");
}

TEST(BuiltinTranslator, RelativeClausesAndMetric) {
  ExpectSame("a ship that is near a harbor", "ship(a) AND harbor(b) AND near(a, b)");
  ExpectSame("a bridge with no vehicles on it", "bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)");
  ExpectSame("a ship within 50 m of a harbor", "ship(a) AND harbor(b) AND distance(a, b) <= 50 m");
  ExpectSame("a ship longer than 100 meters", "ship(a) AND length(a) > 100 m");
  ExpectSame("a storage tank larger than 2000 square meters", "storage_tank(a) AND area(a) > 2000 m2");
  ExpectSame("two cars less than 30 meters apart", "small_vehicle(a) AND small_vehicle(b) AND distance(a, b) < 30 m");
  ExpectSame("a pool larger than 1 ha", "swimming_pool(a) AND area(a) > 1 ha");
}

TEST(BuiltinTranslator, Forall) {
  ExpectSame("every plane is on an airport",
             "(exists x: plane(x)) AND forall p: plane(p) -> exists a: airport(a) AND on(p, a)");
}

TEST(BuiltinTranslator, RefusesUnknownWordsAndNamesThem) {
  auto tr = MakeTranslator({}).value();
  auto r = tr->Translate("a purple zeppelin near a harbor", Ont());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("'purple'"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("'zeppelin'"), std::string::npos) << r.status().message();
}

TEST(BuiltinTranslator, NeverDropsPartOfAQuery) {
  auto tr = MakeTranslator({}).value();
  for (const char* q : {"a ship near a harbor quickly", "a ship near", "a plane and", "at least ships", "every ship is",
                        "a ship near a harbor or", "two planes aligned", "a plane next to each other"}) {
    auto r = tr->Translate(q, Ont());
    EXPECT_FALSE(r.ok()) << q << " -> " << (r.ok() ? r->formula : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput) << q;
    }
  }
  auto empty = tr->Translate("   ", Ont());
  EXPECT_FALSE(empty.ok());
}

TEST(BuiltinTranslator, UnknownKindIsRefused) {
  TranslatorConfig c;
  c.kind = "oracle";
  EXPECT_EQ(MakeTranslator(c).status().code(), StatusCode::kInvalidInput);
}

// ---------------------------------------------------------------- LLM translator

using georune::testing::LocalChatServer;

TranslatorConfig LlmConfig(const std::string& url) {
  TranslatorConfig c;
  c.kind = "llm";
  c.client.base_url = url;
  c.client.max_retries = 0;
  c.client.read_timeout_s = 5;
  c.client.initial_backoff_s = 0.01;
  c.model = "qwen";
  return c;
}

std::string Choice(const std::string& formula) { return json({{"formula", formula}}).dump(); }

TEST(LlmTranslator, VotesOverNormalFormsAndReportsAgreement) {
  LocalChatServer server([](const httplib::Request& req, httplib::Response& res, int) {
    std::vector<std::string> c = {
        Choice("ship(s) AND harbor(h) AND near(s, h)"),
        Choice("harbor(x) AND ship(y) AND near(y, x)"),  // same up to renaming and order
        Choice("ship(a) AND harbor(b) AND near(a, b)"),
        "```json\n" + Choice("ship(s) AND harbor(h) AND near(s, h)") + "\n```",
        Choice("ship(s) AND harbor(h) AND near(s,h)"),
        Choice("ship(q) AND harbor(r) AND near(q, r)"),
        Choice("ship(s) AND harbor(h) AND on(s, h)"),
        Choice("ship(s) AND harbor(h) AND on(s, h)"),
        Choice("boatish(s) AND harbor(h)"),  // unknown predicate
        "I think the answer is a ship",      // not a formula
    };
    res.set_content(LocalChatServer::CompletionBody(c), "application/json");
  });
  auto tr = MakeTranslator(LlmConfig(server.url()));
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  auto t = (*tr)->Translate("a ship near a harbor", Ont());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->translator, "llm");
  EXPECT_EQ(t->samples, 10);
  EXPECT_EQ(t->votes, 6);
  EXPECT_DOUBLE_EQ(t->agreement, 0.6);
  EXPECT_EQ(logic::NormalForm(t->query), Nf("ship(s) AND harbor(h) AND near(s, h)"));
  ASSERT_EQ(t->rejected.size(), 2u);
  EXPECT_EQ(t->rejected[0].first, "boatish(s) AND harbor(h)");
  EXPECT_FALSE(t->rejected[0].second.empty());
  // the request: n, temperature, the json_schema dialect, the prompt with the ontology
  json body = json::parse(server.body(0));
  EXPECT_EQ(body["n"], 10);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.7);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  std::string system = body["messages"][0]["content"];
  EXPECT_NE(system.find("storage_tank"), std::string::npos);
  EXPECT_NE(system.find("near(a,b)"), std::string::npos);
  EXPECT_NE(system.find("Examples"), std::string::npos);
}

TEST(LlmTranslator, GrammarDialectForLlamaCpp) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({Choice("plane(a)")}), "application/json");
  });
  TranslatorConfig c = LlmConfig(server.url());
  c.structured = llm::StructuredOutput::kGrammar;
  c.samples = 3;  // llama.cpp returns one choice per call: three calls
  auto t = MakeTranslator(c).value()->Translate("a plane", Ont());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(server.calls(), 3);
  json body = json::parse(server.body(0));
  ASSERT_TRUE(body.contains("grammar"));
  EXPECT_NE(body["grammar"].get<std::string>().find("root ::="), std::string::npos);
  EXPECT_NE(body["grammar"].get<std::string>().find("\"storage_tank\""), std::string::npos);
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_DOUBLE_EQ(t->agreement, 1.0);
}

TEST(LlmTranslator, NoValidCandidateIsAnError) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({Choice("zeppelin(a)"), Choice("plane(a) AND")}),
                    "application/json");
  });
  TranslatorConfig c = LlmConfig(server.url());
  c.samples = 2;
  auto t = MakeTranslator(c).value()->Translate("a zeppelin", Ont());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(t.status().message().find("none of the 2 candidates"), std::string::npos) << t.status().message();
}

TEST(LlmTranslator, DownServerFailsOrFallsBack) {
  int port;
  {
    LocalChatServer gone([](const httplib::Request&, httplib::Response&, int) {});
    port = gone.port();
  }
  TranslatorConfig c = LlmConfig("http://127.0.0.1:" + std::to_string(port));
  auto t = MakeTranslator(c).value()->Translate("a ship near a harbor", Ont());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnavailable);
  c.fallback = true;
  auto f = MakeTranslator(c).value()->Translate("a ship near a harbor", Ont());
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->translator, "builtin");
  EXPECT_NE(f->note.find("llm failed"), std::string::npos);
}

TEST(LlmTranslator, ExtractFormula) {
  EXPECT_EQ(ExtractFormula(R"x({"formula": "plane(a)"})x"), "plane(a)");
  EXPECT_EQ(ExtractFormula("```\n{\"formula\":\"ship(s)\"}\n```"), "ship(s)");
  EXPECT_EQ(ExtractFormula("formula: plane(a) AND ship(b)"), "plane(a) AND ship(b)");
  EXPECT_EQ(ExtractFormula("  plane(a)\n"), "plane(a)");
}

TEST(LlmTranslator, RefusesBadSettings) {
  TranslatorConfig c = LlmConfig("http://127.0.0.1:1");
  c.samples = 0;
  EXPECT_EQ(MakeTranslator(c).status().code(), StatusCode::kInvalidInput);
  c = LlmConfig("localhost:8080");
  EXPECT_EQ(MakeTranslator(c).status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace georune::nl
