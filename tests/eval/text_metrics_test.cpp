// Text metrics: pycocoevalcap reference values (issue 6, cases A and B), hand-derived NLTK /
// rouge_score values (docs/metrics.md), NLTK Porter stems, WordNet morphy, edge cases.
#include "georune/eval/text_metrics.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "eval/text_metrics_internal.h"
#include "eval/wordnet.h"

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
          {"1",
           {"a woman is slicing cucumbers", "the woman is slicing cucumbers",
            "a woman is cutting cucumbers"}}};
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
  std::map<std::string, std::string> hyps = {{"a", "a plane at the airport"},
                                             {"b", "a bridge over the river"},
                                             {"c", "a green field in a stadium"}};
  auto r = ScoreCorpus(refs, hyps, MetricsMode::kCoco, Options());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->bleu[0], 0.9375, kTol);
  EXPECT_NEAR(r->bleu[1], 0.805629, kTol);
  EXPECT_NEAR(r->bleu[2], 0.579603, kTol);
  EXPECT_NEAR(r->bleu[3], 7.3e-05, kTol);
  EXPECT_NEAR(r->cider, 2.594157, kTol);
  EXPECT_NEAR(r->rouge_l, 0.731476, kTol);
}

}  // namespace
}  // namespace georune::eval
