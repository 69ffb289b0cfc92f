#include "georune/ontology/ontology.h"

#include <gtest/gtest.h>

#include <fstream>

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
    "groups": [{"name": "vehicle", "members": ["car", "truck"]}]})",
                              "flood.json");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->ClassCount(), 5);
  EXPECT_EQ(o->Resolve("flooded houses")->name, "flooded_building");
  EXPECT_EQ(o->Resolve("flooded-building")->name, "flooded_building");
  EXPECT_TRUE(o->Resolve("vehicles")->is_group);
  auto round = Ontology::FromJson(o->ToJson(), "again");
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->ToJson(), o->ToJson());
}

TEST(Ontology, ExclusiveClassesOfASegmentation) {
  EXPECT_TRUE(Ontology::BuiltIn("floodnet")->exclusive());
  EXPECT_FALSE(Ontology::Default().exclusive());
  auto o = Ontology::FromJson(R"({"name": "seg", "exclusive": true, "classes": ["road", "car"]})", "seg.json");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_TRUE(o->exclusive());
  auto round = Ontology::FromJson(o->ToJson(), "again");  // an archive's MANIFEST keeps it
  ASSERT_TRUE(round.ok());
  EXPECT_TRUE(round->exclusive());
  auto bad = Ontology::FromJson(R"({"exclusive": "yes", "classes": ["road"]})", "b.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.json: \"exclusive\" must be true or false"), std::string::npos)
      << bad.status().message();
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
  auto clash = Ontology::FromJson(
      R"({"classes": [{"name": "a", "synonyms": ["x"]}, {"name": "b", "synonyms": ["x"]}]})", "w.json");
  EXPECT_FALSE(clash.ok());
}

TEST(Ontology, SuggestsNearNames) {
  auto s = Ontology::Default().Suggest("helicoptr");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.front(), "helicopter");
  EXPECT_EQ(Ontology::Default().Suggest("lots"), std::vector<std::string>{});  // not "port", "jet": too far
  EXPECT_EQ(Ontology::Default().Suggest("shps"), std::vector<std::string>{"ship"});
}

TEST(Ontology, BuiltInHrrsdDiorNwpu) {
  for (const auto& name : Ontology::BuiltInNames()) {
    auto o = Ontology::BuiltIn(name);
    ASSERT_TRUE(o.ok()) << name << ": " << o.status().message();
    EXPECT_EQ(o->name(), name);
    auto again = Ontology::FromJson(o->ToJson(), name);  // the documented JSON form round-trips
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->ToJson(), o->ToJson());
  }
  auto hrrsd = Ontology::BuiltIn("hrrsd").value();
  EXPECT_EQ(hrrsd.ClassCount(), 13);
  // the labels HRRSD's annotation files write
  for (const char* label :
       {"ship", "bridge", "ground track field", "storage tank", "basketball court", "tennis court", "airplane",
        "baseball diamond", "harbor", "vehicle", "crossroad", "T junction", "parking lot"}) {
    EXPECT_TRUE(hrrsd.FindClass(label)) << label;
  }
  EXPECT_EQ(hrrsd.Resolve("car park")->name, "parking_lot");
  EXPECT_EQ(hrrsd.Resolve("t-junction")->name, "t_junction");
  EXPECT_EQ(hrrsd.Resolve("airplanes")->name, "plane");
  auto dior = Ontology::BuiltIn("dior-r").value();
  EXPECT_EQ(dior.ClassCount(), 20);
  for (const char* label : {"airplane",
                            "airport",
                            "baseballfield",
                            "basketballcourt",
                            "bridge",
                            "chimney",
                            "dam",
                            "Expressway-Service-area",
                            "Expressway-toll-station",
                            "golffield",
                            "groundtrackfield",
                            "harbor",
                            "overpass",
                            "ship",
                            "stadium",
                            "storagetank",
                            "tenniscourt",
                            "trainstation",
                            "vehicle",
                            "windmill"}) {
    EXPECT_TRUE(dior.FindClass(label)) << label;
  }
  EXPECT_EQ(dior.Resolve("flyover")->name, "overpass");  // a class of its own in DIOR, a bridge in DOTA
  EXPECT_EQ(Ontology::Default().Resolve("flyover")->name, "bridge");
  auto nwpu = Ontology::BuiltIn("nwpu").value();
  EXPECT_EQ(nwpu.ClassCount(), 10);
  EXPECT_EQ(nwpu.Class(*nwpu.FindClass("10")).name, "vehicle");  // ground truth writes numbers
  EXPECT_EQ(nwpu.Class(*nwpu.FindClass("1")).name, "plane");
}

TEST(Ontology, HrrsdLabelsOfTheRealData) {
  std::ifstream in(std::string(GEORUNE_SHARED_DIR) + "/data/hrrsd/README.md");
  if (!in) GTEST_SKIP() << "shared/data/hrrsd not found";
  auto hrrsd = Ontology::BuiltIn("hrrsd").value();
  // the README's statistics table names every class: "12|   T junction   |..."
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    size_t bar = line.find('|');
    if (bar == 0 || bar == std::string::npos || line.find_first_not_of("0123456789") != bar) continue;
    size_t end = line.find('|', bar + 1);
    std::string name = line.substr(bar + 1, end - bar - 1);
    name = name.substr(name.find_first_not_of(' '));
    name = name.substr(0, name.find_last_not_of(' ') + 1);
    EXPECT_TRUE(hrrsd.FindClass(name)) << name;
    ++rows;
  }
  EXPECT_EQ(rows, 13);
}

TEST(Ontology, BuiltInFloodNet) {
  auto flood = Ontology::BuiltIn("floodnet").value();
  EXPECT_EQ(flood.ClassCount(), 9);  // FloodNet's classes but background
  // FloodNet's own class names are labels; English names resolve to the same classes.
  EXPECT_EQ(flood.Class(*flood.FindClass("Building-flooded")).name, "flooded_building");
  EXPECT_EQ(flood.Class(*flood.FindClass("Road-non-flooded")).name, "non_flooded_road");
  EXPECT_EQ(flood.Resolve("flooded road")->name, "flooded_road");
  EXPECT_EQ(flood.Resolve("flooded roads")->name, "flooded_road");
  EXPECT_EQ(flood.Resolve("dry building")->name, "non_flooded_building");
  EXPECT_EQ(flood.Resolve("non-flooded buildings")->name, "non_flooded_building");
  EXPECT_EQ(flood.Resolve("floodwater")->name, "water");
  EXPECT_EQ(flood.Resolve("cars")->name, "vehicle");
  EXPECT_EQ(flood.Resolve("swimming pool")->name, "pool");
  auto building = flood.Resolve("buildings");
  ASSERT_TRUE(building);
  EXPECT_TRUE(building->is_group);
  EXPECT_EQ(building->name, "building");
  EXPECT_EQ(flood.Resolve("street")->name, "road");
  EXPECT_FALSE(flood.FindClass("background"));  // not an entity class
}

}  // namespace
}  // namespace georune
