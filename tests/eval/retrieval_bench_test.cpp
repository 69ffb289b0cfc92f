#include "georune/eval/retrieval_bench.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace georune::eval {
namespace {

std::vector<double> Vec(const std::string& logic) {
  const Ontology& onto = Ontology::Default();
  auto q = logic::ParseAndBind(logic, onto);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return BagOfEntitiesQueryVector(*q, onto.ClassCount());
}

TEST(BagOfEntities, ClassMentionsCountingAndGroups) {
  const Ontology& onto = Ontology::Default();
  const int ship = *onto.FindClass("ship"), harbor = *onto.FindClass("harbor");
  const int car = *onto.FindClass("small_vehicle"), truck = *onto.FindClass("large_vehicle");
  const int tank = *onto.FindClass("storage_tank");
  // ship(a) AND ship(b) AND harbor(h) AND near(…): ship 2, harbor 1; relations ignored
  auto v = Vec("ship(a) AND ship(b) AND harbor(h) AND near(a, h)");
  EXPECT_EQ(v[ship], 2.0);
  EXPECT_EQ(v[harbor], 1.0);
  // vehicle is a group of two classes: weight 1 split 0.5 / 0.5; negation is not seen
  v = Vec("harbor(h) AND NOT exists x: vehicle(x)");
  EXPECT_EQ(v[car], 0.5);
  EXPECT_EQ(v[truck], 0.5);
  // exists>=3 x: storage_tank(x) weighs 3
  v = Vec("exists>=3 x: storage_tank(x)");
  EXPECT_EQ(v[tank], 3.0);
  // object(x) says nothing about classes
  v = Vec("object(x)");
  for (double w : v) EXPECT_EQ(w, 0.0);
}

TEST(BagOfEntities, Cosine) {
  // (1,0,2)·(2,1,0) = 2; |a| = √5, |b| = √5 → 2/5
  EXPECT_NEAR(Cosine({1, 0, 2}, {2, 1, 0}), 0.4, 1e-12);
  EXPECT_NEAR(Cosine({1, 1}, {3, 3}), 1.0, 1e-12);
  EXPECT_EQ(Cosine({0, 0}, {1, 1}), 0.0);
}

TEST(ReadQueries, AcceptsJsonLinesAndRejectsBadLinesWithTheirNumber) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/q_good.jsonl", bad = dir + "/q_bad.jsonl";
  std::ofstream(good) << "{\"id\": \"a\", \"text\": \"a plane\", \"logic\": \"plane(a)\"}\n\n"
                         "{\"id\": \"b\", \"logic\": \"ship(s)\"}\n";
  std::ofstream(bad) << "{\"id\": \"a\", \"logic\": \"plane(a)\"}\n{\"id\": \"a\", \"logic\": \"ship(s)\"}\n";
  auto q = ReadQueries(good);
  ASSERT_TRUE(q.ok()) << q.status().message();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0].text, "a plane");
  EXPECT_EQ((*q)[1].logic, "ship(s)");
  auto b = ReadQueries(bad);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(b.status().message().find("q_bad.jsonl:2:"), std::string::npos) << b.status().message();
}

TEST(ProjectQuerySet, SpreadsOverAllFiveLevelsWithSixOrMoreEach) {
  const std::string path = (std::filesystem::path(GEORUNE_SOURCE_DIR) / "bench/queries/rune-bench.jsonl").string();
  auto q = ReadQueries(path);
  ASSERT_TRUE(q.ok()) << q.status().message();
  std::map<int, int> per_level;
  for (const auto& query : *q) {
    auto bound = logic::ParseAndBind(query.logic, Ontology::Default());
    ASSERT_TRUE(bound.ok()) << query.id << ": " << bound.status().message();
    per_level[logic::MeasureComplexity(*bound).level()]++;
  }
  for (int level = 1; level <= 5; ++level) EXPECT_GE(per_level[level], 6) << "level " << level;
}

}  // namespace
}  // namespace georune::eval

namespace georune::eval {
namespace {

TEST(ProjectQuerySet, FloodQueriesBindOnFloodNetOverEveryLevel) {
  const std::string path = (std::filesystem::path(GEORUNE_SOURCE_DIR) / "bench/queries/flood.jsonl").string();
  auto q = ReadQueries(path);
  ASSERT_TRUE(q.ok()) << q.status().message();
  const Ontology flood = Ontology::BuiltIn("floodnet").value();
  std::map<int, int> per_level;
  for (const auto& query : *q) {
    auto bound = logic::ParseAndBind(query.logic, flood);
    ASSERT_TRUE(bound.ok()) << query.id << ": " << bound.status().message();
    per_level[logic::MeasureComplexity(*bound).level()]++;
  }
  for (int level = 1; level <= 5; ++level) EXPECT_GE(per_level[level], 2) << "level " << level;
}

}  // namespace
}  // namespace georune::eval
