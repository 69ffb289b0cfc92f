// Rotated non-maximum suppression (docs/detect.md, "Suppression").
#pragma once

#include <cstddef>
#include <vector>

#include "georune/common/geometry.h"

namespace georune::detect {

struct Candidate {
  int class_index = 0;
  float score = 0;
  Corners corners{};
  int tile = 0;          // the tile that produced it
  bool at_seam = false;  // touches an edge its tile shares with an overlapping tile
};

enum class Overlap { kIoU, kProbIoU };

// Exact intersection over union of the two boxes' convex hulls (0 when either is degenerate).
double PolygonIoU(const Corners& a, const Corners& b);
// Intersection over the smaller box's area.
double PolygonIoS(const Corners& a, const Corners& b);
// ProbIoU (Llerena et al. 2021, as ultralytics computes it): 1 − Hellinger distance between
// the two boxes' Gaussians (the uniform distribution's covariance over each parallelogram).
double ProbIoU(const Corners& a, const Corners& b);

// Greedy NMS within each class: by score descending (ties: input order), a box is dropped when
// its overlap with a kept box of its class exceeds `threshold`. Returns the kept indices in
// that order.
std::vector<size_t> GreedyNmsPerClass(const std::vector<Candidate>& boxes, double threshold, Overlap overlap);

// Class-agnostic merge of boxes from different tiles: an object cut by a seam is kept once.
// Boxes not touching a seam come first, then by score. A box is dropped when a kept box from
// another tile overlaps it above `threshold`, or covers more than `cover` of the smaller one.
// Boxes from the same tile never suppress each other here. Returns kept indices.
std::vector<size_t> MergeAcrossTiles(const std::vector<Candidate>& boxes, double threshold, double cover,
                                     Overlap overlap);

}  // namespace georune::detect
