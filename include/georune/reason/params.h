// Parameters of truth: semantics, soft/crisp mode and relation thresholds (spec §4–§5).
// Defaults are the spec's; docs/parameters.md lists them.
#pragma once

#include <cmath>

namespace georune::reason {

enum class Semantics { kProduct, kGodel, kLukasiewicz };
const char* SemanticsName(Semantics s);

struct TruthParams {
  Semantics semantics = Semantics::kProduct;
  bool crisp = false;      // crisp: every atom is 0 or 1
  double min_conf = 0.05;  // entities below are ignored
  double softness = 0.25;  // soft width w = softness · threshold
  double k_near = 1.0;
  double k_far = 3.0;
  double t_on = 0.5;
  double parallel_deg = 15.0;
  double perpendicular_deg = 75.0;
  double t_aligned = 1.0;
  double default_gsd = std::nan("");  // metres per pixel for images without gsd; NaN = none
  // Crisp near/far between boxes settled from bounding-box and centroid distances where those
  // decide it (relations.cpp); the same verdicts. The reference evaluator switches it off.
  bool distance_bounds = true;
};

}  // namespace georune::reason
