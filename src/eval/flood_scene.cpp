// The post-flood scene generator (include/georune/eval/flood.h).
#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

#include "georune/common/diagnostic.h"
#include "georune/detect/segment.h"
#include "georune/eval/flood.h"
#include "georune/eval/random.h"

namespace georune::eval {
namespace {

using ingest::PixelRing;
using ingest::PolygonEntity;
constexpr double kPi = 3.141592653589793;

const char* const kFloodClasses[] = {
    "flooded_building", "non_flooded_building", "flooded_road", "non_flooded_road", "water", "tree", "vehicle", "pool"};

struct Ids {
  int flooded_building, dry_building, flooded_road, dry_road, water, tree, vehicle, pool;
  explicit Ids(const Ontology& o)
      : flooded_building(*o.FindClass("flooded_building")),
        dry_building(*o.FindClass("non_flooded_building")),
        flooded_road(*o.FindClass("flooded_road")),
        dry_road(*o.FindClass("non_flooded_road")),
        water(*o.FindClass("water")),
        tree(*o.FindClass("tree")),
        vehicle(*o.FindClass("vehicle")),
        pool(*o.FindClass("pool")) {}
};

PolygonEntity Shape(PixelRing ring) {
  ring.push_back(ring.front());
  PolygonEntity p;
  p.rings.push_back(std::move(ring));
  return p;
}

// A w × h rectangle (pixels) centred at (cx, cy), its w side along angle a.
PolygonEntity Rect(double cx, double cy, double w, double h, double a) {
  const double c = std::cos(a), s = std::sin(a);
  PixelRing r;
  for (auto [u, v] : {std::pair{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}})
    r.push_back({cx + u * w * c - v * h * s, cy + u * w * s + v * h * c});
  return Shape(std::move(r));
}

// An irregular blob: `n` vertices at radius r·U(lo, hi) around (cx, cy).
PolygonEntity Blob(Rng& rng, double cx, double cy, double r, int n, double lo, double hi) {
  PixelRing ring;
  for (int i = 0; i < n; ++i) {
    const double a = 2 * kPi * i / n, rr = r * rng.Uniform(lo, hi);
    ring.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
  }
  return Shape(std::move(ring));
}

bool Inside(const PixelRing& ring, double x, double y) {  // even-odd rule
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if ((ring[i][1] > y) != (ring[j][1] > y) &&
        x < (ring[j][0] - ring[i][0]) * (y - ring[i][1]) / (ring[j][1] - ring[i][1]) + ring[i][0])
      in = !in;
  return in;
}

// Fraction of 9 sample points of a rectangle (corners, edge midpoints, centre) inside any blob.
double WetFraction(const PolygonEntity& rect, const std::vector<PolygonEntity>& water) {
  const PixelRing& r = rect.rings[0];
  std::vector<std::array<double, 2>> pts(r.begin(), r.end() - 1);
  for (int k = 0; k < 4; ++k) pts.push_back({(r[k][0] + r[k + 1][0]) / 2, (r[k][1] + r[k + 1][1]) / 2});
  pts.push_back({(r[0][0] + r[2][0]) / 2, (r[0][1] + r[2][1]) / 2});
  int wet = 0;
  for (const auto& p : pts)
    for (const PolygonEntity& w : water)
      if (Inside(w.rings[0], p[0], p[1])) {
        ++wet;
        break;
      }
  return wet / 9.0;
}

struct Road {
  double x, y, a, width;  // a point on the centre line, direction, width (px)
};

struct Layers {
  std::vector<PolygonEntity> water, trees, roads, flooded_buildings, dry_buildings, pools, vehicles;
};

// A building's footprint (metres): mostly houses, 8–20 × 8–16 m (64–320 m²); one in eight a
// large building (warehouse, school, shop), 28–45 × 18–30 m (504–1350 m²), so that queries on
// area ("over 500 m2") have answers.
std::pair<double, double> BuildingSize(Rng& rng) {
  if (rng.Bernoulli(0.125)) return {rng.Uniform(28, 45), rng.Uniform(18, 30)};
  return {rng.Uniform(8, 20), rng.Uniform(8, 16)};
}

// Buildings along both sides of a road, a pool behind some dry ones.
void LineRoad(Rng& rng, const Road& r, double m, double diag, Layers& L, std::vector<std::array<double, 3>>& placed) {
  const double c = std::cos(r.a), s = std::sin(r.a);
  for (double t = -diag; t < diag; t += rng.Uniform(18, 35) * m) {
    for (int side : {-1, 1}) {
      if (!rng.Bernoulli(0.7)) continue;
      const auto [w_m, d_m] = BuildingSize(rng);
      const double w = w_m * m, d = d_m * m;
      const double off = r.width / 2 + rng.Uniform(4, 12) * m + d / 2;
      const double cx = r.x + t * c - side * off * s, cy = r.y + t * s + side * off * c;
      const double rad = std::hypot(w, d) / 2;
      bool clash = false;
      for (const auto& p : placed) clash |= std::hypot(p[0] - cx, p[1] - cy) < p[2] + rad;
      if (clash) continue;
      placed.push_back({cx, cy, rad});
      PolygonEntity b = Rect(cx, cy, w, d, r.a + rng.Normal(0, 0.03));
      if (WetFraction(b, L.water) >= 0.2) {
        L.flooded_buildings.push_back(std::move(b));
      } else {
        L.dry_buildings.push_back(std::move(b));
        if (rng.Bernoulli(0.3)) {
          const double po = off + d / 2 + 5 * m;
          L.pools.push_back(Rect(r.x + t * c - side * po * s, r.y + t * s + side * po * c, rng.Uniform(4, 8) * m,
                                 rng.Uniform(3, 5) * m, r.a));
        }
      }
    }
  }
}

// Vehicles in the lanes of a road; most of those that would stand in water drive off.
void Traffic(Rng& rng, const Road& r, double m, double diag, Layers& L) {
  const double c = std::cos(r.a), s = std::sin(r.a);
  const int n = static_cast<int>(rng.Int(0, 8));
  for (int i = 0; i < n; ++i) {
    const double t = rng.Uniform(-diag / 2, diag / 2), lane = (rng.Bernoulli(0.5) ? 1 : -1) * r.width / 4;
    PolygonEntity v = Rect(r.x + t * c - lane * s, r.y + t * s + lane * c, 4.6 * m, 2.0 * m, r.a);
    if (WetFraction(v, L.water) > 0 && rng.Bernoulli(0.5)) continue;
    L.vehicles.push_back(std::move(v));
  }
}

cv::Mat Mask(const std::vector<PolygonEntity>& polygons, int w, int h) {
  detect::ClassImage img(w, h);
  detect::BurnPolygons(polygons, std::vector<uint8_t>(polygons.size(), 0), std::vector<float>(polygons.size(), 1), img);
  return img.classes == 0;
}

}  // namespace

Status CheckFloodOntology(const Ontology& ontology) {
  for (const char* c : kFloodClasses)
    if (!ontology.FindClass(c) || ontology.Class(*ontology.FindClass(c)).name != c)
      return PlainDiagnostic("the flood scenes need the class '" + std::string(c) + "', which ontology " +
                                 ontology.name() + " lacks",
                             "use the floodnet class set")
          .With(Setting::kClasses)
          .ToStatus();
  if (ontology.ClassCount() >= detect::kNoClass)
    return Status::InvalidInput("ontology " + ontology.name() + " has too many classes for a class raster");
  return Status::Ok();
}

Result<ingest::PolygonImage> GenerateFloodScene(const Ontology& ontology, const FloodOptions& options, uint64_t index) {
  Rng rng(DeriveSeed(options.seed, index, 0xF100D));
  const Ids id(ontology);
  ingest::PolygonImage im;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07llu", static_cast<unsigned long long>(index + 1));
  im.id = options.id_prefix + buf;
  im.width = static_cast<int>(rng.Int(768, 1280));
  im.height = static_cast<int>(rng.Int(768, 1280));
  im.gsd = std::round(rng.Uniform(0.3, 0.6) * 100) / 100;
  im.synthetic = true;
  const double m = 1 / im.gsd, W = im.width, H = im.height, diag = std::hypot(W, H);
  Layers L;
  // Roads: 1–3 bands through the scene, the second one roughly across the first.
  std::vector<Road> roads;
  const int n_roads = static_cast<int>(rng.Int(1, 3));
  for (int i = 0; i < n_roads; ++i) {
    const double a = i == 0 ? rng.Uniform(0, kPi) : roads[0].a + kPi / 2 + rng.Normal(0, 0.15);
    roads.push_back({rng.Uniform(0.2, 0.8) * W, rng.Uniform(0.2, 0.8) * H, a, rng.Uniform(7, 12) * m});
    L.roads.push_back(Rect(roads.back().x, roads.back().y, 2 * diag, roads.back().width, a));
  }
  // Water: 85% of scenes are flooded (1–4 bodies, most across a road); dry ones may have a pond.
  const bool flooded = rng.Bernoulli(0.85);
  const int n_water = flooded ? static_cast<int>(rng.Int(1, 4)) : (rng.Bernoulli(0.3) ? 1 : 0);
  for (int i = 0; i < n_water; ++i) {
    const double r = rng.Uniform(25, 90) * m;
    double cx = rng.Uniform(0.1, 0.9) * W, cy = rng.Uniform(0.1, 0.9) * H;
    if (flooded && rng.Bernoulli(0.6)) {  // across a road
      const Road& road = roads[rng.Int(0, n_roads - 1)];
      const double t = rng.Uniform(-0.3, 0.3) * std::min(W, H);
      cx = road.x + t * std::cos(road.a), cy = road.y + t * std::sin(road.a);
    }
    L.water.push_back(Blob(rng, cx, cy, r, 16, 0.75, 1.25));
    // Islands: buildings standing in a large body of water.
    if (r > 45 * m && rng.Bernoulli(0.5)) {
      const double bw = rng.Uniform(8, 14) * m, bd = rng.Uniform(8, 12) * m;
      L.flooded_buildings.push_back(Rect(cx, cy, bw, bd, rng.Uniform(0, kPi)));
    }
  }
  for (int i = 0, n = static_cast<int>(rng.Int(5, 25)); i < n; ++i)
    L.trees.push_back(Blob(rng, rng.Uniform(0, W), rng.Uniform(0, H), rng.Uniform(2, 5) * m, 10, 0.85, 1.15));
  std::vector<std::array<double, 3>> placed;
  for (const PolygonEntity& b : L.flooded_buildings) {
    const PixelRing& r = b.rings[0];
    placed.push_back(
        {(r[0][0] + r[2][0]) / 2, (r[0][1] + r[2][1]) / 2, std::hypot(r[0][0] - r[2][0], r[0][1] - r[2][1]) / 2});
  }
  for (const Road& r : roads) LineRoad(rng, r, m, diag, L, placed);
  for (const Road& r : roads) Traffic(rng, r, m, diag, L);
  // Paint, back to front; a road under water is a flooded road.
  detect::ClassImage img(im.width, im.height);
  img.prob.setTo(1);
  const cv::Mat water = Mask(L.water, im.width, im.height);
  const cv::Mat trees = Mask(L.trees, im.width, im.height);
  const cv::Mat road = Mask(L.roads, im.width, im.height);
  img.classes.setTo(id.water, water);
  img.classes.setTo(id.tree, trees);
  img.classes.setTo(id.flooded_road, road & water);
  img.classes.setTo(id.dry_road, road & ~water);
  for (auto [layer, cls] : {std::pair{&L.flooded_buildings, id.flooded_building},
                            {&L.dry_buildings, id.dry_building},
                            {&L.pools, id.pool},
                            {&L.vehicles, id.vehicle}}) {
    const cv::Mat mask = Mask(*layer, im.width, im.height);
    img.classes.setTo(cls, mask);
  }
  std::vector<int> identity(ontology.ClassCount());
  for (int c = 0; c < ontology.ClassCount(); ++c) identity[c] = c;
  GEORUNE_ASSIGN_OR_RETURN(im.entities, detect::PolygonizeClasses(img, identity, 0, 1));
  return im;
}

}  // namespace georune::eval
