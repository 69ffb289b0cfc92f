// The RSWK benchmark runner (eval/rswk_eval.h), moved out of `georune kb eval`: its recall@K
// and MRR against the retriever's own ranking, recomputed here, and its report's shape.
#include "georune/eval/rswk_eval.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "georune/embed/hashed_text.h"

namespace georune::eval {
namespace {

rag::Record MakeRecord(const std::string& id, const std::string& name, const std::string& category,
                       const std::string& period) {
  rag::Record r;
  r.id = id;
  r.name = name;
  r.category = category;
  r.fields["Name"] = name;
  r.fields["Construction_Period"] = period;
  return r;
}

TEST(RswkEval, RecallAndMrrFollowTheRetrieversRanking) {
  std::vector<rag::Record> records = {
      MakeRecord("r1", "Salts Mill", "Historic Site", "1853"),
      MakeRecord("r2", "Wembley Stadium", "Stadium", "2007"),
      MakeRecord("r3", "Tower Bridge", "Bridge", "1894"),
  };
  embed::HashedTextEmbedder text(256);
  auto kb = rag::KnowledgeBase::Build(records, text, nullptr, {}, nullptr);
  ASSERT_TRUE(kb.ok()) << kb.status().message();
  rag::Retriever retriever(*kb, text, nullptr, nullptr);
  std::vector<rag::BenchItem> items;
  for (const auto& [q, gold, rec] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"When was Salts Mill built?", "1853", "r1"},
           {"When was Wembley Stadium built?", "2007", "r2"},
           {"When was Tower Bridge built?", "1894", "r3"},
           {"When was the bridge over the Thames built?", "1894", "r3"}}) {
    rag::BenchItem it;
    it.id = "f:" + std::to_string(items.size() + 1);
    it.kind = "vqa_test";
    it.question = q;
    it.gold = gold;
    it.record_id = rec;
    items.push_back(it);
  }
  RswkEvalOptions o;
  o.recall_k = {1, 2};
  auto result = RunRswkEval(*kb, retriever, items, o);
  ASSERT_TRUE(result.ok()) << result.status().message();
  // The oracle: ranks of the gold record among the distinct records the retriever returns for
  // max(top_k, 8·K) chunks.
  rag::RetrieveOptions ro = o.retrieve;
  ro.top_k = 16;
  double hits1 = 0, hits2 = 0, mrr = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    auto got = retriever.Retrieve({items[i].question, ""}, ro);
    ASSERT_TRUE(got.ok());
    std::vector<std::string> order;
    for (const auto& r : *got)
      if (std::find(order.begin(), order.end(), r.record_id) == order.end()) order.push_back(r.record_id);
    const auto pos = std::find(order.begin(), order.end(), items[i].record_id);
    const int rank = pos == order.end() ? 0 : int(pos - order.begin()) + 1;
    hits1 += rank == 1;
    hits2 += rank >= 1 && rank <= 2;
    if (rank > 0) mrr += 1.0 / rank;
    EXPECT_EQ(result->predictions[i]["record_rank"].get<int>(), rank);
    EXPECT_EQ(result->predictions[i]["gold"], items[i].gold);
  }
  const auto& by = result->report["by_file"]["vqa_test"];
  EXPECT_EQ(by["n"].get<size_t>(), items.size());
  EXPECT_DOUBLE_EQ(by["recall@1"].get<double>(), hits1 / double(items.size()));
  EXPECT_DOUBLE_EQ(by["recall@2"].get<double>(), hits2 / double(items.size()));
  EXPECT_DOUBLE_EQ(by["mrr"].get<double>(), mrr / double(items.size()));
  EXPECT_TRUE(by.contains("exact_match"));
  EXPECT_FALSE(by.contains("accuracy"));
  EXPECT_EQ(result->report["questions"].get<size_t>(), items.size());
  EXPECT_EQ(result->report["params"]["metrics"], "rsrag");
  EXPECT_FALSE(result->report.contains("notes"));  // the HNSW graph answered every search
  const std::string shown = RswkEvalText(result->report, o.recall_k);
  EXPECT_EQ(shown.rfind("RSWK benchmark (this project's): 4 questions on 3 records, 0 skipped\n", 0), 0u) << shown;
  EXPECT_NE(shown.find("vqa_test (n=4): recall@1="), std::string::npos) << shown;
}

}  // namespace
}  // namespace georune::eval
