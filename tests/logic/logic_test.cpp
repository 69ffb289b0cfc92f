// Parser, binder, printer, normal form and complexity (spec §2, §7).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "georune/logic/bound.h"

namespace georune::logic {
namespace {

const Ontology& Dota() { return Ontology::Default(); }

std::string Canon(const std::string& text) {
  auto q = ParseAndBind(text, Dota());
  EXPECT_TRUE(q.ok()) << text << "\n" << q.status().message();
  return q.ok() ? Print(*q) : "";
}

std::string ErrorOf(const std::string& text) {
  auto q = ParseAndBind(text, Dota());
  EXPECT_FALSE(q.ok()) << text;
  return q.ok() ? "" : q.status().message();
}

TEST(Logic, PrintsCanonically) {
  EXPECT_EQ(Canon("plane(a)"), "plane(a)");
  EXPECT_EQ(Canon("car(a) and Vessel(b) & near(a,b)"), "small_vehicle(a) AND ship(b) AND near(a, b)");
  EXPECT_EQ(Canon("∃≥3 x: storage_tank(x)"), "exists>=3 x: storage_tank(x)");
  EXPECT_EQ(Canon("exists>2 x: ship(x)"), "exists>=3 x: ship(x)");
  EXPECT_EQ(Canon("exists<3 x: ship(x)"), "exists<=2 x: ship(x)");
  EXPECT_EQ(Canon("plane(a) ∧ ¬∃b: plane(b) ∧ close_to(b, a)"), "plane(a) AND NOT exists b: plane(b) AND near(b, a)");
  EXPECT_EQ(Canon("forall s: ship(s) => exists h: harbour(h) AND near(s, h)"),
            "forall s: ship(s) -> exists h: harbor(h) AND near(s, h)");
  EXPECT_EQ(Canon("(exists x: plane(x)) AND helicopter(h)"), "(exists x: plane(x)) AND helicopter(h)");
  EXPECT_EQ(Canon("ship(s) AND length(s) > 100 m"), "ship(s) AND length(s) > 100 m");
  EXPECT_EQ(Canon("storage_tank(t) AND area(t) > 2e3 M2"), "storage_tank(t) AND area(t) > 2000 m2");
  EXPECT_EQ(Canon("(plane(x) -> ship(x)) -> bridge(x)"), "(plane(x) -> ship(x)) -> bridge(x)");
  EXPECT_EQ(Canon("plane(x) -> ship(x) -> bridge(x)"), "plane(x) -> ship(x) -> bridge(x)");
}

TEST(Logic, RoundTripIsStableOnDevFormulas) {
  std::ifstream in(std::string(GEORUNE_SHARED_DIR) + "/bench/queries-dev.jsonl");
  if (!in) GTEST_SKIP() << "shared/bench/queries-dev.jsonl not found";
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    std::string gold = j["logic"];
    auto q = ParseAndBind(gold, Dota());
    ASSERT_TRUE(q.ok()) << gold << "\n" << q.status().message();
    std::string once = Print(*q);
    EXPECT_EQ(once, gold) << "dev formulas are already canonical";
    auto again = ParseAndBind(once, Dota());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(Print(*again), once);
    EXPECT_EQ(NormalForm(*again), NormalForm(*q));
    ++n;
  }
  EXPECT_EQ(n, 40);
}

TEST(Logic, ClosureOfFreeVariables) {
  auto q = ParseAndBind("plane(a) AND plane(b) AND near(a, b)", Dota());
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->root->kind, NodeKind::kExists);
  EXPECT_TRUE(q->root->implicit);
  EXPECT_EQ(q->root->vars.size(), 2u);
  // Variables of one disjunct are quantified at the top of that disjunct.
  auto d = ParseAndBind(
      "(baseball_diamond(a) AND baseball_diamond(b)) OR (soccer_ball_field(c) AND soccer_ball_field(d))", Dota());
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->root->kind, NodeKind::kOr);
  for (const auto& disjunct : d->root->children) {
    ASSERT_EQ(disjunct->kind, NodeKind::kExists);
    EXPECT_TRUE(disjunct->implicit);
    EXPECT_EQ(disjunct->vars.size(), 2u);
  }
  // A variable shared by two disjuncts is quantified at the top.
  auto shared = ParseAndBind("plane(a) OR helicopter(a)", Dota());
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared->root->kind, NodeKind::kExists);
}

TEST(Logic, Diagnostics) {
  std::string e = ErrorOf("plane(a) AND NOT near(a, b)");
  EXPECT_NE(e.find("query:1:26: variable 'b' occurs only under NOT"), std::string::npos) << e;
  EXPECT_NE(e.find("hint: write NOT exists b:"), std::string::npos) << e;
  e = ErrorOf("plane(a) AND helicoptr(b)");
  EXPECT_NE(e.find("query:1:14: unknown predicate 'helicoptr'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'helicopter'"), std::string::npos) << e;
  EXPECT_NE(e.find("  plane(a) AND helicoptr(b)\n               ^^^^^^^^^"), std::string::npos) << e;
  e = ErrorOf("near(a)");
  EXPECT_NE(e.find("relation 'near' takes 2 variables, got 1"), std::string::npos) << e;
  e = ErrorOf("aligned(a, b) AND plane(a) AND plane(b)");
  EXPECT_NE(e.find("takes at least 3 variables"), std::string::npos) << e;
  e = ErrorOf("plane(a, b)");
  EXPECT_NE(e.find("class 'plane' takes one variable, got 2"), std::string::npos) << e;
  e = ErrorOf("exists>=2 x, y: plane(x)");
  EXPECT_NE(e.find("a counting quantifier binds one variable only"), std::string::npos) << e;
  e = ErrorOf("plane(a) AND (ship(b)");
  EXPECT_NE(e.find("query:1:22: expected ')'"), std::string::npos) << e;
  e = ErrorOf("plane(a) AND");
  EXPECT_NE(e.find("query:1:13: the query ends where a formula was expected"), std::string::npos) << e;
  e = ErrorOf("plane(a) # ship(b)");
  EXPECT_NE(e.find("query:1:10: unexpected character '#'"), std::string::npos) << e;
  e = ErrorOf("area(a) > 3 m AND plane(a)");
  EXPECT_NE(e.find("unit 'm' does not fit measure 'area'"), std::string::npos) << e;
  e = ErrorOf("exists x: exists x: plane(x)");
  EXPECT_NE(e.find("already bound"), std::string::npos) << e;
  e = ErrorOf(std::string(500, '(') + "plane(a)" + std::string(500, ')'));
  EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e;
  e = ErrorOf("");
  EXPECT_NE(e.find("the query ends where a formula was expected"), std::string::npos) << e;
}

TEST(Logic, NormalFormIgnoresNamesAndOrder) {
  auto a = ParseAndBind("plane(a) AND plane(b) AND near(a, b)", Dota());
  auto b = ParseAndBind("near(x, y) AND plane(y) AND airplane(x)", Dota());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(NormalForm(*a), NormalForm(*b));
  // Closure order (first appearance) must not matter either.
  auto s1 = ParseAndBind("ship(s) AND harbor(h) AND near(s, h)", Dota());
  auto s2 = ParseAndBind("harbor(x) AND ship(y) AND near(y, x)", Dota());
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(NormalForm(*s1), NormalForm(*s2));
  auto c = ParseAndBind("plane(a) AND ship(b) AND near(a, b)", Dota());
  EXPECT_NE(NormalForm(*a), NormalForm(*c));
}

TEST(Logic, Complexity) {
  auto level = [](const std::string& f) {
    auto q = ParseAndBind(f, Dota());
    EXPECT_TRUE(q.ok()) << f;
    return q.ok() ? MeasureComplexity(*q) : Complexity{};
  };
  EXPECT_EQ(level("plane(a)").total(), 1);
  EXPECT_EQ(level("plane(a)").level(), 1);
  EXPECT_EQ(level("exists>=3 x: storage_tank(x)").total(), 3);
  EXPECT_EQ(level("plane(a) AND plane(b) AND near(a, b)").total(), 3);
  EXPECT_EQ(level("harbor(h) AND NOT exists s: ship(s) AND near(s, h)").total(), 4);
  Complexity c =
      level("storage_tank(a) AND storage_tank(b) AND storage_tank(c) AND storage_tank(d) AND clustered(a, b, c, d)");
  EXPECT_EQ(c.total(), 5);
  EXPECT_EQ(c.level(), 3);
  c = level("harbor(h) AND ship(a) AND ship(b) AND ship(c) AND near(a, h) AND near(b, h) AND near(c, h)");
  EXPECT_EQ(c.total(), 7);
  EXPECT_EQ(c.level(), 4);
}

}  // namespace
}  // namespace georune::logic
