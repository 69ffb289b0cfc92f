// Detector simulator (include/georune/eval/detector_sim.h).
#include "georune/eval/detector_sim.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <utility>

#include "georune/common/geometry.h"
#include "georune/eval/random.h"

namespace georune::eval {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Real-world size law of each class: median length (m) and length/width ratio.
struct SizeLaw {
  std::string_view cls;
  double length_m, aspect, sigma;
  double frequency;  // relative frequency of the class among false positives
};
constexpr SizeLaw kSizes[] = {
    {"plane", 40, 1.0, 0.3, 3},
    {"ship", 40, 5.0, 0.5, 5},
    {"storage_tank", 20, 1.0, 0.5, 5},
    {"baseball_diamond", 100, 1.0, 0.15, 1},
    {"tennis_court", 34, 2.0, 0.05, 2},
    {"basketball_court", 28, 1.85, 0.05, 1},
    {"ground_track_field", 180, 1.9, 0.05, 0.5},
    {"harbor", 200, 8.0, 0.4, 2},
    {"bridge", 200, 10.0, 0.5, 1},
    {"large_vehicle", 10, 4.0, 0.25, 8},
    {"small_vehicle", 4.6, 2.4, 0.08, 14},
    {"helicopter", 15, 1.4, 0.15, 1},
    {"roundabout", 45, 1.0, 0.3, 1},
    {"soccer_ball_field", 100, 1.5, 0.05, 0.5},
    {"swimming_pool", 12, 2.0, 0.4, 2},
    {"container_crane", 30, 2.0, 0.2, 0.5},
    {"airport", 1200, 1.5, 0.3, 0.05},
    {"helipad", 24, 1.0, 0.15, 0.3},
};

// Pairs of classes a detector mixes up (both directions).
constexpr std::pair<std::string_view, std::string_view> kConfusable[] = {
    {"small_vehicle", "large_vehicle"},
    {"tennis_court", "basketball_court"},
    {"plane", "helicopter"},
    {"harbor", "bridge"},
    {"soccer_ball_field", "ground_track_field"},
    {"storage_tank", "roundabout"},
    {"helipad", "roundabout"},
    {"baseball_diamond", "soccer_ball_field"},
    {"container_crane", "large_vehicle"},
};

constexpr NoiseParams kLevels[] = {
    // level miss  small  px  conf  fp   dup   ctr   size  ang   tp_a tp_b fp_a fp_b [tp_floor]
    {0, 0.00, 0.00, 12, 0.00, 0.0, 0.00, 0.00, 0.00, 0.0, 8, 1.0, 2, 5, 0.9},
    {1, 0.03, 0.15, 12, 0.02, 0.3, 0.01, 0.02, 0.03, 2.0, 12, 1.5, 2, 5},
    {2, 0.08, 0.30, 12, 0.05, 1.0, 0.03, 0.04, 0.06, 4.0, 8, 2.0, 2, 4},
    {3, 0.15, 0.45, 12, 0.10, 2.0, 0.05, 0.07, 0.10, 7.0, 5, 2.0, 2, 3.5},
    {4, 0.25, 0.60, 12, 0.16, 3.5, 0.08, 0.10, 0.15, 10.0, 3.5, 2.0, 2, 3},
    {5, 0.35, 0.70, 12, 0.22, 5.0, 0.10, 0.14, 0.20, 15.0, 2.5, 2.0, 2, 2.5},
};

uint64_t HashId(std::string_view id) {  // FNV-1a
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : id) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

struct Box {
  double cx, cy, length, width, angle_deg;
};

Box BoxOf(const Corners& c) {
  const BoxShape shape = ShapeFromCorners(c);
  return {(c[0] + c[2] + c[4] + c[6]) / 4, (c[1] + c[3] + c[5] + c[7]) / 4, shape.length, shape.width, shape.theta_deg};
}

Corners CornersOf(const Box& b) {
  const double a = b.angle_deg * kPi / 180.0;
  const double ux = std::cos(a), uy = std::sin(a), vx = -uy, vy = ux;
  const double hl = b.length / 2, hw = b.width / 2;
  const double sx[4] = {-hl, hl, hl, -hl}, sy[4] = {-hw, -hw, hw, hw};
  Corners c;
  for (int k = 0; k < 4; ++k) {
    c[2 * k] = std::round((b.cx + sx[k] * ux + sy[k] * vx) * 10.0) / 10.0;
    c[2 * k + 1] = std::round((b.cy + sx[k] * uy + sy[k] * vy) * 10.0) / 10.0;
  }
  return c;
}

float Score(double s) {  // 4 decimals, in (0, 1]
  s = std::round(s * 10000.0) / 10000.0;
  return static_cast<float>(std::clamp(s, 0.0001, 1.0));
}

struct Tables {
  std::vector<int> confuse_with;                   // class id → similar class id (or −1)
  std::vector<const SizeLaw*> size;                // class id → size law (or null)
  std::vector<std::pair<int, double>> fp_classes;  // class id, cumulative frequency
};

Tables MakeTables(const Ontology& ontology) {
  Tables t;
  const int n = ontology.ClassCount();
  t.confuse_with.assign(n, -1);
  t.size.assign(n, nullptr);
  for (const auto& [a, b] : kConfusable) {
    const auto ia = ontology.FindClass(a), ib = ontology.FindClass(b);
    if (!ia || !ib) continue;
    if (t.confuse_with[*ia] < 0) t.confuse_with[*ia] = *ib;
    if (t.confuse_with[*ib] < 0) t.confuse_with[*ib] = *ia;
  }
  double cumulative = 0;
  for (const auto& law : kSizes) {
    const auto id = ontology.FindClass(law.cls);
    if (!id) continue;
    t.size[*id] = &law;
    cumulative += law.frequency;
    t.fp_classes.emplace_back(*id, cumulative);
  }
  return t;
}

ImageRecord Simulate(const ImageRecord& truth, const Ontology& ontology, const Tables& tables, const NoiseParams& p,
                     uint64_t seed, SimulationReport* report) {
  Rng r(DeriveSeed(seed, HashId(truth.id), 1));
  ImageRecord out;
  out.id = truth.id;
  out.width = truth.width;
  out.height = truth.height;
  out.gsd = truth.gsd;
  out.path = truth.path;
  SimulationReport local;
  local.images = 1;
  local.truth = truth.entities.size();
  std::vector<EntityRecord> duplicates;
  auto emit = [&](std::vector<EntityRecord>& into, EntityRecord e, double score) {
    if (score < 0.05) {
      ++local.dropped_low_score;
      return false;
    }
    e.score = Score(score);
    into.push_back(e);
    return true;
  };
  double min_x = 0, min_y = 0, max_x = truth.width, max_y = truth.height;
  for (const auto& t : truth.entities) {
    for (int k = 0; k < 4; ++k) {
      max_x = std::max(max_x, t.corners[2 * k]);
      max_y = std::max(max_y, t.corners[2 * k + 1]);
    }
    const Box box = BoxOf(t.corners);
    const double s = std::sqrt(std::max(0.0, box.length * box.width));
    const double p_miss = std::min(1.0, p.miss_base + p.miss_small * std::exp(-s / p.small_px));
    if (r.Bernoulli(p_miss)) {
      ++local.missed;
      continue;
    }
    EntityRecord e = t;
    double score = p.tp_floor + (1 - p.tp_floor) * r.Beta(p.tp_a, p.tp_b);
    if (p.confusion > 0 && t.class_id >= 0 && t.class_id < static_cast<int>(tables.confuse_with.size()) &&
        tables.confuse_with[t.class_id] >= 0 && r.Bernoulli(p.confusion)) {
      e.class_id = tables.confuse_with[t.class_id];
      score = r.Beta(p.fp_a, p.fp_b);
      ++local.confused;
    }
    if (p.level > 0) {
      Box b = box;
      b.cx += r.Normal(0, p.center * s);
      b.cy += r.Normal(0, p.center * s);
      b.length *= std::exp(r.Normal(0, p.size));
      b.width *= std::exp(r.Normal(0, p.size));
      b.angle_deg += r.Normal(0, p.angle_deg);
      e.corners = CornersOf(b);
    }
    e.difficult = false;
    if (emit(out.entities, e, score)) ++local.detected;
    if (p.duplicate > 0 && r.Bernoulli(p.duplicate)) {
      Box d = BoxOf(e.corners);
      d.cx += r.Normal(0, 0.25 * s);
      d.cy += r.Normal(0, 0.25 * s);
      d.length *= std::exp(r.Normal(0, 0.15));
      d.angle_deg += r.Normal(0, 5);
      EntityRecord dup = e;
      dup.corners = CornersOf(d);
      if (emit(duplicates, dup, r.Beta(p.fp_a, p.fp_b))) ++local.duplicates;
    }
  }
  for (auto& d : duplicates) out.entities.push_back(d);
  if (p.fp_per_image > 0 && !tables.fp_classes.empty()) {
    const double n = static_cast<double>(truth.entities.size());
    const int64_t fps = r.Poisson(p.fp_per_image * (0.5 + n / 28.0));
    const double gsd = std::isnan(truth.gsd) || truth.gsd <= 0 ? 0.5 : truth.gsd;
    if (max_x <= 0) max_x = 1024;
    if (max_y <= 0) max_y = 1024;
    for (int64_t i = 0; i < fps; ++i) {
      int cls;
      if (!truth.entities.empty() && r.Bernoulli(0.6)) {
        cls = truth.entities[r.Int(0, static_cast<int64_t>(truth.entities.size()) - 1)].class_id;
      } else {
        const double pick = r.Uniform() * tables.fp_classes.back().second;
        cls = tables.fp_classes.back().first;
        for (const auto& [id, cum] : tables.fp_classes)
          if (pick < cum) {
            cls = id;
            break;
          }
      }
      const SizeLaw* law = cls >= 0 && cls < static_cast<int>(tables.size.size()) ? tables.size[cls] : nullptr;
      const double len_m = law ? r.LogNormal(law->length_m, law->sigma) : r.LogNormal(20, 0.5);
      const double aspect = law ? law->aspect : 1.5;
      Box b{0, 0, len_m / gsd, len_m / aspect / gsd * r.Uniform(0.85, 1.15), r.Uniform(0, 180)};
      if (!truth.entities.empty() && r.Bernoulli(0.5)) {  // next to a true object
        const Box anchor = BoxOf(truth.entities[r.Int(0, static_cast<int64_t>(truth.entities.size()) - 1)].corners);
        const double reach = anchor.length + b.length;
        b.cx = anchor.cx + r.Uniform(-reach, reach);
        b.cy = anchor.cy + r.Uniform(-reach, reach);
      } else {
        b.cx = r.Uniform(min_x, max_x);
        b.cy = r.Uniform(min_y, max_y);
      }
      EntityRecord e;
      e.class_id = cls;
      e.corners = CornersOf(b);
      if (emit(out.entities, e, r.Beta(p.fp_a, p.fp_b))) ++local.false_positives;
    }
  }
  if (report) {
    report->images += local.images;
    report->truth += local.truth;
    report->detected += local.detected;
    report->missed += local.missed;
    report->confused += local.confused;
    report->duplicates += local.duplicates;
    report->false_positives += local.false_positives;
    report->dropped_low_score += local.dropped_low_score;
  }
  return out;
}

}  // namespace

Result<NoiseParams> NoiseLevelParams(int level) {
  if (level < 0 || level > kMaxNoiseLevel)
    return Status::InvalidInput("noise level " + std::to_string(level) +
                                " is out of range\n  hint: levels are 0 (ground truth) to " +
                                std::to_string(kMaxNoiseLevel));
  return kLevels[level];
}

ImageRecord SimulateImage(const ImageRecord& truth, const Ontology& ontology, const NoiseParams& params,
                          uint64_t seed) {
  return Simulate(truth, ontology, MakeTables(ontology), params, seed, nullptr);
}

std::vector<ImageRecord> SimulateDetections(const std::vector<ImageRecord>& truth, const Ontology& ontology,
                                            const NoiseParams& params, uint64_t seed, SimulationReport* report) {
  const Tables tables = MakeTables(ontology);
  std::vector<ImageRecord> out;
  out.reserve(truth.size());
  for (const auto& img : truth) out.push_back(Simulate(img, ontology, tables, params, seed, report));
  return out;
}

}  // namespace georune::eval
