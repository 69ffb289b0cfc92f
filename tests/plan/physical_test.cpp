// The optimise stage: optimiser names, and the physical plan each optimiser shapes.
#include <gtest/gtest.h>

#include <set>

#include "georune/logic/bound.h"
#include "georune/plan/optimizer.h"
#include "georune/plan/physical.h"

namespace georune::plan {
namespace {

logic::BoundQuery Bind(const std::string& text) {
  auto q = logic::ParseAndBind(text, Ontology::Default());
  EXPECT_TRUE(q.ok()) << q.status().message();
  return std::move(q).value();
}

std::shared_ptr<const PhysicalPlan> Plan(const logic::BoundQuery& q, const std::set<std::string>& off = {},
                                         bool crisp = true, const ClassStatistics* stats = nullptr) {
  return BuildPlan(q, OptimizerSet::Without(off), crisp, stats);
}

const ExistsPlan& Root(const PhysicalPlan& p) { return *p.block_of.at(p.query->root.get()); }

TEST(Optimizers, EveryValueHasOneNameInEnumOrder) {
  const auto& all = Optimizers();
  ASSERT_EQ(all.size(), kOptimizerCount);
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i].id), i);
    EXPECT_TRUE(names.insert(all[i].name).second) << all[i].name;
    EXPECT_EQ(ParseOptimizer(all[i].name), all[i].id);
    EXPECT_STREQ(NameOf(all[i].id), all[i].name);
    const std::string stage = all[i].stage;
    EXPECT_TRUE(stage == "archive" || stage == "plan" || stage == "execute") << stage;
  }
  EXPECT_FALSE(ParseOptimizer("no-such-optimisation"));
}

TEST(Optimizers, SetsSwitchOffByName) {
  OptimizerSet s = OptimizerSet::Without({"symmetry", "class-index"});
  for (const OptimizerInfo& o : Optimizers()) {
    EXPECT_EQ(s.On(o.id), o.id != Optimizer::kSymmetry && o.id != Optimizer::kClassIndex) << o.name;
  }
}

TEST(PhysicalPlan, ComponentsApartOnlyWithTheirOptimiser) {
  auto q = Bind("plane(a) AND ship(b) AND large_vehicle(c) AND near(b, c)");
  EXPECT_EQ(Root(*Plan(q)).components.size(), 2u);  // {a}, {b, c}
  EXPECT_EQ(Root(*Plan(q, {"components"})).components.size(), 1u);
  // Same class: distinctness couples the variables (spec §6).
  EXPECT_EQ(Root(*Plan(Bind("plane(a) AND plane(b)"))).components.size(), 1u);
}

TEST(PhysicalPlan, ScansFollowClassDomainsAndFoldFilters) {
  auto q = Bind("plane(a) AND length(a) > 20 AND ship(b) AND near(a, b)");
  auto plan = Plan(q), lazy_plan = Plan(q, {"eager-conjuncts"}), every_plan = Plan(q, {"class-domains"});
  const ExistsPlan& b = Root(*plan);
  ASSERT_EQ(b.scans.size(), 2u);
  ASSERT_TRUE(b.scans[0].classes);
  EXPECT_EQ(b.scans[0].text, "plane");
  EXPECT_EQ(b.scans[0].filters.size(), 2u);  // plane(a) and length(a) > 20
  const ExistsPlan& lazy = Root(*lazy_plan);
  EXPECT_TRUE(lazy.scans[0].filters.empty());
  const ExistsPlan& every = Root(*every_plan);
  EXPECT_FALSE(every.scans[0].classes);
  EXPECT_EQ(every.scans[0].text, "every entity");
}

TEST(PhysicalPlan, ArrangementAndSymmetryOperators) {
  auto q = Bind("car(a) AND car(b) AND car(c) AND car(d) AND aligned(a, b, c, d) AND clustered(a, b, c, d)");
  auto plan = Plan(q), plain_plan = Plan(q, {"symmetry"});
  const ComponentPlan& comp = Root(*plan).components.at(0);
  ASSERT_TRUE(comp.arrangement);
  EXPECT_TRUE(comp.arrangement->aligned && comp.arrangement->clustered);
  EXPECT_EQ(comp.interchangeable, 4);
  EXPECT_FALSE(Root(*Plan(q, {"arrangements"})).components.at(0).arrangement);
  const ComponentPlan& plain = Root(*plain_plan).components.at(0);
  EXPECT_EQ(plain.interchangeable, 0);
  EXPECT_FALSE(plain.arrangement);  // the operator needs one group of interchangeable variables
}

TEST(PhysicalPlan, LookupsAndTheEstimatedOrderUseStatistics) {
  // Ships are rare, cars common: the estimated order starts from the ship.
  const Ontology& onto = Ontology::Default();
  ClassStatistics stats;
  stats.images = 100;
  stats.entities_per_class.assign(onto.ClassCount(), 0);
  stats.images_per_class.assign(onto.ClassCount(), 0);
  const int car = onto.FindClass("small_vehicle").value(), ship = onto.FindClass("ship").value();
  stats.entities_per_class[car] = 5000, stats.images_per_class[car] = 100;
  stats.entities_per_class[ship] = 20, stats.images_per_class[ship] = 10;
  auto q = Bind("small_vehicle(a) AND ship(s) AND near(a, s)");
  auto p = Plan(q, {}, true, &stats);
  const ExistsPlan& b = Root(*p);
  ASSERT_EQ(b.components.size(), 1u);
  const ComponentPlan& comp = b.components[0];
  EXPECT_EQ(b.vars[comp.positions[comp.estimated_order[0]]], b.vars[1]);  // s first
  EXPECT_NEAR(b.scans[0].estimate.rows_per_image, 50.0, 1e-9);
  EXPECT_NEAR(b.scans[1].estimate.image_fraction, 0.1, 1e-9);
  EXPECT_EQ(comp.lookups.size(), 2u);  // a from s, s from a
  EXPECT_TRUE(Plan(q, {"spatial-index"})->block_of.at(q.root.get())->components[0].lookups.empty());
  // A conjunct tying a block variable to an outer one is checked while scanning: no lookup.
  auto nested = Bind("plane(a) AND NOT exists s: ship(s) AND near(a, s)");
  auto nested_plan = Plan(nested);
  ASSERT_EQ(nested_plan->blocks.size(), 2u);
  EXPECT_TRUE(nested_plan->blocks[1]->components[0].lookups.empty());
  EXPECT_FALSE(Plan(nested, {"eager-conjuncts"})->blocks[1]->components[0].lookups.empty());
  // join-order off: the variables' own order.
  auto own_plan = Plan(q, {"join-order"}, true, &stats);
  const ComponentPlan& own = Root(*own_plan).components[0];
  EXPECT_EQ(own.estimated_order, (std::vector<int>{0, 1}));
}

TEST(PhysicalPlan, LoopsForForallAndCounting) {
  auto q = Bind("forall s: ship(s) -> exists h: harbor(h) AND near(s, h)");
  auto p = Plan(q);
  ASSERT_EQ(p->loops.size(), 1u);
  EXPECT_EQ(p->blocks.size(), 1u);
  EXPECT_EQ(p->loops[0]->scans[0].text, "ship");
  auto count = Bind("exists>=3 x: plane(x)");
  EXPECT_TRUE(Plan(count, {}, true)->loops[0]->early_stop);
  EXPECT_FALSE(Plan(count, {}, false)->loops[0]->early_stop);  // soft counting needs every value
  EXPECT_FALSE(Plan(count, {"count-early-stop"}, true)->loops[0]->early_stop);
}

TEST(PhysicalPlan, PrintNamesEachOperatorAndItsOptimiser) {
  auto q = Bind("plane(a) AND ship(s) AND near(a, s) AND NOT exists h: harbor(h) AND near(s, h)");
  const std::string text = PrintPlan(*Plan(q));
  for (const char* part : {"exists-block", "not", "scan a: plane [class-domains]", "scan h: harbor", "join order:",
                           "lookup s near a by near(a, s): grid", "[spatial-index]", "optimisers off: none"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  auto row = Bind("car(a) AND car(b) AND car(c) AND aligned(a, b, c) AND clustered(a, b, c)");
  const std::string on = PrintPlan(*Plan(row));
  EXPECT_NE(on.find("exact arrangement operator (aligned AND clustered of 3, polynomial) [arrangements]"),
            std::string::npos)
      << on;
  EXPECT_NE(on.find("3 interchangeable variables"), std::string::npos) << on;
  const std::string off = PrintPlan(*Plan(row, {"arrangements"}));
  EXPECT_EQ(off.find("exact arrangement operator"), std::string::npos) << off;
  EXPECT_NE(off.find("optimisers off: arrangements"), std::string::npos) << off;
}

}  // namespace
}  // namespace georune::plan
