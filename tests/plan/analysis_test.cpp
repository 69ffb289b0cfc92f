// The planner's read-only analyses: interchangeable variables and arrangements.
#include <gtest/gtest.h>

#include "georune/logic/bound.h"
#include "georune/plan/analysis.h"

namespace georune::plan {
namespace {

struct Analysed {
  logic::BoundQuery query;
  std::vector<const logic::BoundNode*> conjuncts;
  std::vector<int> vars, groups;
};

Analysed Analyse(const std::string& text) {
  auto q = logic::ParseAndBind(text, Ontology::Default());
  EXPECT_TRUE(q.ok()) << q.status().message();
  Analysed a{std::move(*q), {}, {}, {}};
  const logic::BoundNode& root = *a.query.root;
  a.conjuncts = logic::Conjuncts(*root.children[0]);
  a.vars = root.vars;
  a.groups = SymmetricGroups(a.conjuncts, a.vars);
  return a;
}

TEST(SymmetricGroups, SameClassUnderSymmetricRelationsAreInterchangeable) {
  auto a = Analyse("car(a) AND car(b) AND car(c) AND aligned(c, a, b) AND clustered(a, b, c)");
  EXPECT_EQ(a.groups, (std::vector<int>{0, 0, 0}));
}

TEST(SymmetricGroups, DifferentClassesOrDirectedRelationsAreNot) {
  EXPECT_EQ(Analyse("car(a) AND ship(b) AND near(a, b)").groups, (std::vector<int>{0, 1}));
  // left_of is directed: swapping a and b changes the formula.
  EXPECT_EQ(Analyse("car(a) AND car(b) AND left_of(a, b)").groups, (std::vector<int>{0, 1}));
  // near(a, b) AND near(b, a) is symmetric as a set of conjuncts.
  EXPECT_EQ(Analyse("car(a) AND car(b) AND near(a, b) AND near(b, a)").groups, (std::vector<int>{0, 0}));
  // c is tied to a harbor, a and b are not: only a and b are interchangeable.
  auto g = Analyse("car(a) AND car(b) AND car(c) AND clustered(a, b, c) AND harbor(h) AND near(c, h)").groups;
  EXPECT_EQ(g[0], g[1]);
  EXPECT_NE(g[0], g[2]);
}

TEST(FindArrangement, RowsAndClusters) {
  auto row = Analyse("car(a) AND car(b) AND car(c) AND car(d) AND aligned(a, b, c, d) AND clustered(d, c, b, a)");
  auto r = FindArrangement(row.conjuncts, row.vars, row.groups);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->aligned && r->clustered);
  EXPECT_EQ(r->n, 4u);
  auto cluster = Analyse("ship(a) AND ship(b) AND clustered(a, b)");
  auto c = FindArrangement(cluster.conjuncts, cluster.vars, cluster.groups);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->clustered && !c->aligned);
}

TEST(FindArrangement, OtherShapesAreNotArrangements) {
  for (const char* text : {
           "car(a) AND car(b) AND car(c) AND aligned(a, b, c) AND near(a, b)",  // a and b singled out
           "car(a) AND car(b) AND car(c) AND clustered(a, b)",                  // c not in it
           "car(a) AND ship(b) AND car(c) AND clustered(a, b, c)",              // b of another class
           "car(a) AND car(b) AND clustered(a, b) AND NOT exists z: ship(z) AND near(z, a) AND near(z, b)",
           "car(a) AND car(b) AND car(c)",  // no arrangement atom
       }) {
    auto a = Analyse(text);
    EXPECT_FALSE(FindArrangement(a.conjuncts, a.vars, a.groups)) << text;
  }
}

TEST(SymmetricGroups, HundredVariables) {
  std::string text, args;
  for (int i = 0; i < 100; ++i) {
    const std::string v = "x" + std::to_string(i);
    text += (i ? " AND " : "") + ("car(" + v + ")");
    args += (i ? ", " : "") + v;
  }
  auto a = Analyse(text + " AND clustered(" + args + ")");
  EXPECT_EQ(a.groups, std::vector<int>(100, 0));
  auto r = FindArrangement(a.conjuncts, a.vars, a.groups);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->n, 100u);
}

}  // namespace
}  // namespace georune::plan
