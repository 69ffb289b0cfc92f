// Restricted arrangements (rune-bench r32: a row whose cars are pairwise parallel): the members
// of aligned/clustered sets against brute force, and the planned evaluator against the reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "georune/logic/bound.h"
#include "georune/plan/analysis.h"
#include "georune/reason/arrangement.h"
#include "georune/reason/planner.h"
#include "georune/reason/relations.h"
#include "random_formulas.h"

namespace georune::reason {
namespace {

// n cars in a row (aligned and clustered), every pair of them parallel.
std::string ParallelRow(int n) {
  std::string text, args;
  for (int i = 0; i < n; ++i) {
    std::string v = "x";
    v += std::to_string(i);
    if (i > 0) text += " AND ", args += ", ";
    text += "small_vehicle(";
    text += v;
    text += ")";
    args += v;
  }
  text += " AND aligned(" + args + ") AND clustered(" + args + ")";
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      text += " AND parallel(x";
      text += std::to_string(i);
      text += ", x";
      text += std::to_string(j);
      text += ")";
    }
  }
  return text;
}

TEST(RestrictedArrangement, PairwiseParallelIsSymmetricAndARestrictedArrangement) {
  auto q = logic::ParseAndBind(ParallelRow(5), Ontology::Default());
  ASSERT_TRUE(q.ok()) << q.status().message();
  const auto conjuncts = logic::Conjuncts(*q->root->children[0]);
  const auto groups = plan::SymmetricGroups(conjuncts, q->root->vars);
  EXPECT_EQ(groups, std::vector<int>(5, 0));
  auto a = plan::FindArrangement(conjuncts, q->root->vars, groups);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->aligned && a->clustered && a->restricted);
  // Without the further conjuncts it is a plain arrangement.
  auto plain = logic::ParseAndBind("car(a) AND car(b) AND car(c) AND aligned(a, b, c)", Ontology::Default());
  ASSERT_TRUE(plain.ok());
  const auto pc = logic::Conjuncts(*plain->root->children[0]);
  auto pa = plan::FindArrangement(pc, plain->root->vars, plan::SymmetricGroups(pc, plain->root->vars));
  ASSERT_TRUE(pa);
  EXPECT_FALSE(pa->restricted);
}

// Every member of an accepted n-set (brute force over all n-subsets) is among ArrangementMembers.
TEST(RestrictedArrangement, MembersHoldEveryAcceptedSet) {
  std::mt19937 rng(17);
  int equal = 0, total = 0;
  for (int it = 0; it < 90; ++it) {
    Scene scene = testing::RandomRowScene(rng, 6 + rng() % 6, true);
    TruthParams params;
    params.crisp = true;
    ArrangementSpec spec;
    spec.aligned = it % 3 != 2;
    spec.clustered = it % 3 != 0;
    spec.n = 3 + it % 2;
    std::vector<int> cars;
    for (int i = 0; i < static_cast<int>(scene.entities.size()); ++i) {
      if (scene.entities[i].class_id == scene.entities[0].class_id) cars.push_back(i);
    }
    ArrangementContext ctx;
    ctx.scene = &scene;
    ctx.params = &params;
    ctx.near = [&](int a, int b) {
      const SceneEntity* pair[2] = {&scene.entities[a], &scene.entities[b]};
      return RelationTruth(logic::Relation::kNear, pair, params);
    };
    ctx.tick = [] {};
    const std::vector<int> members = ArrangementMembers(spec, cars, ctx);
    std::set<int> brute;
    std::vector<int> pick;
    std::function<void(size_t)> subsets = [&](size_t from) {
      if (pick.size() == spec.n) {
        std::vector<const SceneEntity*> args;
        for (int e : pick) args.push_back(&scene.entities[e]);
        const bool ok = (!spec.aligned || RelationTruth(logic::Relation::kAligned, args, params) == 1.0) &&
                        (!spec.clustered || RelationTruth(logic::Relation::kClustered, args, params) == 1.0);
        if (ok) brute.insert(pick.begin(), pick.end());
        return;
      }
      for (size_t i = from; i < cars.size(); ++i) {
        pick.push_back(cars[i]);
        subsets(i + 1);
        pick.pop_back();
      }
    };
    subsets(0);
    for (int e : brute) {
      ASSERT_TRUE(std::binary_search(members.begin(), members.end(), e)) << "it=" << it << " misses entity " << e;
    }
    equal += members.size() == brute.size();
    ++total;
  }
  EXPECT_GT(equal, total * 9 / 10) << "members should be the union itself, up to rounding slack";
}

// Planned (operator, then enumeration over the members) equals the reference's nested loops.
TEST(RestrictedArrangement, PlannedEqualsReference) {
  std::mt19937 rng(33);
  int found = 0, narrowed = 0, total = 0;
  for (int it = 0; it < 150; ++it) {
    const bool crisp = it % 4 != 3;
    Scene scene = testing::RandomRowScene(rng, 6 + rng() % 8, !crisp || it % 2 == 0);
    TruthParams params;
    params.crisp = crisp;
    params.parallel_deg = it % 2 ? 15.0 : 4.0;  // 4°: the jittered cars often are not parallel
    const std::string text = ParallelRow(3 + it % 3);
    auto q = logic::ParseAndBind(text, Ontology::Default());
    ASSERT_TRUE(q.ok());
    ReferenceEvaluator reference(*q, params, 500'000'000);
    auto r = reference.Score(scene, true);
    ASSERT_TRUE(r.ok()) << r.status().message();
    for (const std::set<std::string>& off : {std::set<std::string>{}, std::set<std::string>{"symmetry"}}) {
      PlannedEvaluator planned(*q, params, 500'000'000, off);
      auto p = planned.Score(scene, true);
      ASSERT_TRUE(p.ok()) << p.status().message();
      if (crisp) ASSERT_EQ(r->value, p->value) << text << " it=" << it;
      else ASSERT_NEAR(r->value, p->value, 1e-12) << text << " it=" << it;
      ASSERT_EQ(r->witness.empty(), p->witness.empty()) << text << " it=" << it;
      if (off.empty()) {
        for (const auto& [block, s] : planned.stats()) {
          for (const auto& [outcome, n] : s.operators) narrowed += outcome.find("restricted") != std::string::npos;
        }
      }
    }
    found += r->value > 0;
    ++total;
  }
  EXPECT_GT(found, total / 5) << "parallel rows should often be found";
  EXPECT_LT(found, total) << "and sometimes not";
  EXPECT_GT(narrowed, 0) << "some searches should enumerate over the members only";
}

}  // namespace
}  // namespace georune::reason
