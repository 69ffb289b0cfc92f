// The echo (logic/echo.h): every formula shape renders, names its entities and its conditions.
#include "georune/logic/echo.h"

#include <gtest/gtest.h>

namespace georune::logic {
namespace {

std::string Echo(const std::string& formula) {
  auto b = ParseAndBind(formula, Ontology::Default());
  EXPECT_TRUE(b.ok()) << formula << ": " << b.status().message();
  return b.ok() ? RenderEnglish(*b) : "";
}

TEST(Echo, SpecExample) {
  EXPECT_EQ(Echo("bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)"),
            "an image with a bridge b, where there is no vehicle v on b");
}

TEST(Echo, EntitiesRelationsCountsQuantifiers) {
  EXPECT_EQ(Echo("ship(s) AND harbor(h) AND near(s, h)"), "an image with a ship s and a harbor h, where s is near h");
  EXPECT_EQ(Echo("exists>=3 x: storage_tank(x)"), "an image where there are at least 3 storage tanks x");
  EXPECT_EQ(Echo("harbor(h) AND exists<=2 s: ship(s) AND near(s, h)"),
            "an image with a harbor h, where there are at most 2 ships s near h");
  EXPECT_EQ(Echo("NOT exists p: plane(p)"), "an image where there is no plane p");
  EXPECT_EQ(Echo("(exists x: ship(x)) AND forall s: ship(s) -> exists h: harbor(h) AND near(s, h)"),
            "an image where there is a ship x and every ship s satisfies: there is a harbor h, where s is near h");
  EXPECT_EQ(Echo("plane(a) AND plane(b) AND plane(c) AND aligned(a, b, c) AND clustered(a, b, c)"),
            "an image with a plane a and a plane b and a plane c, where a, b and c are aligned and a, b and c are "
            "clustered together");
  EXPECT_EQ(Echo("ship(s) AND length(s) > 100 m"), "an image with a ship s, where the length of s is more than 100 m");
  EXPECT_EQ(
      Echo("small_vehicle(a) AND small_vehicle(b) AND distance(a, b) <= 30 m"),
      "an image with a small vehicle a and a small vehicle b, where the distance between a and b is at most 30 m");
  EXPECT_EQ(Echo("helicopter(h) OR plane(p)"), "an image where either there is a helicopter h or there is a plane p");
  EXPECT_EQ(Echo("storage_tank(t) AND NOT exists v: vehicle(v) AND NOT far(v, t)"),
            "an image with a storage tank t, where there is no vehicle v, where it is not true that v is far from t");
  EXPECT_EQ(Echo("airport(a) AND NOT exists o: object(o) AND on(o, a)"),
            "an image with an airport a, where there is no object o on a");
}

TEST(Echo, EveryAtomAppears) {
  // each relation's words appear once per atom
  std::string e = Echo("plane(p) AND helicopter(h) AND left_of(p, h) AND above(h, p) AND larger(p, h)");
  EXPECT_NE(e.find("left of"), std::string::npos) << e;
  EXPECT_NE(e.find("above"), std::string::npos) << e;
  EXPECT_NE(e.find("larger than"), std::string::npos) << e;
}

}  // namespace
}  // namespace georune::logic
