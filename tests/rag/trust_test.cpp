// Tests of answers one can trust: name folding and fuzzy matching (against plain references),
// the field lexicon, MODIS land-cover names, abstention and ambiguity, lists and superlatives
// (against brute-force oracles on random records), and the LLM path's honouring of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "georune/embed/hashed_text.h"
#include "georune/rag/field_lexicon.h"
#include "georune/rag/land_cover.h"
#include "georune/rag/landmark_match.h"
#include "georune/rag/pipeline.h"
#include "georune/rag/structured_query.h"
#include "georune/rag/text_fold.h"
#include "llm/local_server.h"

namespace georune::rag {
namespace {

Record Landmark(std::string id, std::string name, std::string area, std::map<std::string, std::string> vars,
                std::map<std::string, std::string> fields = {}) {
  Record r;
  r.id = std::move(id);
  r.name = std::move(name);
  r.category = "Historic Site";
  r.fields = std::move(fields);
  r.fields["Name"] = r.name;
  r.fields["Category"] = r.category;
  r.fields["Area"] = std::move(area);
  r.variables = std::move(vars);
  return r;
}

std::vector<Record> Sample() {
  return {
      Landmark("1", "Lillestrøm Station", "Skedsmo, Norway",
               {{"PRECTOTLAND", "1238.69mm"}, {"SPEED", "3.1m/s"}, {"LC_Type1", "13"}},
               {{"Construction_Period", "1854"}}),
      Landmark("2", "Kyōto Station", "Kyoto, Japan",
               {{"PRECTOTLAND", "2034.18mm"},
                {"precipitation", "1841.08mm"},
                {"SPEED", "2.5m/s"},
                {"LST_Night_1km", "12.5°C"}},
               {{"Physical_Area", "238,000 square meters"}}),
      Landmark("3", "Falkland Palace", "Falkland, Fife, Scotland",
               {{"PRECTOTLAND", "900.0mm"}, {"LST_Night_1km", "2.14°C"}, {"SPEED", "6.0m/s"}}),
      Landmark("4", "Ring of Brodgar", "Mainland, Orkney, Scotland",
               {{"PRECTOTLAND", "1000.5mm"}, {"LST_Night_1km", "1.0°C"}, {"SPEED", "10.09m/s"}}),
      Landmark("5", "Fort Aaron", "Tehran, Iran", {{"SPEED", "1m/s"}}),
      Landmark("6", "Fort Aarons", "Tehran, Iran", {{"SPEED", "2m/s"}}),
      Landmark("7", "Kyoto", "Kyoto, Japan", {{"SPEED", "4m/s"}}),
  };
}

struct Kb {
  embed::HashedTextEmbedder text;
  KnowledgeBase kb;
};

std::unique_ptr<Kb> MakeKb(std::vector<Record> records) {
  auto f = std::make_unique<Kb>();
  std::vector<std::string> warnings;
  auto kb = KnowledgeBase::Build(std::move(records), f->text, nullptr, {}, &warnings);
  EXPECT_TRUE(kb.ok()) << kb.status().message();
  f->kb = std::move(*kb);
  return f;
}

ExtractiveAnswer Answer(const Kb& f, const std::string& q, AnswerOptions o = {}) {
  Retriever r(f.kb, f.text, nullptr, nullptr);
  auto got = r.Retrieve({q, ""}, RetrieveOptions{});
  EXPECT_TRUE(got.ok());
  return AnswerExtractive(f.kb, *got, Task::kVqa, q, o);
}

TEST(Fold, IcuFoldsAccentsAndSpecialLetters) {
  EXPECT_EQ(Fold("Lillestrøm Station"), "lillestrom station");
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("  Kyōto   Station!"), "kyoto station");
  EXPECT_EQ(Fold("Æbeltoft, Ekʼ Balam"), "aebeltoft ek balam");
  EXPECT_EQ(Fold("Tam Cốc – Bích Động"), "tam coc bich dong");
  EXPECT_EQ(FoldTokens("Château de Pirou"), (std::vector<std::string>{"chateau", "de", "pirou"}));
}

TEST(Fold, SimilarityIsOneMinusTheEditDistanceOverTheLongerLength) {
  EXPECT_DOUBLE_EQ(Similarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(Similarity("harbour", "harbor"), 1.0 - 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(Similarity("nera", "near"), 0.75);
  EXPECT_DOUBLE_EQ(Similarity("abc", "xyz"), 0.0);
}

TEST(LandmarkMatch, FoldedTypoNestedAmbiguousAbsent) {
  const auto records = Sample();
  LandmarkIndex index(records);
  auto one = [&](const std::string& q) {
    auto l = index.Find(q);
    return l.best.size() == 1 ? records[size_t(l.best[0].record)].id : "n=" + std::to_string(l.best.size());
  };
  EXPECT_EQ(one("What is the total precipitation at Lillestrom Station?"), "1");
  EXPECT_EQ(one("rain at LILLESTRØM station"), "1");
  EXPECT_EQ(one("How windy is Lilestrom Station?"), "1");    // one letter missing
  EXPECT_EQ(one("How windy is the Falklnad Palace?"), "3");  // two letters swapped
  EXPECT_EQ(one("When was Kyoto Station built?"), "2");      // not "Kyoto" inside it
  EXPECT_EQ(one("Is Kyoto rainy?"), "7");
  EXPECT_EQ(one("How windy is Fort Aarona?"), "n=2");  // as near to both
  EXPECT_EQ(one("What is the total precipitation at Bergen Station?"), "n=0");
  EXPECT_EQ(index.Find("Bergen Station").closest.record >= 0, true);
  EXPECT_EQ(NamedPhrase("When was Bergen Station built?"), "Bergen Station");
  EXPECT_EQ(NamedPhrase("What is the wind speed at Château de Versailles?"), "Château de Versailles");
  EXPECT_EQ(NamedPhrase("how windy is it here?"), "");
}

// The pruned window search gives the scores of a plain scan of every window.
TEST(LandmarkMatch, PrunedSearchEqualsThePlainScan) {
  const auto records = Sample();
  LandmarkIndex index(records);
  std::mt19937 rng(3);
  const std::vector<std::string> words = {"what",  "is",       "rain",    "at",        "lillestrom", "station",
                                          "kyoto", "falkland", "palace",  "fort",      "aaron",      "aarons",
                                          "ring",  "of",       "brodgar", "lilestrom", "palaec",     "kyot"};
  for (int t = 0; t < 300; ++t) {
    std::string q;
    for (size_t i = 0, n = 2 + rng() % 6; i < n; ++i) q += words[rng() % words.size()] + " ";
    const auto got = index.Find(q, 0.8);
    const auto tokens = FoldTokens(q);
    double top = 0;
    std::vector<double> best(records.size(), 0);
    for (size_t r = 0; r < records.size(); ++r) {
      const std::string name = Fold(records[r].name);
      const size_t k = FoldTokens(name).size();
      for (size_t len = std::max<size_t>(1, k - 1); len <= k + 1; ++len) {
        for (size_t b = 0; b + len <= tokens.size(); ++b)
          best[r] = std::max(best[r], Similarity(JoinTokens(tokens, b, len), name));
      }
    }
    for (double s : best) top = std::max(top, s);
    if (got.best.empty()) {
      EXPECT_LT(top, 0.8) << q;
      continue;
    }
    for (const auto& m : got.best) EXPECT_DOUBLE_EQ(m.score, best[size_t(m.record)]) << q;
  }
}

TEST(FieldLexicon, EverydayWords) {
  auto key = [](const std::string& q) {
    const Sense* s = DetectSense(LexiconTokens(q));
    return s ? s->keys[0] : std::string("-");
  };
  EXPECT_EQ(key("How much rain falls there?"), "PRECTOTLAND");
  EXPECT_EQ(key("annual rainfall"), "PRECTOTLAND");
  EXPECT_EQ(key("How big is it?"), "Physical_Area");
  EXPECT_EQ(key("What is the area of it?"), "Physical_Area");
  EXPECT_EQ(key("Which area is covered by it?"), "Area");
  EXPECT_EQ(key("How long is the river?"), "Physical_Area");
  EXPECT_EQ(key("night land-surface temperatures"), "LST_Night_1km");
  EXPECT_EQ(key("the daytime temperature"), "LST_Day_1km");
  EXPECT_EQ(key("mean air temperature"), "mean_2m_air_temperature");
  EXPECT_EQ(key("eastward wind"), "ULML");
  EXPECT_EQ(key("wind"), "SPEED");
  EXPECT_EQ(key("soil moisture"), "GWETPROF");
  EXPECT_EQ(key("sea level pressure"), "mean_sea_level_pressure");
  EXPECT_EQ(key("What is the address?"), "Address");
  EXPECT_EQ(key("nothing asked"), "-");
  EXPECT_EQ(DetectField("Where is the address of X?"), "Address");
}

TEST(LandCover, ModisLegends) {
  EXPECT_EQ(LandCoverClass("LC_Type1", "13"), "Urban and Built-up Lands");
  EXPECT_EQ(LandCoverClass("LC_Type1", "17"), "Water Bodies");
  EXPECT_EQ(LandCoverClass("LC_Type2", "0.0"), "Water Bodies");
  EXPECT_EQ(LandCoverClass("LC_Type3", "10.0"), "Urban and Built-up Lands");
  EXPECT_EQ(LandCoverClass("LC_Type4", "6"), "Annual Grass Vegetation");
  EXPECT_EQ(LandCoverClass("LC_Type5", "11"), "Barren");
  EXPECT_EQ(LandCoverClass("LC_Type1", "255"), "Unclassified");
  EXPECT_EQ(LandCoverClass("LC_Type1", "18"), "");
  EXPECT_EQ(LandCoverClass("LC_Type1", "12.5"), "");
  EXPECT_EQ(LandCoverClass("ALBEDO", "1"), "");
  EXPECT_EQ(RenderLandCover("LC_Type2", "13.0"), "13 (Urban and Built-up Lands, UMD)");
}

TEST(StructuredQuery, AreaInSquareMetres) {
  double v = 0;
  ASSERT_TRUE(AreaSquareMetres("20.48 acres (82879.62 m²)", &v));
  EXPECT_NEAR(v, 20.48 * 4046.8564224, 1e-6);
  ASSERT_TRUE(AreaSquareMetres("1,640 m²", &v));
  EXPECT_DOUBLE_EQ(v, 1640);
  ASSERT_TRUE(AreaSquareMetres("2 hectares", &v));
  EXPECT_DOUBLE_EQ(v, 20000);
  ASSERT_TRUE(AreaSquareMetres("141,000 square kilometres (54,000 sq mi)", &v));
  EXPECT_DOUBLE_EQ(v, 141000e6);
  EXPECT_FALSE(AreaSquareMetres("15 m (49 ft)", &v));
}

TEST(Answer, NamesFieldsAndAbstention) {
  auto f = MakeKb(Sample());
  auto a = Answer(*f, "What is the total precipitation at Lillestrom Station?");
  EXPECT_EQ(a.status, AnswerStatus::kAnswered);
  EXPECT_EQ(a.record_id, "1");
  EXPECT_EQ(a.answer, "The total precipitation (PRECTOTLAND) is 1238.69mm.");
  ASSERT_FALSE(a.sources.empty());
  EXPECT_EQ(a.sources[0].name, "Lillestrøm Station");
  EXPECT_EQ(a.sources[0].field, "PRECTOTLAND");
  EXPECT_DOUBLE_EQ(a.sources[0].name_score, 1.0);
  // Both sources of precipitation, primary first.
  a = Answer(*f, "How much rain falls at Kyoto Station?");
  EXPECT_EQ(a.answer, "The total precipitation (PRECTOTLAND) is 2034.18mm; precipitation gives 1841.08mm.");
  EXPECT_EQ(a.sources.size(), 2u);
  EXPECT_EQ(Answer(*f, "What is the land cover at Lillestrøm Station?").answer,
            "The land cover (LC_Type1) is 13 (Urban and Built-up Lands, IGBP).");
  EXPECT_EQ(Answer(*f, "How big is Kyoto Station?").answer, "238,000 square meters");
  // Abstain: a landmark that is not there, a field the landmark lacks.
  a = Answer(*f, "What is the total precipitation at Bergen Station?");
  EXPECT_EQ(a.status, AnswerStatus::kNotFound);
  EXPECT_NE(a.looked_for.find("Bergen Station"), std::string::npos);
  a = Answer(*f, "How big is Falkland Palace?");
  EXPECT_EQ(a.status, AnswerStatus::kNotFound);
  EXPECT_EQ(a.field, "Physical_Area");
  // Two equal fits: both listed.
  a = Answer(*f, "What is the wind speed at Fort Aarona?");
  EXPECT_EQ(a.status, AnswerStatus::kAmbiguous);
  ASSERT_EQ(a.sources.size(), 2u);
  EXPECT_NE(a.answer.find("1m/s"), std::string::npos);
  EXPECT_NE(a.answer.find("2m/s"), std::string::npos);
}

TEST(Answer, ListsAndSuperlatives) {
  auto f = MakeKb(Sample());
  auto a = Answer(*f, "Which landmarks are in Scotland?");
  EXPECT_TRUE(a.structured);
  std::vector<std::string> ids;
  for (const auto& s : a.sources) ids.push_back(s.record_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"3", "4"}));
  a = Answer(*f, "Which landmark is the coldest at night?");
  ASSERT_FALSE(a.sources.empty());
  EXPECT_EQ(a.sources[0].record_id, "4");
  EXPECT_EQ(a.sources[0].field, "LST_Night_1km");
  a = Answer(*f, "Which landmark has the highest night land-surface temperature?");
  EXPECT_EQ(a.sources[0].record_id, "2");
  a = Answer(*f, "Which landmarks are in Atlantis?");
  EXPECT_EQ(a.status, AnswerStatus::kNotFound);
  a = Answer(*f, "Which landmark is the tallest?");  // no quantity the records hold
  EXPECT_EQ(a.status, AnswerStatus::kNotFound);
  AnswerOptions two;
  two.list_limit = 1;
  a = Answer(*f, "Which landmarks are in Scotland?", two);
  EXPECT_EQ(a.sources.size(), 1u);
  EXPECT_NE(a.answer.find("1 more not shown"), std::string::npos);
}

// Superlatives against a linear scan, on random records and filters.
TEST(Answer, SuperlativesMatchALinearScan) {
  std::mt19937 rng(11);
  const std::vector<std::string> places = {"Scotland", "Iran", "Japan"};
  std::vector<Record> records;
  for (int i = 0; i < 60; ++i) {
    std::map<std::string, std::string> vars;
    if (rng() % 5) vars["SPEED"] = std::to_string(int(rng() % 1000) / 100.0) + "m/s";
    if (rng() % 4) vars["PRECTOTLAND"] = std::to_string(int(rng() % 300000) / 100.0) + "mm";
    records.push_back(Landmark("r" + std::to_string(i), "Site number " + std::to_string(i),
                               "Town, " + places[rng() % places.size()], vars));
  }
  auto f = MakeKb(records);
  struct Case {
    std::string q, var, place;
    bool high;
    size_t n;
  };
  const std::vector<Case> cases = {{"Which landmark is the windiest?", "SPEED", "", true, 1},
                                   {"Which landmark in Iran is the driest?", "PRECTOTLAND", "Iran", false, 1},
                                   {"What are the three wettest landmarks in Japan?", "PRECTOTLAND", "Japan", true, 3},
                                   {"Which 4 landmarks have the lowest wind speed?", "SPEED", "", false, 4}};
  for (const auto& c : cases) {
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& r : records) {
      auto it = r.variables.find(c.var);
      if (it == r.variables.end() || (!c.place.empty() && r.fields.at("Area").find(c.place) == std::string::npos))
        continue;
      rows.emplace_back(std::stod(it->second), r.id);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [&](auto& x, auto& y) { return c.high ? x.first > y.first : x.first < y.first; });
    std::vector<std::string> want;
    for (const auto& [v, id] : rows) {
      if (want.size() >= c.n && v != rows[want.size() - 1].first) break;
      want.push_back(id);
    }
    const auto a = Answer(*f, c.q);
    std::vector<std::string> got;
    for (const auto& s : a.sources) got.push_back(s.record_id);
    EXPECT_EQ(got, want) << c.q << " → " << a.answer;
  }
}

TEST(Ask, LlmPathHonoursAbstentionAndSaysWhenContextLacksTheAnswer) {
  auto f = MakeKb(Sample());
  Retriever r(f->kb, f->text, nullptr, nullptr);
  georune::testing::LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(georune::testing::LocalChatServer::CompletionBody({kNoAnswerReply}), "application/json");
  });
  llm::ClientConfig cc;
  cc.base_url = server.url();
  auto client = llm::HttpChatClient::Create(cc);
  ASSERT_TRUE(client.ok());
  AskRequest req;
  req.generate.model = "m";
  req.question = "What is the total precipitation at Bergen Station?";
  auto res = Ask(f->kb, r, req, client->get());
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, AnswerStatus::kNotFound);
  EXPECT_FALSE(res->generated);
  EXPECT_EQ(server.calls(), 0);  // nothing to generate from
  req.question = "Which landmarks are in Scotland?";
  res = Ask(f->kb, r, req, client->get());
  ASSERT_TRUE(res.ok());
  EXPECT_FALSE(res->generated);
  EXPECT_EQ(server.calls(), 0);
  req.question = "When was Lillestrom Station built?";
  res = Ask(f->kb, r, req, client->get());
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->generated);
  EXPECT_EQ(server.calls(), 1);
  EXPECT_NE(res->prompt.find("using only the retrieved context"), std::string::npos);
  EXPECT_NE(res->prompt.find(kNoAnswerReply), std::string::npos);
  EXPECT_EQ(res->status, AnswerStatus::kNotFound);                   // the model said the context lacks it
  for (const auto& x : res->retrieved) EXPECT_EQ(x.record_id, "1");  // that landmark's chunks
}

}  // namespace
}  // namespace georune::rag
