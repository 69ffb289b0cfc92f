// Scene generator (include/georune/eval/scene_generator.h). Layout notes: docs/evaluation.md.
#include "georune/eval/scene_generator.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "georune/common/progress.h"
#include "georune/eval/random.h"
#include "georune/ingest/readers.h"

namespace georune::eval {
namespace {

constexpr double kPi = 3.14159265358979323846;

enum Cls {
  kPlane,
  kShip,
  kStorageTank,
  kBaseballDiamond,
  kTennisCourt,
  kBasketballCourt,
  kGroundTrackField,
  kHarbor,
  kBridge,
  kLargeVehicle,
  kSmallVehicle,
  kHelicopter,
  kRoundabout,
  kSoccerBallField,
  kSwimmingPool,
  kContainerCrane,
  kAirport,
  kHelipad,
  kClsCount,
};
constexpr std::array<const char*, kClsCount> kClsNames = {"plane",
                                                          "ship",
                                                          "storage_tank",
                                                          "baseball_diamond",
                                                          "tennis_court",
                                                          "basketball_court",
                                                          "ground_track_field",
                                                          "harbor",
                                                          "bridge",
                                                          "large_vehicle",
                                                          "small_vehicle",
                                                          "helicopter",
                                                          "roundabout",
                                                          "soccer_ball_field",
                                                          "swimming_pool",
                                                          "container_crane",
                                                          "airport",
                                                          "helipad"};

struct Vec {
  double x = 0, y = 0;
};
Vec Dir(double deg) { return {std::cos(deg * kPi / 180.0), std::sin(deg * kPi / 180.0)}; }
Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y}; }
Vec operator*(double s, Vec a) { return {s * a.x, s * a.y}; }

// One image being laid out, in metres.
class Scene {
 public:
  Scene(const std::array<int, kClsCount>& ids, Rng& rng, double gsd, double w_m, double h_m,
        std::vector<EntityRecord>& out)
      : ids_(ids), rng_(rng), gsd_(gsd), w_(w_m), h_(h_m), out_(out) {}

  Rng& rng() { return rng_; }
  double w() const { return w_; }
  double h() const { return h_; }
  Vec RandomPoint(double margin = 0) {
    margin = std::min(margin, 0.45 * std::min(w_, h_));
    return {rng_.Uniform(margin, w_ - margin), rng_.Uniform(margin, h_ - margin)};
  }
  double RandomAngle() { return rng_.Uniform(0, 180); }

  // Adds an oriented box (centre, length along `angle_deg`, width across) if its centre lies
  // in the image. Returns whether it was added.
  bool Add(Cls cls, Vec c, double length, double width, double angle_deg) {
    if (ids_[cls] < 0) return false;
    if (c.x < 0 || c.y < 0 || c.x >= w_ || c.y >= h_) return false;
    if (length <= 0 || width <= 0) return false;
    const Vec u = Dir(angle_deg), v = {-u.y, u.x};
    const double hl = length / 2, hw = width / 2;
    const Vec corners[4] = {c + (-hl) * u + (-hw) * v, c + hl * u + (-hw) * v, c + hl * u + hw * v,
                            c + (-hl) * u + hw * v};
    EntityRecord e;
    e.class_id = ids_[cls];
    for (int k = 0; k < 4; ++k) {
      // pixels, rounded to 0.1 px like annotation tools
      e.corners[2 * k] = std::round(corners[k].x / gsd_ * 10.0) / 10.0;
      e.corners[2 * k + 1] = std::round(corners[k].y / gsd_ * 10.0) / 10.0;
    }
    out_.push_back(e);
    return true;
  }

  // Adds `n` objects of a class at random positions with the given size law.
  void Scatter(Cls cls, int n, double len_median, double len_sigma, double aspect) {
    for (int i = 0; i < n; ++i) {
      const double l = rng_.LogNormal(len_median, len_sigma);
      Add(cls, RandomPoint(), l, l / aspect * rng_.Uniform(0.9, 1.1), RandomAngle());
    }
  }

  // A row of `n` objects starting at `start`, stepping `step` metres along `dir_deg`, each of
  // size length × width at angle `obj_deg`, with small jitter; `gap_p` leaves slots empty.
  int Row(Cls cls, Vec start, double dir_deg, double step, int n, double length, double width, double obj_deg,
          double gap_p = 0.0, double jitter_m = 0.15, double jitter_deg = 3) {
    const Vec d = Dir(dir_deg);
    int added = 0;
    for (int i = 0; i < n; ++i) {
      if (gap_p > 0 && rng_.Bernoulli(gap_p)) continue;
      Vec c = start + (step * i) * d;
      c.x += rng_.Normal(0, jitter_m);
      c.y += rng_.Normal(0, jitter_m);
      const double l = length * rng_.Uniform(0.95, 1.05), wd = width * rng_.Uniform(0.95, 1.05);
      added += Add(cls, c, l, wd, obj_deg + rng_.Normal(0, jitter_deg)) ? 1 : 0;
    }
    return added;
  }

 private:
  const std::array<int, kClsCount>& ids_;
  Rng& rng_;
  double gsd_, w_, h_;
  std::vector<EntityRecord>& out_;
};

double ShipLength(Rng& rng) {
  // mostly 20–90 m, a tail of large ships beyond 100 m
  return rng.Bernoulli(0.18) ? rng.Uniform(100, 260) : rng.LogNormal(45, 0.45);
}

void LooseVehicles(Scene& s, double density, double cars_mean, double trucks_mean) {
  Rng& r = s.rng();
  s.Scatter(kSmallVehicle, static_cast<int>(r.Poisson(cars_mean * density)), 4.6, 0.08, 2.4);
  s.Scatter(kLargeVehicle, static_cast<int>(r.Poisson(trucks_mean * density)), 10.0, 0.25, 4.0);
}

// Cars parked along a road: an aligned, parallel line.
void RoadTraffic(Scene& s, int n) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec start = s.RandomPoint(0.1 * std::min(s.w(), s.h()));
  s.Row(kSmallVehicle, start, a, r.Uniform(6, 12), n, 4.6, 1.9, a, 0.3, 0.3, 4);
}

void Harbor(Scene& s, double density) {
  Rng& r = s.rng();
  const int harbors = static_cast<int>(r.Int(1, 3));
  for (int h = 0; h < harbors; ++h) {
    const double a = s.RandomAngle();
    const double len = std::min(r.Uniform(120, 420), 0.7 * std::min(s.w(), s.h()));
    const double wid = r.Uniform(15, 40);
    const Vec c = s.RandomPoint(0.3 * len);
    if (!s.Add(kHarbor, c, len, wid, a)) continue;
    const Vec u = Dir(a), v = Dir(a + 90);
    if (r.Bernoulli(0.8)) {  // ships docked alongside, on one or both sides
      const int ships = static_cast<int>(r.Int(1, 8));
      for (int i = 0; i < ships; ++i) {
        const double sl = std::min(ShipLength(r), len * 0.9), sw = sl / r.Uniform(5.5, 7.5);
        const double side = r.Bernoulli(0.5) ? 1.0 : -1.0;
        const double along = r.Uniform(-0.45, 0.45) * len;
        const double across = side * (wid / 2 + sw / 2 + r.Uniform(0.5, 8));
        s.Add(kShip, c + along * u + across * v, sl, sw, a + r.Normal(0, 2));
      }
    }
    if (r.Bernoulli(0.35)) {  // container cranes standing on the quay, across it
      const int cranes = static_cast<int>(r.Int(2, 6));
      const double cl = wid * r.Uniform(1.0, 1.3), cw = r.Uniform(12, 20);
      const double step = std::min(len / (cranes + 1), cw * r.Uniform(1.5, 3.0));
      const double first = -step * (cranes - 1) / 2.0;
      for (int i = 0; i < cranes; ++i)
        s.Add(kContainerCrane, c + (first + i * step) * u + r.Normal(0, 1) * v, cl, cw, a + 90 + r.Normal(0, 2));
    }
  }
  // ships anchored off-shore, small boats
  const int anchored = static_cast<int>(r.Poisson(1.5 * density));
  for (int i = 0; i < anchored; ++i) {
    const double sl = r.Bernoulli(0.5) ? ShipLength(r) : r.LogNormal(12, 0.4);
    s.Add(kShip, s.RandomPoint(), sl, sl / r.Uniform(3.5, 7), s.RandomAngle());
  }
  if (r.Bernoulli(0.1)) {  // a bridge across the harbour basin
    const double bl = r.Uniform(100, 400);
    s.Add(kBridge, s.RandomPoint(bl / 3), bl, r.Uniform(12, 30), s.RandomAngle());
  }
  LooseVehicles(s, density, 2, 1);
  if (r.Bernoulli(0.3)) s.Scatter(kStorageTank, static_cast<int>(r.Int(1, 6)), 25, 0.4, 1.0);
}

void Parking(Scene& s, double density, bool huge) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec u = Dir(a), v = Dir(a + 90);
  const int rows = huge ? static_cast<int>(r.Int(8, 24)) : static_cast<int>(r.Int(1, 4));
  const int per_row = huge ? static_cast<int>(r.Int(15, 36)) : static_cast<int>(r.Int(4, 16));
  const double step = r.Uniform(2.5, 3.1), row_gap = r.Uniform(5.5, 8.0);
  const Vec origin = {s.w() / 2 - (per_row * step / 2) * u.x - (rows * row_gap / 2) * v.x,
                      s.h() / 2 - (per_row * step / 2) * u.y - (rows * row_gap / 2) * v.y};
  const Vec start = origin + Vec{r.Uniform(-0.2, 0.2) * s.w(), r.Uniform(-0.2, 0.2) * s.h()};
  const double fill = huge ? r.Uniform(0.05, 0.3) : r.Uniform(0.05, 0.35);
  for (int row = 0; row < rows; ++row) {
    const Vec rs = start + (row * row_gap) * v;
    // cars parked perpendicular to the row
    s.Row(kSmallVehicle, rs, a, step, per_row, r.Uniform(4.2, 4.9), r.Uniform(1.7, 2.0), a + 90, fill, 0.15, 3);
  }
  if (r.Bernoulli(0.5)) {  // a row of trucks or buses
    const int n = static_cast<int>(r.Int(2, 8));
    const Vec rs = start + (-row_gap * 1.5) * v;
    s.Row(kLargeVehicle, rs, a, r.Uniform(3.5, 4.5), n, r.Uniform(8, 16), r.Uniform(2.4, 2.6), a + 90, 0.15, 0.2, 2);
  }
  if (r.Bernoulli(0.4)) RoadTraffic(s, static_cast<int>(r.Int(3, 12)));
  LooseVehicles(s, density, 2, 0.5);
  if (r.Bernoulli(0.15)) s.Scatter(kSwimmingPool, static_cast<int>(r.Int(1, 3)), 12, 0.3, 2.0);
}

void Airport(Scene& s, double density) {
  Rng& r = s.rng();
  if (r.Bernoulli(0.7)) {  // the airport itself covers most of the tile
    s.Add(kAirport, {s.w() / 2 + r.Normal(0, 0.05 * s.w()), s.h() / 2 + r.Normal(0, 0.05 * s.h())},
          s.w() * r.Uniform(0.6, 0.95), s.h() * r.Uniform(0.5, 0.9), r.Normal(0, 3));
  }
  const int groups = static_cast<int>(r.Int(1, 3));
  for (int g = 0; g < groups; ++g) {  // planes parked side by side on an apron
    const double a = s.RandomAngle();
    const double pl = r.Uniform(25, 70), pw = pl * r.Uniform(0.85, 1.1);
    const int n = static_cast<int>(r.Int(1, 8));
    s.Row(kPlane, s.RandomPoint(0.15 * std::min(s.w(), s.h())), a, pw + r.Uniform(4, 20), n, pl, pw, a + 90, 0.1, 1.0,
          3);
  }
  const int taxiing = static_cast<int>(r.Poisson(0.8 * density));
  for (int i = 0; i < taxiing; ++i) {
    const double pl = r.Uniform(20, 70);
    s.Add(kPlane, s.RandomPoint(), pl, pl * r.Uniform(0.85, 1.1), s.RandomAngle());
  }
  if (r.Bernoulli(0.4)) {  // helicopters, some on helipads, some helipads empty
    const int pads = static_cast<int>(r.Int(0, 3));
    for (int i = 0; i < pads; ++i) {
      const Vec c = s.RandomPoint(40);
      const double ps = r.Uniform(18, 30);
      s.Add(kHelipad, c, ps, ps * r.Uniform(0.9, 1.0), s.RandomAngle());
      if (r.Bernoulli(0.6)) {
        const double hl = r.Uniform(12, 19);
        s.Add(kHelicopter, c + Vec{r.Normal(0, 1), r.Normal(0, 1)}, hl, hl * r.Uniform(0.6, 0.9), s.RandomAngle());
      }
    }
    const int loose = static_cast<int>(r.Int(pads == 0 ? 1 : 0, 4));
    for (int i = 0; i < loose; ++i) {
      const double hl = r.Uniform(12, 19);
      s.Add(kHelicopter, s.RandomPoint(), hl, hl * r.Uniform(0.6, 0.9), s.RandomAngle());
    }
  }
  LooseVehicles(s, density, 2, 1);
  if (r.Bernoulli(0.2)) s.Scatter(kStorageTank, static_cast<int>(r.Int(1, 4)), 20, 0.3, 1.0);
}

void Sports(Scene& s, double density) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec u = Dir(a), v = Dir(a + 90);
  if (r.Bernoulli(0.7)) {  // tennis courts side by side, then basketball courts in the row
    const int tennis = static_cast<int>(r.Int(1, 6));
    const double tl = r.Uniform(33, 36), tw = r.Uniform(16, 18.5), gap = r.Uniform(0.5, 4);
    const Vec start = s.RandomPoint(0.25 * std::min(s.w(), s.h()));
    s.Row(kTennisCourt, start, a + 90, tw + gap, tennis, tl, tw, a, 0.0, 0.3, 1.5);
    if (r.Bernoulli(0.5)) {
      const int bb = static_cast<int>(r.Int(1, 3));
      const double bl = r.Uniform(26, 30), bw = r.Uniform(14, 16);
      const Vec bstart = start + ((tw + gap) * tennis - (tw - bw) / 2 + gap) * v;
      s.Row(kBasketballCourt, bstart, a + 90, bw + gap, bb, bl, bw, a, 0.0, 0.3, 1.5);
    }
  } else if (r.Bernoulli(0.4)) {
    s.Scatter(kBasketballCourt, static_cast<int>(r.Int(1, 3)), 28, 0.05, 1.85);
  }
  if (r.Bernoulli(0.4)) {  // a running track with a soccer field inside
    const Vec c = s.RandomPoint(60);
    const double ta = s.RandomAngle();
    s.Add(kGroundTrackField, c, r.Uniform(170, 190), r.Uniform(88, 100), ta);
    if (r.Bernoulli(0.85))
      s.Add(kSoccerBallField, c + Vec{r.Normal(0, 1), r.Normal(0, 1)}, r.Uniform(95, 110), r.Uniform(60, 72),
            ta + r.Normal(0, 1));
  }
  if (r.Bernoulli(0.2)) s.Scatter(kSoccerBallField, static_cast<int>(r.Int(1, 2)), 100, 0.05, 1.5);
  if (r.Bernoulli(0.3)) s.Scatter(kBaseballDiamond, static_cast<int>(r.Int(1, 3)), 100, 0.15, 1.0);
  if (r.Bernoulli(0.4)) s.Scatter(kSwimmingPool, static_cast<int>(r.Int(1, 3)), 25, 0.3, 2.0);
  (void)u;
  LooseVehicles(s, density, 2, 0.3);
  if (r.Bernoulli(0.3)) RoadTraffic(s, static_cast<int>(r.Int(3, 10)));
}

void Industrial(Scene& s, double density) {
  Rng& r = s.rng();
  const int clusters = static_cast<int>(r.Int(1, 3));
  for (int k = 0; k < clusters; ++k) {
    const double d = r.Bernoulli(0.3) ? r.Uniform(45, 85) : r.Uniform(8, 40);
    const int cols = static_cast<int>(r.Int(1, 4)), rows = static_cast<int>(r.Int(1, 4));
    const double pitch = d * r.Uniform(1.15, 1.7);
    const double a = s.RandomAngle();
    const Vec u = Dir(a), v = Dir(a + 90);
    const Vec start = s.RandomPoint(pitch * 2);
    for (int i = 0; i < cols; ++i)
      for (int j = 0; j < rows; ++j) {
        if (r.Bernoulli(0.1)) continue;
        const double dd = d * r.Uniform(0.92, 1.08);
        s.Add(kStorageTank, start + (i * pitch) * u + (j * pitch) * v + Vec{r.Normal(0, 0.5), r.Normal(0, 0.5)}, dd,
              dd * r.Uniform(0.95, 1.0), r.Uniform(0, 90));
      }
  }
  if (r.Bernoulli(0.3)) s.Scatter(kStorageTank, static_cast<int>(r.Int(1, 3)), 20, 0.4, 1.0);
  if (r.Bernoulli(0.5)) LooseVehicles(s, density, 3, 3);
}

void RiverBridge(Scene& s, double density) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec u = Dir(a), v = Dir(a + 90);
  const double bl = std::min(r.Uniform(80, 500), 0.9 * std::max(s.w(), s.h()));
  const double bw = r.Uniform(10, 30);
  const Vec c = s.RandomPoint(0.2 * std::min(s.w(), s.h()));
  if (s.Add(kBridge, c, bl, bw, a)) {
    if (r.Bernoulli(0.7)) {  // traffic on the deck, in lanes along the bridge
      const int lanes = bw > 18 ? 2 : 1;
      for (int lane = 0; lane < lanes; ++lane) {
        const double off = lanes == 1 ? 0 : (lane == 0 ? -bw / 4 : bw / 4);
        const int cars = static_cast<int>(r.Int(1, 8));
        for (int i = 0; i < cars; ++i) {
          const bool truck = r.Bernoulli(0.2);
          const double l = truck ? r.Uniform(8, 16) : r.Uniform(4.2, 4.9);
          s.Add(truck ? kLargeVehicle : kSmallVehicle,
                c + (r.Uniform(-0.45, 0.45) * bl) * u + (off + r.Normal(0, 0.5)) * v, l, truck ? 2.5 : 1.8,
                a + r.Normal(0, 2));
        }
      }
    }
    if (r.Bernoulli(0.6)) {  // ships on the river, under or beside the bridge
      const int ships = static_cast<int>(r.Int(1, 4));
      for (int i = 0; i < ships; ++i) {
        const double sl = r.Bernoulli(0.6) ? r.LogNormal(25, 0.5) : ShipLength(r);
        const double along = r.Uniform(-0.3, 0.3) * bl;
        const double across = r.Normal(0, 1.5 * sl + bw);
        s.Add(kShip, c + along * u + across * v, sl, sl / r.Uniform(3.5, 7), a + 90 + r.Normal(0, 8));
      }
    }
  }
  if (r.Bernoulli(0.5)) {  // a roundabout near one end of the bridge
    const double dmt = r.Uniform(30, 70);
    const double end = (r.Bernoulli(0.5) ? 0.5 : -0.5) * bl + (r.Bernoulli(0.5) ? 1 : -1) * dmt;
    s.Add(kRoundabout, c + end * u + r.Normal(0, dmt) * v, dmt, dmt * r.Uniform(0.95, 1.0), r.Uniform(0, 90));
  }
  if (r.Bernoulli(0.2)) {
    const double hl = r.Uniform(80, 250);
    s.Add(kHarbor, s.RandomPoint(hl / 3), hl, r.Uniform(15, 35), s.RandomAngle());
  }
  LooseVehicles(s, density, 2, 0.5);
}

void Residential(Scene& s, double density) {
  Rng& r = s.rng();
  s.Scatter(kSwimmingPool, static_cast<int>(r.Poisson(2.0 * density)), 10, 0.3, 2.0);
  const int roads = static_cast<int>(r.Int(0, 2));
  for (int i = 0; i < roads; ++i) RoadTraffic(s, static_cast<int>(r.Int(3, 15)));
  if (r.Bernoulli(0.3)) {
    const double d = r.Uniform(25, 60);
    s.Add(kRoundabout, s.RandomPoint(d), d, d * r.Uniform(0.95, 1.0), r.Uniform(0, 90));
  }
  if (r.Bernoulli(0.2)) s.Scatter(kTennisCourt, static_cast<int>(r.Int(1, 2)), 34, 0.05, 2.0);
  if (r.Bernoulli(0.15)) s.Scatter(kBasketballCourt, 1, 28, 0.05, 1.85);
  LooseVehicles(s, density, 3, 0.5);
}

// A few objects of any class, as in tiles cut from the edge of a scene.
void Mixed(Scene& s, double density) {
  Rng& r = s.rng();
  const int n = static_cast<int>(r.Int(1, 6));
  static constexpr struct {
    Cls cls;
    double len, sigma, aspect;
  } kLaw[] = {{kPlane, 40, 0.3, 1.0},
              {kShip, 40, 0.5, 5.0},
              {kStorageTank, 20, 0.5, 1.0},
              {kBaseballDiamond, 100, 0.15, 1.0},
              {kTennisCourt, 34, 0.05, 2.0},
              {kBasketballCourt, 28, 0.05, 1.85},
              {kGroundTrackField, 180, 0.05, 1.9},
              {kHarbor, 200, 0.4, 8.0},
              {kBridge, 200, 0.5, 10.0},
              {kLargeVehicle, 10, 0.25, 4.0},
              {kSmallVehicle, 4.6, 0.08, 2.4},
              {kHelicopter, 15, 0.15, 1.4},
              {kRoundabout, 45, 0.3, 1.0},
              {kSoccerBallField, 100, 0.05, 1.5},
              {kSwimmingPool, 12, 0.4, 2.0}};
  for (int i = 0; i < n; ++i) {
    const auto& law = kLaw[r.Int(0, std::size(kLaw) - 1)];
    s.Scatter(law.cls, 1, law.len, law.sigma, law.aspect);
  }
  LooseVehicles(s, density, 2, 0.5);
}

// ---------------------------------------------------------------- dense scenes (options.dense)

// Parking lots: 1–4 blocks of rows of cars parked side by side, with empty bays.
void DenseParking(Scene& s) {
  Rng& r = s.rng();
  const int blocks = static_cast<int>(r.Int(1, 4));
  for (int b = 0; b < blocks; ++b) {
    const double a = r.Bernoulli(0.6) ? 90.0 * static_cast<double>(r.Int(0, 1)) + r.Normal(0, 2) : s.RandomAngle();
    const Vec u = Dir(a), v = Dir(a + 90);
    const int rows = static_cast<int>(r.Int(3, 14)), per_row = static_cast<int>(r.Int(8, 40));
    const double step = r.Uniform(2.5, 3.0), row_gap = r.Uniform(5.5, 7.5), fill = r.Uniform(0.02, 0.25);
    const Vec start =
        s.RandomPoint(0.05 * std::min(s.w(), s.h())) + (-(per_row * step) / 2) * u + (-(rows * row_gap) / 2) * v;
    for (int row = 0; row < rows; ++row) {
      s.Row(kSmallVehicle, start + (row * row_gap) * v, a, step, per_row, r.Uniform(4.2, 4.9), r.Uniform(1.7, 2.0),
            a + 90, fill, 0.12, 3);
    }
    if (r.Bernoulli(0.3)) {
      s.Row(kLargeVehicle, start + (-row_gap * 1.5) * v, a, r.Uniform(3.5, 4.5), static_cast<int>(r.Int(3, 12)),
            r.Uniform(8, 14), r.Uniform(2.4, 2.6), a + 90, 0.1, 0.2, 2);
    }
  }
}

// A street with gently curving kerbs: cars parked nose to tail along both kerbs, gaps between.
void Street(Scene& s) {
  Rng& r = s.rng();
  const int streets = static_cast<int>(r.Int(1, 3));
  for (int k = 0; k < streets; ++k) {
    Vec c = s.RandomPoint(0.1 * std::min(s.w(), s.h()));
    double heading = s.RandomAngle(), turn = r.Normal(0, 0.25);  // degrees per metre-step
    const double half_width = r.Uniform(4.0, 7.0);
    const int cars = static_cast<int>(r.Int(40, 220));
    for (int i = 0; i < cars; ++i) {
      const double step = r.Uniform(5.4, 6.4) + (r.Bernoulli(0.08) ? r.Uniform(4, 15) : 0.0);
      c = c + step * Dir(heading);
      heading += turn * step + r.Normal(0, 0.2);
      const Vec side = Dir(heading + 90);
      for (double sign : {-1.0, 1.0}) {
        if (r.Bernoulli(0.15)) continue;
        s.Add(kSmallVehicle, c + (sign * half_width) * side, r.Uniform(4.2, 4.9), r.Uniform(1.7, 2.0),
              heading + r.Normal(0, 2));
      }
      if (r.Bernoulli(0.1)) s.Add(kLargeVehicle, c + (r.Uniform(-2, 2)) * side, r.Uniform(8, 14), 2.5, heading);
    }
  }
}

// Tank farms: grids of storage tanks with missing tanks, and loose clusters.
void TankFarm(Scene& s) {
  Rng& r = s.rng();
  const int farms = static_cast<int>(r.Int(1, 3));
  for (int f = 0; f < farms; ++f) {
    const double d = r.Uniform(12, 40), a = s.RandomAngle();
    const Vec v = Dir(a + 90);
    const int rows = static_cast<int>(r.Int(3, 10)), cols = static_cast<int>(r.Int(3, 14));
    const double pitch = d * r.Uniform(1.15, 1.6);
    const Vec start = s.RandomPoint(0.1 * std::min(s.w(), s.h()));
    for (int row = 0; row < rows; ++row) {
      s.Row(kStorageTank, start + (row * pitch) * v, a, pitch, cols, d, d, 0, 0.1, 0.3, 0);
    }
  }
  s.Scatter(kStorageTank, static_cast<int>(r.Int(0, 20)), 20, 0.4, 1.0);
  LooseVehicles(s, 1.0, 10, 4);
}

// Ports: piers with ships moored along both sides.
void Port(Scene& s) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec u = Dir(a), v = Dir(a + 90);
  const int piers = static_cast<int>(r.Int(2, 8));
  const Vec start = s.RandomPoint(0.15 * std::min(s.w(), s.h()));
  const double spacing = r.Uniform(60, 120);
  for (int p = 0; p < piers; ++p) {
    const double length = r.Uniform(150, 500), width = r.Uniform(12, 30);
    const Vec base = start + (p * spacing) * v;
    s.Add(kHarbor, base + (length / 2) * u, length, width, a);
    for (double sign : {-1.0, 1.0}) {
      double along = r.Uniform(0, 20);
      while (along < length) {
        const double l = r.Bernoulli(0.7) ? r.LogNormal(40, 0.35) : r.Uniform(80, 200);
        s.Add(kShip, base + (along + l / 2) * u + (sign * (width / 2 + 6)) * v, l, l / r.Uniform(5, 7),
              a + r.Normal(0, 2));
        along += l + r.Uniform(3, 25);
      }
    }
  }
  s.Scatter(kShip, static_cast<int>(r.Int(0, 25)), 30, 0.5, 5);
  if (r.Bernoulli(0.5)) s.Scatter(kContainerCrane, static_cast<int>(r.Int(2, 12)), 40, 0.2, 2.5);
}

// Aprons: planes parked in rows at their stands, a few helicopters.
void Apron(Scene& s) {
  Rng& r = s.rng();
  const double a = s.RandomAngle();
  const Vec v = Dir(a + 90);
  const int rows = static_cast<int>(r.Int(2, 6));
  const Vec start = s.RandomPoint(0.1 * std::min(s.w(), s.h()));
  for (int row = 0; row < rows; ++row) {
    const double span = r.Uniform(25, 60);
    s.Row(kPlane, start + (row * span * 1.6) * v, a, span * r.Uniform(1.05, 1.4), static_cast<int>(r.Int(5, 25)), span,
          span * 0.9, a + 90, 0.15, 0.5, 4);
  }
  s.Scatter(kHelicopter, static_cast<int>(r.Int(0, 8)), 15, 0.2, 1.2);
  LooseVehicles(s, 1.0, 15, 6);
}

// Adds loose cars until the scene holds `at_least` objects, and drops the last objects beyond
// `at_most`.
void ClampDensity(Scene& s, std::vector<EntityRecord>& entities, size_t at_least, size_t at_most) {
  for (int tries = 0; entities.size() < at_least && tries < 100000; ++tries) {
    s.Add(kSmallVehicle, s.RandomPoint(), 4.6, 1.9, s.RandomAngle());
  }
  if (entities.size() > at_most) entities.resize(at_most);
}

std::array<int, kClsCount> ClassIds(const Ontology& ontology) {
  std::array<int, kClsCount> ids{};
  for (int i = 0; i < kClsCount; ++i) ids[i] = ontology.FindClass(kClsNames[i]).value_or(-1);
  return ids;
}

}  // namespace

// A dense image: one of the dense scene types, 40–900 objects, 2048–4096 px.
ImageRecord GenerateDenseImage(const std::array<int, kClsCount>& ids, const GeneratorOptions& options, Rng& r,
                               ImageRecord img) {
  img.width = static_cast<int32_t>(r.Int(32, 64) * 64);
  img.height = static_cast<int32_t>(r.Int(32, 64) * 64);
  const int type = static_cast<int>(r.Int(0, 4));
  const double gsd_lo[] = {0.1, 0.1, 0.3, 0.4, 0.3}, gsd_hi[] = {0.2, 0.25, 0.6, 0.9, 0.6};
  const double gsd = std::round(r.Uniform(gsd_lo[type], gsd_hi[type]) * 1000.0) / 1000.0;
  img.gsd = r.Bernoulli(options.no_gsd_fraction) ? std::nan("") : gsd;
  Scene s(ids, r, gsd, img.width * gsd, img.height * gsd, img.entities);
  switch (type) {
    case 0: DenseParking(s); break;
    case 1: Street(s); break;
    case 2: TankFarm(s); break;
    case 3: Port(s); break;
    default: Apron(s); break;
  }
  ClampDensity(s, img.entities, 40, 900);
  return img;
}

std::string GeneratedImageId(const GeneratorOptions& options, uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07llu", static_cast<unsigned long long>(index + 1));
  return options.id_prefix + buf;
}

ImageRecord GenerateImage(const Ontology& ontology, const GeneratorOptions& options, uint64_t index) {
  // ids are cached per ontology object address would be faster; the lookup is cheap enough
  thread_local const Ontology* cached_for = nullptr;
  thread_local std::array<int, kClsCount> ids{};
  if (cached_for != &ontology) {
    ids = ClassIds(ontology);
    cached_for = &ontology;
  }
  Rng r(DeriveSeed(options.seed, index));
  ImageRecord img;
  img.id = GeneratedImageId(options, index);
  if (options.dense) return GenerateDenseImage(ids, options, r, std::move(img));
  img.width = static_cast<int32_t>(r.Int(8, 20) * 64);  // 512–1280 px steps of 64
  img.height = static_cast<int32_t>(r.Int(8, 20) * 64);
  // scene type and its gsd range
  enum Type {
    kEmpty,
    kHarborScene,
    kParking,
    kHugeParking,
    kAirportScene,
    kSports,
    kIndustrial,
    kRiver,
    kResidential,
    kMixed
  };
  struct Weight {
    Type type;
    double w, gsd_lo, gsd_hi;
  };
  static constexpr Weight kWeights[] = {
      {kHarborScene, 0.12, 0.3, 1.0},  {kParking, 0.14, 0.1, 0.35},    {kHugeParking, 0.008, 0.1, 0.2},
      {kAirportScene, 0.08, 0.4, 1.0}, {kSports, 0.12, 0.2, 0.6},      {kIndustrial, 0.10, 0.3, 1.0},
      {kRiver, 0.10, 0.3, 1.0},        {kResidential, 0.17, 0.1, 0.4}, {kMixed, 0.162, 0.1, 1.0}};
  Type type = kEmpty;
  double gsd_lo = 0.1, gsd_hi = 1.0;
  if (!r.Bernoulli(options.empty_fraction)) {
    double total = 0;
    for (const auto& w : kWeights) total += w.w;
    double pick = r.Uniform() * total;
    type = kWeights[std::size(kWeights) - 1].type;
    for (const auto& w : kWeights) {
      if (pick < w.w) {
        type = w.type, gsd_lo = w.gsd_lo, gsd_hi = w.gsd_hi;
        break;
      }
      pick -= w.w;
    }
    if (type == kMixed) gsd_lo = 0.1, gsd_hi = 1.0;
  }
  const double gsd = std::round(r.Uniform(gsd_lo, gsd_hi) * 1000.0) / 1000.0;
  const bool known_gsd = !r.Bernoulli(options.no_gsd_fraction);
  img.gsd = known_gsd ? gsd : std::nan("");
  if (type == kEmpty) return img;
  Scene s(ids, r, gsd, img.width * gsd, img.height * gsd, img.entities);
  const double dens = options.density;
  switch (type) {
    case kHarborScene: Harbor(s, dens); break;
    case kParking: Parking(s, dens, false); break;
    case kHugeParking: Parking(s, dens, true); break;
    case kAirportScene: Airport(s, dens); break;
    case kSports: Sports(s, dens); break;
    case kIndustrial: Industrial(s, dens); break;
    case kRiver: RiverBridge(s, dens); break;
    case kResidential: Residential(s, dens); break;
    case kMixed: Mixed(s, dens); break;
    case kEmpty: break;
  }
  return img;
}

std::vector<ImageRecord> GenerateImages(const Ontology& ontology, const GeneratorOptions& options, uint64_t first,
                                        uint64_t count, int threads) {
  std::vector<ImageRecord> out(count);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<uint64_t>(threads, std::max<uint64_t>(1, count / 64)));
  std::atomic<uint64_t> next{0};
  auto work = [&] {
    for (;;) {
      const uint64_t begin = next.fetch_add(256);
      if (begin >= count) return;
      const uint64_t end = std::min(count, begin + 256);
      for (uint64_t i = begin; i < end; ++i) out[i] = GenerateImage(ontology, options, first + i);
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  return out;
}

Result<GenerateReport> GenerateArchiveFiles(const Ontology& ontology, const GeneratorOptions& options, uint64_t images,
                                            const std::string& out, GeneratedFormat format, int threads,
                                            bool show_progress) {
  namespace fs = std::filesystem;
  const auto t0 = std::chrono::steady_clock::now();
  GenerateReport report;
  std::optional<ProgressBar> bar;
  if (show_progress) bar.emplace("generate", images);
  constexpr uint64_t kChunk = 50'000;
  std::string jsonl_path = out;
  std::ofstream jsonl;
  std::string part_path;
  if (format == GeneratedFormat::kJsonLines) {
    std::error_code ec;
    if (fs::is_directory(out, ec)) jsonl_path = (fs::path(out) / "images.jsonl").string();
    const fs::path parent = fs::path(jsonl_path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    part_path = jsonl_path + ".part";
    jsonl.open(jsonl_path + ".tmp", std::ios::binary | std::ios::trunc);
    if (!jsonl) return Status::IoError("cannot write " + jsonl_path + ".tmp");
  }
  for (uint64_t first = 0; first < images; first += kChunk) {
    const uint64_t count = std::min(kChunk, images - first);
    std::vector<ImageRecord> chunk = GenerateImages(ontology, options, first, count, threads);
    for (const auto& img : chunk) report.entities += img.entities.size();
    if (format == GeneratedFormat::kDotaLabelTxt) {
      GEORUNE_RETURN_IF_ERROR(ingest::WriteDotaLabelDir(out, chunk, ontology));
    } else {
      GEORUNE_RETURN_IF_ERROR(ingest::WriteJsonLines(part_path, chunk, ontology));
      std::ifstream in(part_path, std::ios::binary);
      jsonl << in.rdbuf();
      if (!jsonl) return Status::IoError("cannot write " + jsonl_path + ".tmp");
    }
    report.images += count;
    if (bar) bar->Advance(count);
  }
  if (format == GeneratedFormat::kJsonLines) {
    jsonl.close();
    std::error_code ec;
    fs::remove(part_path, ec);
    if (images == 0) {
      // nothing written: still leave an empty file
    }
    fs::rename(jsonl_path + ".tmp", jsonl_path, ec);
    if (ec) return Status::IoError("cannot rename " + jsonl_path + ".tmp: " + ec.message());
  } else if (images == 0) {
    std::error_code ec;
    fs::create_directories(out, ec);
  }
  if (bar) bar->Finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace georune::eval
