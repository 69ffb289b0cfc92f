// Random valid polygons for tests: star-shaped around a centre (so always simple), optionally
// with a star-shaped hole well inside, optionally a second part (a MultiPolygon). Vertices are
// on a 0.5 px grid, so that touching and tied cases occur.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "georune/common/polygon.h"

namespace georune::testing {

inline Ring RandomStar(std::mt19937& rng, double cx, double cy, double r_min, double r_max, int k) {
  std::uniform_real_distribution<double> radius(r_min, r_max), jitter(0.1, 0.9);
  Ring ring;
  for (int i = 0; i < k; ++i) {
    const double a = 2 * M_PI * (i + jitter(rng)) / k, r = radius(rng);
    ring.push_back({std::round(2 * (cx + r * std::cos(a))) / 2, std::round(2 * (cy + r * std::sin(a))) / 2});
  }
  return ring;
}

// One polygon part (shell and maybe a hole) around (cx, cy) of about `size` px.
inline PolygonRings RandomPolygonPart(std::mt19937& rng, double cx, double cy, double size) {
  PolygonRings rings{RandomStar(rng, cx, cy, 0.6 * size, size, 3 + static_cast<int>(rng() % 10))};
  if (rng() % 2 == 0 && size >= 8) rings.push_back(RandomStar(rng, cx, cy, 0.1 * size, 0.3 * size, 3 + rng() % 6));
  return rings;
}

// The rings of a random polygon (one part, or two far apart) around (cx, cy).
inline std::vector<PolygonRings> RandomPolygon(std::mt19937& rng, double cx, double cy, double size) {
  std::vector<PolygonRings> parts{RandomPolygonPart(rng, cx, cy, size)};
  if (rng() % 5 == 0) parts.push_back(RandomPolygonPart(rng, cx + 3 * size, cy + size, size / 2));
  return parts;
}

}  // namespace georune::testing
