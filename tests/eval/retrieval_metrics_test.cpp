#include "georune/eval/retrieval_metrics.h"

#include <gtest/gtest.h>

namespace georune::eval {
namespace {

TEST(RetrievalMetrics, SortRankingUsesScoreThenIdAndDropsZeros) {
  std::vector<RankedImage> r = {{"b", 0.5}, {"a", 0.5}, {"c", 0.9}, {"d", 0.0}, {"e", 0.1}};
  SortRanking(r);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].image, "c");
  EXPECT_EQ(r[1].image, "a");
  EXPECT_EQ(r[2].image, "b");
  EXPECT_EQ(r[3].image, "e");
}

TEST(RetrievalMetrics, HandComputedRanking) {
  // ranking: A(.9) B(.8) C(.6) D(.4) E(.2); relevant {A, C, E, Z} (Z never ranked)
  // ranks holding relevant images: 1 (A), 3 (C), 5 (E)
  // P@1 = 1/1, P@3 = 2/3, P@5 = 3/5 → AP = (1 + 2/3 + 3/5) / 4 = (15/15 + 10/15 + 9/15)/4
  //      = (34/15)/4 = 34/60 = 0.5666…
  // k = 3: top 3 = A B C, hits 2 → P@3 = 2/3, R@3 = 2/4 = 0.5
  // tau 0.5: retrieved A B C (3), hits A C (2) → P = 2/3, R = 2/4, F1 = 2·(2/3)(1/2)/(7/6) = 4/7
  std::vector<RankedImage> r = {{"A", .9}, {"B", .8}, {"C", .6}, {"D", .4}, {"E", .2}};
  const QueryMetrics m = ScoreRanking(r, {"A", "C", "E", "Z"}, 3, 0.5);
  EXPECT_EQ(m.relevant, 4u);
  EXPECT_EQ(m.ranked, 5u);
  EXPECT_EQ(m.retrieved, 3u);
  EXPECT_EQ(m.hits, 2u);
  EXPECT_EQ(m.false_positives, 1u);
  EXPECT_NEAR(m.ap, 34.0 / 60.0, 1e-12);
  EXPECT_NEAR(m.p_at_k, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.r_at_k, 0.5, 1e-12);
  EXPECT_NEAR(m.precision, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.recall, 0.5, 1e-12);
  EXPECT_NEAR(m.f1, 4.0 / 7.0, 1e-12);
}

TEST(RetrievalMetrics, ShortRankingStillDividesByK) {
  // ranking X(1.0) Y(0.7); relevant {Y}; k = 10
  // P@10 = 1/10; R@10 = 1; AP = P@2 / 1 = 1/2; retrieved X Y, hits 1 → P = 1/2, R = 1, F1 = 2/3
  std::vector<RankedImage> r = {{"X", 1.0}, {"Y", 0.7}};
  const QueryMetrics m = ScoreRanking(r, {"Y"}, 10, 0.5);
  EXPECT_NEAR(m.p_at_k, 0.1, 1e-12);
  EXPECT_NEAR(m.r_at_k, 1.0, 1e-12);
  EXPECT_NEAR(m.ap, 0.5, 1e-12);
  EXPECT_NEAR(m.f1, 2.0 / 3.0, 1e-12);
}

TEST(RetrievalMetrics, EmptyGoldCountsFalsePositivesAndNothingRetrieved) {
  // empty R: AP/recall undefined (0 here, reported apart); 2 images at or above 0.5 → 2 FPs
  std::vector<RankedImage> r = {{"X", 0.9}, {"Y", 0.5}, {"Z", 0.3}};
  const QueryMetrics m = ScoreRanking(r, {}, 10, 0.5);
  EXPECT_EQ(m.relevant, 0u);
  EXPECT_EQ(m.false_positives, 2u);
  EXPECT_EQ(m.ap, 0.0);
  // nothing ranked at all, R = {A}: everything 0
  const QueryMetrics n = ScoreRanking({}, {"A"}, 10, 0.5);
  EXPECT_EQ(n.ap, 0.0);
  EXPECT_EQ(n.precision, 0.0);
  EXPECT_EQ(n.f1, 0.0);
}

TEST(RetrievalMetrics, PerfectRankingHasApOne) {
  std::vector<RankedImage> r = {{"A", .9}, {"B", .8}, {"C", .1}};
  EXPECT_NEAR(ScoreRanking(r, {"A", "B"}).ap, 1.0, 1e-12);
}

TEST(RetrievalMetrics, RobustnessIsTheMeanOfCappedRatiosToTheLowestLevel) {
  // levels 1: 0.8, 2: 0.4, 3: 0.9 (capped at 1), 5: 0.2
  // ratios: 0.4/0.8 = 0.5, min(1, 0.9/0.8) = 1, 0.2/0.8 = 0.25 → mean = 1.75 / 3 = 0.58333…
  EXPECT_NEAR(*Robustness({{1, 0.8}, {2, 0.4}, {3, 0.9}, {5, 0.2}}), 1.75 / 3.0, 1e-12);
  // lowest level present is 2 here: 0.3/0.6 = 0.5
  EXPECT_NEAR(*Robustness({{2, 0.6}, {4, 0.3}}), 0.5, 1e-12);
  EXPECT_FALSE(Robustness({{1, 0.5}}).has_value());
  EXPECT_FALSE(Robustness({{0, 0.0}, {1, 0.5}}).has_value());
}

}  // namespace
}  // namespace georune::eval
