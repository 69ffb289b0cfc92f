#include "georune/ontology/ontology.h"

#include <gtest/gtest.h>

namespace georune {
namespace {

TEST(Ontology, BuiltInVersions) {
  EXPECT_EQ(Ontology::BuiltIn("dota-v1.0")->ClassCount(), 15);
  EXPECT_EQ(Ontology::BuiltIn("dota-v1.5")->ClassCount(), 16);
  EXPECT_EQ(Ontology::BuiltIn("dota-v2.0")->ClassCount(), 18);
  EXPECT_EQ(Ontology::Default().name(), "dota-v2.0");
  EXPECT_FALSE(Ontology::BuiltIn("dota-v9").ok());
}

TEST(Ontology, LabelsSynonymsPlurals) {
  const Ontology& o = Ontology::Default();
  auto name = [&](const char* w) {
    auto r = o.Resolve(w);
    return r ? r->name : std::string("<none>");
  };
  EXPECT_EQ(name("small-vehicle"), "small_vehicle");
  EXPECT_EQ(name("Small Vehicle"), "small_vehicle");
  EXPECT_EQ(name("car"), "small_vehicle");
  EXPECT_EQ(name("cars"), "small_vehicle");
  EXPECT_EQ(name("vessel"), "ship");
  EXPECT_EQ(name("buses"), "large_vehicle");
  EXPECT_EQ(name("tennis courts"), "tennis_court");
  EXPECT_EQ(name("harbour"), "harbor");
  EXPECT_EQ(name("container-crane"), "container_crane");
  EXPECT_EQ(name("ground-track-field"), "ground_track_field");
  EXPECT_EQ(name("unicorn"), "<none>");
  auto vehicle = o.Resolve("vehicles");
  ASSERT_TRUE(vehicle);
  EXPECT_TRUE(vehicle->is_group);
  EXPECT_EQ(vehicle->class_ids.size(), 2u);
  auto court = o.Resolve("court");
  ASSERT_TRUE(court);
  EXPECT_TRUE(court->is_group);
  EXPECT_FALSE(o.FindClass("vehicle"));  // a group is not a class
  EXPECT_EQ(*o.FindClass("plane"), 0);
}

TEST(Ontology, UserJsonFloodOntology) {
  auto o = Ontology::FromJson(R"({"name": "flood",
    "classes": [{"name": "flooded_building", "labels": ["flooded-building"], "synonyms": ["flooded house"]},
                {"name": "flooded_road", "synonyms": ["submerged road"]},
                "water",
                {"name": "car"}, {"name": "truck"}],
    "groups": [{"name": "vehicle", "members": ["car", "truck"]}]})", "flood.json");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->ClassCount(), 5);
  EXPECT_EQ(o->Resolve("flooded houses")->name, "flooded_building");
  EXPECT_EQ(o->Resolve("flooded-building")->name, "flooded_building");
  EXPECT_TRUE(o->Resolve("vehicles")->is_group);
  auto round = Ontology::FromJson(o->ToJson(), "again");
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->ToJson(), o->ToJson());
}

TEST(Ontology, RejectsBadJsonWithHint) {
  auto bad = Ontology::FromJson("{", "x.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.json: not valid JSON"), std::string::npos);
  auto camel = Ontology::FromJson(R"({"classes": ["FloodedRoad"]})", "y.json");
  ASSERT_FALSE(camel.ok());
  EXPECT_NE(camel.status().message().find("snake_case"), std::string::npos);
  auto group = Ontology::FromJson(R"({"classes": ["a"], "groups": [{"name": "g", "members": ["b"]}]})", "z.json");
  ASSERT_FALSE(group.ok());
  EXPECT_NE(group.status().message().find("unknown class 'b'"), std::string::npos);
  auto clash = Ontology::FromJson(R"({"classes": [{"name": "a", "synonyms": ["x"]}, {"name": "b", "synonyms": ["x"]}]})", "w.json");
  EXPECT_FALSE(clash.ok());
}

TEST(Ontology, SuggestsNearNames) {
  auto s = Ontology::Default().Suggest("helicoptr");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.front(), "helicopter");
}

}  // namespace
}  // namespace georune
