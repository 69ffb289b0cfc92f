// Random scenes and random formulas for equivalence tests (reference vs planned evaluator).
#pragma once

#include <random>
#include <string>
#include <vector>

#include "georune/ontology/ontology.h"
#include "georune/reason/scene.h"
#include "random_polygons.h"

namespace georune::testing {

// A scene of `n` entities of a few DOTA classes, clustered so that relations often hold.
inline reason::Scene RandomScene(std::mt19937& rng, int n, bool crisp_scores, double gsd = 0.5) {
  const Ontology& o = Ontology::Default();
  const char* names[] = {"plane", "ship", "harbor", "small_vehicle", "large_vehicle", "storage_tank"};
  std::uniform_real_distribution<double> pos(0, 300), size(4, 60), ang(0, M_PI), conf(0.02, 1.0);
  reason::Scene scene;
  scene.gsd = gsd;
  double cx = pos(rng), cy = pos(rng);
  for (int i = 0; i < n; ++i) {
    if (rng() % 3 == 0) cx = pos(rng), cy = pos(rng);
    double x = cx + (rng() % 60) - 30.0, y = cy + (rng() % 60) - 30.0;
    double w = size(rng), h = size(rng) / 2, t = (rng() % 4 == 0) ? 0.0 : ang(rng);
    if (rng() % 10 == 0) t = std::round(t / (M_PI / 2)) * (M_PI / 2);  // axis aligned: ties on boundaries
    Corners c;
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int k = 0; k < 4; ++k) {
      c[2 * k] = std::round(x + dx[k] * std::cos(t) - dy[k] * std::sin(t));
      c[2 * k + 1] = std::round(y + dx[k] * std::sin(t) + dy[k] * std::cos(t));
    }
    int cls = *o.FindClass(names[rng() % 6]);
    double p = crisp_scores ? 1.0 : conf(rng);
    if (p < 0.05) continue;  // below min_conf: a scene never holds those
    scene.entities.push_back(reason::MakeSceneEntity(i, cls, p, c));
  }
  return scene;
}

// A scene of polygon entities (with holes, some multipolygons) mixed with boxes: RandomScene's
// layout and classes, with about two entities in three made polygons.
inline reason::Scene RandomPolygonScene(std::mt19937& rng, int n, bool crisp_scores, double gsd = 0.5) {
  reason::Scene scene = RandomScene(rng, n, crisp_scores, gsd);
  for (reason::SceneEntity& e : scene.entities) {
    if (rng() % 3 == 0) continue;
    const double size = std::max(4.0, std::sqrt(std::max(e.area, 16.0)));
    auto shape = PolygonShape::FromRings(RandomPolygon(rng, e.c.x, e.c.y, size), PolygonShape::Invalid::kRefuse);
    if (!shape.ok()) continue;
    const Corners mrr = (*shape)->MinimumRotatedRectangle();
    e = reason::MakePolygonEntity(e.id, e.class_id, e.p, mrr, std::move(*shape));
  }
  return scene;
}

// A scene of `n` small vehicles in a few short rows (spacing, jitter, gaps and turns vary, so
// rows hold or break at random), plus a few entities of other classes.
inline reason::Scene RandomRowScene(std::mt19937& rng, int n, bool crisp_scores) {
  const Ontology& o = Ontology::Default();
  const int car = *o.FindClass("small_vehicle"), ship = *o.FindClass("ship");
  std::uniform_real_distribution<double> unit(0, 1), conf(0.05, 1.0);
  reason::Scene scene;
  scene.gsd = 0.5;
  double x = 0, y = 0, dir = 0, spacing = 12;
  for (int i = 0; i < n + n / 4; ++i) {
    if (i % 5 == 0) {  // a new row
      x = unit(rng) * 120, y = unit(rng) * 120, dir = unit(rng) < 0.5 ? 0.0 : unit(rng) * M_PI;
      spacing = 10 + unit(rng) * 8;
    }
    x += spacing * std::cos(dir) + (unit(rng) - 0.5) * 3;
    y += spacing * std::sin(dir) + (unit(rng) - 0.5) * 3;
    const double w = 8 + unit(rng) * 4, h = 4 + unit(rng) * 2, t = dir + (unit(rng) - 0.5) * 0.3;
    Corners c;
    const double dx[4] = {-w / 2, w / 2, w / 2, -w / 2}, dy[4] = {-h / 2, -h / 2, h / 2, h / 2};
    for (int k = 0; k < 4; ++k) {
      c[2 * k] = std::round(x + dx[k] * std::cos(t) - dy[k] * std::sin(t));
      c[2 * k + 1] = std::round(y + dx[k] * std::sin(t) + dy[k] * std::cos(t));
    }
    const int cls = i >= n ? ship : car;
    scene.entities.push_back(reason::MakeSceneEntity(i, cls, crisp_scores ? 1.0 : conf(rng), c));
  }
  return scene;
}

// A random formula over variables a, b, c, d (and bound z, y), as text.
inline std::string RandomFormula(std::mt19937& rng) {
  auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
  auto cls = [&](const std::string& var) {
    return pick({"plane", "ship", "harbor", "small_vehicle", "large_vehicle", "storage_tank", "vehicle", "object",
                 "ship", "plane"}) +
           "(" + var + ")";
  };
  auto rel2 = [&](const std::string& x, const std::string& y) {
    std::string r = pick({"near", "far", "left_of", "right_of", "above", "below", "on", "contains", "overlaps",
                          "parallel", "perpendicular", "larger", "smaller", "near", "near"});
    if (rng() % 6 == 0) {
      std::string m = pick({"distance", "center_distance", "angle"});
      std::string unit = m == "angle" ? (rng() % 2 ? " deg" : "") : (rng() % 3 == 0 ? " m" : "");
      return m + "(" + x + ", " + y + ") " + pick({"<", "<=", ">", ">="}) + " " + std::to_string(rng() % 80) + unit;
    }
    return r + "(" + x + ", " + y + ")";
  };
  std::vector<std::string> vars = {"a", "b", "c", "d"};
  const int k = 1 + rng() % 3;
  std::string f;
  for (int i = 0; i < k; ++i) f += (f.empty() ? "" : " AND ") + cls(vars[i]);
  const int relations = rng() % (k + 1);
  for (int i = 0; i < relations && k >= 2; ++i) {
    int x = rng() % k, y = rng() % k;
    if (x == y) y = (x + 1) % k;
    f += " AND " + rel2(vars[x], vars[y]);
  }
  if (k >= 2 && rng() % 4 == 0) f += " AND " + pick({"clustered", "clustered"}) + "(a, b" + (k >= 3 ? ", c)" : ")");
  if (k >= 3 && rng() % 4 == 0) f += " AND aligned(a, b, c)";
  if (rng() % 8 == 0) f += " AND area(a) > " + std::to_string(100 + rng() % 600);
  if (rng() % 8 == 0) f += " AND length(a) > " + std::to_string(rng() % 20) + " m";
  switch (rng() % 8) {
    case 0: f += " AND NOT exists z: " + cls("z") + " AND " + rel2("z", "a"); break;
    case 1: f += " AND exists>=" + std::to_string(1 + rng() % 3) + " z: " + cls("z"); break;
    case 2: f += " AND exists<=" + std::to_string(rng() % 3) + " z: " + cls("z") + " AND " + rel2("z", "a"); break;
    case 3: f = "(" + f + ") OR (" + cls("c") + " AND " + cls("d") + " AND " + rel2("c", "d") + ")"; break;
    case 4: f += " AND forall z: " + cls("z") + " -> " + rel2("z", "a"); break;
    case 5:
      f = "exists=" + std::to_string(rng() % 3) + " z: " + cls("z") + " AND " + rel2("z", "y") + " AND " + cls("y");
      break;
    case 6: f += " AND (" + rel2("a", k >= 2 ? "b" : "a") + " OR NOT " + cls("a") + ")"; break;
    default: break;
  }
  return f;
}

// A random formula of class atoms only (every quantifier and connective), as text.
inline std::string RandomClassFormula(std::mt19937& rng) {
  auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
  auto cls = [&](const std::string& var) {
    return pick({"plane", "ship", "harbor", "small_vehicle", "storage_tank", "vehicle", "object"}) + "(" + var + ")";
  };
  auto count = [&](const std::string& var) {
    const std::string op = pick({">=", "<=", "=", ">", "<"});
    return "exists" + op + std::to_string(rng() % 4 + (rng() % 5 == 0 ? 3 : 0) + (op == "<" ? 1 : 0)) + " " + var +
           ": " + cls(var) + (rng() % 3 == 0 ? " AND NOT " + cls(var) : "");
  };
  std::string f;
  switch (rng() % 7) {
    case 0: f = cls("a"); break;
    case 1: f = cls("a") + " AND " + cls("b") + (rng() % 2 ? " AND " + cls("c") : ""); break;
    case 2: f = count("x"); break;
    case 3: f = "NOT exists y: " + cls("y") + (rng() % 2 ? " AND " + cls("y") : ""); break;
    case 4: f = "forall y: " + cls("y") + " -> " + cls("y"); break;
    case 5: f = "(" + cls("a") + " AND " + cls("b") + ") OR (" + count("x") + ")"; break;
    default: f = cls("a") + " AND (" + count("x") + " OR NOT exists y: " + cls("y") + ")"; break;
  }
  if (rng() % 3 == 0) f += " AND " + pick({"true", "NOT false", count("z")});
  return f;
}

}  // namespace georune::testing
