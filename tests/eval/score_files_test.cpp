// eval::ScoreFiles: the file reading and pairing of `georune score`, against ScoreCorpus on the
// same pairs given directly.
#include "georune/eval/score_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace georune::eval {
namespace {

std::string Write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ScoreFiles, PoolsReferencesByIdAndScoresAsScoreCorpus) {
  test_support::TempDir dir;
  const std::string refs = Write(dir.path(), "refs.jsonl",
                                 "{\"id\": 1, \"text\": [\"a plane on a runway\", \"an airplane\"]}\n"
                                 "\n"
                                 "{\"id\": \"1\", \"text\": \"a parked plane\"}\n"
                                 "{\"id\": \"2\", \"text\": \"two ships in a harbour\"}\n"
                                 "{\"id\": \"3\", \"text\": \"a bridge\"}\n");
  const std::string hyps = Write(dir.path(), "hyps.jsonl",
                                 "{\"id\": \"1\", \"text\": \"a plane on the runway\"}\n"
                                 "{\"id\": 2, \"text\": \"ships in a harbour\"}\n");
  TextMetricsOptions o;
  o.use_wordnet = false;
  for (MetricsMode mode : {MetricsMode::kCoco, MetricsMode::kRsrag}) {
    auto run = ScoreFiles(refs, hyps, mode, o);
    ASSERT_TRUE(run.ok()) << run.status().message();
    EXPECT_EQ(run->references_without_hypothesis, 1u);
    auto direct = ScoreCorpus({{"1", {"a plane on a runway", "an airplane", "a parked plane"}},
                               {"2", {"two ships in a harbour"}},
                               {"3", {"a bridge"}}},
                              {{"1", "a plane on the runway"}, {"2", "ships in a harbour"}}, mode, o);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(run->scores.n, 2u);
    for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(run->scores.bleu[k], direct->bleu[k]);
    EXPECT_DOUBLE_EQ(run->scores.meteor, direct->meteor);
    EXPECT_DOUBLE_EQ(run->scores.rouge_l, direct->rouge_l);
    EXPECT_DOUBLE_EQ(run->scores.exact_match, direct->exact_match);
  }
}

TEST(ScoreFiles, RefusesBadPairingsAtTheirLine) {
  test_support::TempDir dir;
  const std::string refs = Write(dir.path(), "refs.jsonl", "{\"id\": \"1\", \"text\": \"a plane\"}\n");
  const std::string twice =
      Write(dir.path(), "twice.jsonl", "{\"id\": \"1\", \"text\": \"x\"}\n{\"id\": \"1\", \"text\": \"y\"}\n");
  auto r = ScoreFiles(refs, twice, MetricsMode::kCoco);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), twice + ":2: hypothesis id '1' repeats line 1\n  hint: give one hypothesis per id");
  const std::string stray = Write(dir.path(), "stray.jsonl", "{\"id\": \"9\", \"text\": \"x\"}\n");
  r = ScoreFiles(refs, stray, MetricsMode::kCoco);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(r.status().diagnostic()->Where(), stray + ":1");
  const std::string array = Write(dir.path(), "array.jsonl", "{\"id\": \"1\", \"text\": [\"x\"]}\n");
  r = ScoreFiles(refs, array, MetricsMode::kCoco);  // a hypothesis is one string
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().diagnostic()->message, "\"text\" must be a string");
  const std::string empty = Write(dir.path(), "empty.jsonl", "\n\n");
  r = ScoreFiles(empty, array, MetricsMode::kCoco);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().diagnostic()->message, "no lines with an id and a text");
}

}  // namespace
}  // namespace georune::eval
