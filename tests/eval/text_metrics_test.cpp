// Text metrics: pycocoevalcap reference values (issue 6, cases A and B), hand-derived NLTK /
// rouge_score values (docs/metrics.md), NLTK Porter stems, WordNet morphy, edge cases.
#include "georune/eval/text_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "eval/text_metrics_internal.h"
#include "georune/common/wordnet.h"

namespace georune::eval {
namespace {

constexpr double kTol = 1e-6;
const char* kWordNetDir = "/usr/share/wordnet";

bool HaveWordNet() { return std::filesystem::exists(std::string(kWordNetDir) + "/index.noun"); }

TextMetricsOptions Options() {
  TextMetricsOptions o;
  o.use_wordnet = HaveWordNet();
  return o;
}

std::map<std::string, std::vector<std::string>> CaseARefs() {
  return {{"0", {"the man is playing a guitar", "a man is playing a guitar"}},
          {"1", {"a woman is slicing cucumbers", "the woman is slicing cucumbers", "a woman is cutting cucumbers"}}};
}
std::map<std::string, std::string> CaseAHyps() {
  return {{"0", "man is playing guitar"}, {"1", "a woman is cutting vegetables"}};
}

TEST(TextMetricsCoco, CaseAMatchesPycocoevalcap) {
  auto r = ScoreCorpus(CaseARefs(), CaseAHyps(), MetricsMode::kCoco, Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->bleu[0], 0.711767, kTol);
  EXPECT_NEAR(r->bleu[1], 0.638043, kTol);
  EXPECT_NEAR(r->bleu[2], 0.580471, kTol);
  EXPECT_NEAR(r->bleu[3], 0.478000, kTol);
  EXPECT_NEAR(r->cider, 4.016678, kTol);
  EXPECT_NEAR(r->per_item.at("0").cider, 4.422245, kTol);
  EXPECT_NEAR(r->per_item.at("1").cider, 3.611111, kTol);
  EXPECT_NEAR(r->rouge_l, 0.786076, kTol);
  EXPECT_NEAR(r->per_item.at("0").rouge_l, 0.772152, kTol);
  EXPECT_NEAR(r->per_item.at("1").rouge_l, 0.8, kTol);
  EXPECT_EQ(r->n, 2u);
}

TEST(TextMetricsCoco, CaseBMatchesPycocoevalcap) {
  std::map<std::string, std::vector<std::string>> refs = {
      {"a", {"a plane parked at the airport", "two planes near a terminal"}},
      {"b", {"a bridge over a river", "a long bridge crosses the river"}},
      {"c", {"a stadium with a green field", "an oval stadium surrounded by parking"}}};
  std::map<std::string, std::string> hyps = {
      {"a", "a plane at the airport"}, {"b", "a bridge over the river"}, {"c", "a green field in a stadium"}};
  auto r = ScoreCorpus(refs, hyps, MetricsMode::kCoco, Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->bleu[0], 0.9375, kTol);
  EXPECT_NEAR(r->bleu[1], 0.805629, kTol);
  EXPECT_NEAR(r->bleu[2], 0.579603, kTol);
  EXPECT_NEAR(r->bleu[3], 7.3e-05, kTol);
  EXPECT_NEAR(r->cider, 2.594157, kTol);
  EXPECT_NEAR(r->rouge_l, 0.731476, kTol);
}

// ---- rsrag mode: values derived by hand in docs/metrics.md ----

TEST(TextMetricsRsrag, R1HandDerived) {
  // ref "the cat sat on the mat", hyp "the cat sat on a mat"
  auto r = ScoreCorpus({{"r1", {"the cat sat on the mat"}}}, {{"r1", "the cat sat on a mat"}}, MetricsMode::kRsrag,
                       Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->bleu[0], 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(r->bleu[1], 0.707106781, 1e-9);
  EXPECT_NEAR(r->bleu[2], 0.632878297, 1e-9);  // 0.25^0.33: the script's BLEU-3 weights
  EXPECT_NEAR(r->bleu[3], 0.537284966, 1e-9);
  EXPECT_NEAR(r->meteor, 0.743333333, 1e-9);  // 5 matches, 3 chunks (NLTK pairs "the" with ref #5)
  EXPECT_NEAR(r->rouge_l, 5.0 / 6.0, 1e-12);
  EXPECT_EQ(r->cider, 0.0);  // one item: log(N) = 0, every tf-idf weight is 0
}

TEST(TextMetricsRsrag, R2HandDerived) {
  // ref "a car is running fast", hyp "an auto runs fast"
  auto r =
      ScoreCorpus({{"r2", {"a car is running fast"}}}, {{"r2", "an auto runs fast"}}, MetricsMode::kRsrag, Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->bleu[0], 0.194700196, 1e-9);
  EXPECT_NEAR(r->bleu[1], 0.071094459, 1e-9);
  EXPECT_NEAR(r->bleu[2], 0.059697572, 1e-9);
  EXPECT_NEAR(r->bleu[3], 0.062571068, 1e-9);
  EXPECT_NEAR(r->rouge_l, 0.444444444, 1e-9);
  if (HaveWordNet()) {
    EXPECT_NEAR(r->meteor, 0.521541950, 1e-9);  // fast exact, run stem, auto~car synonym
  }
}

TEST(TextMetricsRsrag, MeteorStagesR2) {
  if (!HaveWordNet()) GTEST_SKIP() << "WordNet not installed at " << kWordNetDir;
  auto wn = WordNet::Shared(kWordNetDir);
  ASSERT_TRUE(wn.ok()) << wn.status().message();
  auto d = internal::NltkSingleMeteor({"a", "car", "is", "running", "fast"}, {"an", "auto", "runs", "fast"}, *wn);
  EXPECT_EQ(d.exact, 1u);
  EXPECT_EQ(d.stem, 1u);
  EXPECT_EQ(d.synonym, 1u);
  EXPECT_EQ(d.chunks, 2u);
  // Without WordNet only 2 matches, (runs, running) and (fast, fast), adjacent in both: 1 chunk.
  auto n = internal::NltkSingleMeteor({"a", "car", "is", "running", "fast"}, {"an", "auto", "runs", "fast"}, nullptr);
  EXPECT_EQ(n.matches, 2u);
  double p = 0.5, rc = 0.4, f = p * rc / (0.9 * p + 0.1 * rc);
  EXPECT_EQ(n.chunks, 1u);
  EXPECT_NEAR(n.score, (1 - 0.5 * 0.125) * f, 1e-12);  // frag 1/2 -> penalty 0.5 * (1/2)^3
}

TEST(TextMetricsRsrag, MeteorSynonymsRunOnStems) {
  // NLTK looks up synonyms of the Porter stem: "large" -> "larg" is no longer a WordNet word.
  if (!HaveWordNet()) GTEST_SKIP() << "WordNet not installed";
  auto wn = WordNet::Shared(kWordNetDir);
  ASSERT_TRUE(wn.ok());
  EXPECT_EQ(internal::NltkSingleMeteor({"large"}, {"big"}, *wn).matches, 0u);
  EXPECT_EQ(internal::NltkSingleMeteor({"big"}, {"large"}, *wn).matches, 0u);
  EXPECT_EQ(internal::NltkSingleMeteor({"car"}, {"auto"}, *wn).matches, 1u);
}

TEST(TextMetricsRsrag, IdenticalStrings) {
  auto r =
      ScoreCorpus({{"x", {"a red roof near water"}}, {"y", {"two ships in a harbour"}}},
                  {{"x", "a red roof near water"}, {"y", "two ships in a harbour"}}, MetricsMode::kRsrag, Options());
  ASSERT_TRUE(r.ok());
  for (double b : {r->bleu[0], r->bleu[1], r->bleu[3]}) EXPECT_NEAR(b, 1.0, 1e-12);
  EXPECT_NEAR(r->bleu[2], 1.0, 1e-12);             // every p_n = 1, so the 0.99 weight sum does not matter
  EXPECT_NEAR(r->meteor, 1 - 0.5 / 125.0, 1e-12);  // 5 matches, 1 chunk
  EXPECT_NEAR(r->rouge_l, 1.0, 1e-12);
  EXPECT_NEAR(r->cider, 10.0, 1e-9);  // disjoint refs: every n-gram has idf log 2
  EXPECT_EQ(r->exact_match, 1.0);
}

TEST(TextMetricsRsrag, NoOverlapAndEmptyHypothesis) {
  std::map<std::string, std::vector<std::string>> refs = {{"x", {"a red roof"}}, {"y", {"two ships"}}};
  auto r = ScoreCorpus(refs, {{"x", "green fields"}, {"y", ""}}, MetricsMode::kRsrag, Options());
  ASSERT_TRUE(r.ok());
  for (const auto& [id, s] : r->per_item) {
    for (double b : s.bleu) EXPECT_EQ(b, 0.0) << id;
    EXPECT_EQ(s.meteor, 0.0) << id;
    EXPECT_EQ(s.rouge_l, 0.0) << id;
    EXPECT_EQ(s.cider, 0.0) << id;
    EXPECT_FALSE(s.exact_match) << id;
  }
}

TEST(TextMetricsRsrag, MultipleReferences) {
  // NLTK: clipped counts against the max over refs, closest ref length; METEOR and ROUGE-L the
  // max over refs.
  auto r = ScoreCorpus({{"x", {"a plane on a runway", "the cat sat on the mat"}}}, {{"x", "the cat sat on a mat"}},
                       MetricsMode::kRsrag, Options());
  ASSERT_TRUE(r.ok());
  // unigrams: the cat sat on a mat all match (a from ref 1) -> 6/6; closest length 6 -> bp 1.
  EXPECT_NEAR(r->bleu[0], 1.0, 1e-12);
  EXPECT_NEAR(r->meteor, 0.743333333, 1e-9);  // the second ref wins, as in R1
  EXPECT_NEAR(r->rouge_l, 5.0 / 6.0, 1e-12);
}

// ---- coco mode edge cases ----

TEST(TextMetricsCoco, IdenticalAndEmpty) {
  std::map<std::string, std::vector<std::string>> refs = {{"x", {"a red roof near water"}},
                                                          {"y", {"two ships in a harbour"}}};
  auto same = ScoreCorpus(refs, {{"x", "A red roof, near water."}, {"y", "two ships in a harbour"}}, MetricsMode::kCoco,
                          Options());
  ASSERT_TRUE(same.ok());
  for (double b : same->bleu) EXPECT_NEAR(b, 1.0, 1e-6);
  EXPECT_NEAR(same->rouge_l, 1.0, 1e-12);
  EXPECT_NEAR(same->cider, 10.0, 1e-9);

  auto empty = ScoreCorpus(refs, {{"x", ""}, {"y", "two ships in a harbour"}}, MetricsMode::kCoco, Options());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->per_item.at("x").rouge_l, 0.0);
  EXPECT_EQ(empty->per_item.at("x").cider, 0.0);
  EXPECT_EQ(empty->per_item.at("x").meteor, 0.0);
  EXPECT_LT(empty->per_item.at("x").bleu[0], 1e-5);
  EXPECT_TRUE(std::isfinite(empty->cider));
  // corpus BLEU-1: 5 of 5 hyp unigrams match; brevity: c = 5, r = 10 -> exp(1 - 2)
  EXPECT_NEAR(empty->bleu[0], std::exp(-1.0), 1e-6);
}

TEST(TextMetricsCoco, NoOverlap) {
  auto r = ScoreCorpus({{"x", {"a red roof"}}, {"y", {"two ships"}}}, {{"x", "green fields"}, {"y", "one plane"}},
                       MetricsMode::kCoco, Options());
  ASSERT_TRUE(r.ok());
  for (double b : r->bleu) EXPECT_LT(b, 1e-6);
  EXPECT_EQ(r->rouge_l, 0.0);
  EXPECT_EQ(r->cider, 0.0);
  EXPECT_EQ(r->meteor, 0.0);
}

TEST(TextMetrics, Errors) {
  EXPECT_EQ(ScoreCorpus({}, {}, MetricsMode::kCoco, Options()).status().code(), StatusCode::kInvalidInput);
  auto missing = ScoreCorpus({{"a", {"x"}}}, {{"b", "x"}}, MetricsMode::kRsrag, Options());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(missing.status().message().find("'b'"), std::string::npos);
  TextMetricsOptions bad;
  bad.wordnet_dir = "/nonexistent/wordnet";
  EXPECT_EQ(ScoreCorpus({{"a", {"x"}}}, {{"a", "x"}}, MetricsMode::kRsrag, bad).status().code(), StatusCode::kNotFound);
  bad.use_wordnet = false;
  auto no_syn = ScoreCorpus({{"a", {"x"}}}, {{"a", "x"}}, MetricsMode::kRsrag, bad);
  ASSERT_TRUE(no_syn.ok());
  EXPECT_FALSE(no_syn->meteor_synonyms);
  EXPECT_FALSE(ParseMetricsMode("bleu").ok());
}

// ---- building blocks ----

TEST(TextMetricsTokenize, Coco) {
  using V = std::vector<std::string>;
  EXPECT_EQ(CocoTokenize("A man's dog, isn't it?"), (V{"a", "man", "'s", "dog", "is", "n't", "it"}));
  EXPECT_EQ(CocoTokenize("  Two planes (parked) near \"the\" terminal... "),
            (V{"two", "planes", "parked", "near", "the", "terminal"}));
  EXPECT_EQ(CocoTokenize("the u.s. flag - red; white: blue!"), (V{"the", "u.s.", "flag", "red", "white", "blue"}));
  EXPECT_TRUE(CocoTokenize(" . , ").empty());
}

TEST(TextMetricsTokenize, RougeScore) {
  using V = std::vector<std::string>;
  EXPECT_EQ(RougeScoreTokenize("The Runners' running-shoes!", true), (V{"the", "runner", "run", "shoe"}));
  EXPECT_EQ(RougeScoreTokenize("The Runners' running-shoes!", false), (V{"the", "runners", "running", "shoes"}));
  EXPECT_EQ(WhitespaceTokenize("  a\tb  c\n"), (V{"a", "b", "c"}));
}

TEST(TextMetricsTokenize, NormalizeAnswer) {
  EXPECT_EQ(NormalizeAnswer("  The Eiffel-Tower, in 1889! "), "eiffeltower in 1889");
  EXPECT_EQ(NormalizeAnswer("An apple"), "apple");
}

TEST(PorterStem, NltkExtensions) {
  const std::pair<const char*, const char*> cases[] = {
      {"caresses", "caress"},
      {"ponies", "poni"},
      {"ties", "tie"},
      {"cats", "cat"},
      {"feed", "feed"},
      {"agreed", "agre"},
      {"plastered", "plaster"},
      {"motoring", "motor"},
      {"sing", "sing"},
      {"conflated", "conflat"},
      {"troubled", "troubl"},
      {"sized", "size"},
      {"hopping", "hop"},
      {"tanned", "tan"},
      {"falling", "fall"},
      {"hissing", "hiss"},
      {"fizzed", "fizz"},
      {"failing", "fail"},
      {"filing", "file"},
      {"happy", "happi"},
      {"sky", "sky"},
      {"skies", "sky"},
      {"dying", "die"},
      {"relational", "relat"},
      {"conditional", "condit"},
      {"rational", "ration"},
      {"generalization", "gener"},
      {"generously", "gener"},
      {"running", "run"},
      {"is", "is"},
      {"a", "a"},
      {"Running", "run"},
  };
  for (const auto& [word, stem] : cases) EXPECT_EQ(PorterStem(word), stem) << word;
}

TEST(WordNetTest, MorphyAndSynsets) {
  if (!HaveWordNet()) GTEST_SKIP() << "WordNet not installed";
  auto wn = WordNet::Shared(kWordNetDir);
  ASSERT_TRUE(wn.ok()) << wn.status().message();
  using V = std::vector<std::string>;
  EXPECT_EQ((*wn)->Morphy("dogs", WordNetPos::kNoun), (V{"dog"}));
  EXPECT_EQ((*wn)->Morphy("geese", WordNetPos::kNoun), (V{"goose"}));
  EXPECT_EQ((*wn)->Morphy("running", WordNetPos::kVerb), (V{"run"}));
  EXPECT_EQ((*wn)->Morphy("churches", WordNetPos::kNoun), (V{"church"}));
  EXPECT_TRUE((*wn)->Morphy("qwzx", WordNetPos::kNoun).empty());
  auto names = (*wn)->SynsetLemmaNames("Autos");
  EXPECT_NE(std::find(names.begin(), names.end(), "car"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "motorcar"), names.end());
}

TEST(Classification, OverallAndPerClass) {
  auto r = ClassificationAccuracy({{"1", "Airport"}, {"2", "airport"}, {"3", "Bridge"}, {"4", "stadium"}},
                                  {{"1", "airport"}, {"2", "The Airport."}, {"3", "river"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->correct, 2u);
  EXPECT_EQ(r->total, 4u);
  EXPECT_DOUBLE_EQ(r->accuracy, 0.5);
  EXPECT_DOUBLE_EQ(r->per_class.at("airport").accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r->per_class.at("bridge").accuracy, 0.0);
  EXPECT_EQ(r->per_class.at("stadium").total, 1u);  // no prediction counts as wrong
  EXPECT_DOUBLE_EQ(r->mean_class_accuracy, 1.0 / 3.0);
  EXPECT_FALSE(ClassificationAccuracy({}, {}).ok());
  EXPECT_FALSE(ClassificationAccuracy({{"1", "a"}}, {{"2", "a"}}).ok());
}

}  // namespace
}  // namespace georune::eval
