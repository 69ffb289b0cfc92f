#include "georune/detect/nms.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace georune::detect {
namespace {

struct Gauss {
  double a, b, c, x, y;  // var x, var y, cov xy, centre
};

// The uniform distribution over the parallelogram p1, p1+u, p1+u+v, p1+v: covariance
// (u uᵀ + v vᵀ) / 12, centre the mean of the corners.
Gauss GaussOf(const Corners& k) {
  const double ux = k[2] - k[0], uy = k[3] - k[1], vx = k[6] - k[0], vy = k[7] - k[1];
  return {(ux * ux + vx * vx) / 12, (uy * uy + vy * vy) / 12, (ux * uy + vx * vy) / 12, (k[0] + k[2] + k[4] + k[6]) / 4,
          (k[1] + k[3] + k[5] + k[7]) / 4};
}

std::vector<size_t> Order(const std::vector<Candidate>& boxes, bool seams_last) {
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    if (seams_last && boxes[i].at_seam != boxes[j].at_seam) return !boxes[i].at_seam;
    return boxes[i].score > boxes[j].score;
  });
  return order;
}

double OverlapOf(const Corners& a, const Corners& b, Overlap overlap) {
  return overlap == Overlap::kProbIoU ? ProbIoU(a, b) : PolygonIoU(a, b);
}

struct Bounds {
  double x0, y0, x1, y1;
};

std::vector<Bounds> BoundsOf(const std::vector<Candidate>& boxes) {
  std::vector<Bounds> out;
  out.reserve(boxes.size());
  for (const Candidate& b : boxes) {
    const Corners& c = b.corners;
    out.push_back({std::min({c[0], c[2], c[4], c[6]}), std::min({c[1], c[3], c[5], c[7]}),
                   std::max({c[0], c[2], c[4], c[6]}), std::max({c[1], c[3], c[5], c[7]})});
  }
  return out;
}

// Boxes whose bounds do not meet have polygon IoU and IoS 0 (a cheap test before the exact one;
// ProbIoU is positive even then, so it always takes the exact path).
bool MayOverlap(const Bounds& a, const Bounds& b, Overlap overlap) {
  return overlap == Overlap::kProbIoU || (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1);
}

}  // namespace

double PolygonIoU(const Corners& a, const Corners& b) {
  const ConvexPolygon pa = ConvexHullOfCorners(a), pb = ConvexHullOfCorners(b);
  const double inter = ConvexIntersectionArea(pa, pb);
  const double uni = PolygonArea(pa) + PolygonArea(pb) - inter;
  return uni > 0 ? inter / uni : 0;
}

double PolygonIoS(const Corners& a, const Corners& b) {
  const ConvexPolygon pa = ConvexHullOfCorners(a), pb = ConvexHullOfCorners(b);
  const double smaller = std::min(PolygonArea(pa), PolygonArea(pb));
  return smaller > 0 ? ConvexIntersectionArea(pa, pb) / smaller : 0;
}

double ProbIoU(const Corners& p, const Corners& q) {
  constexpr double eps = 1e-7;
  const Gauss g1 = GaussOf(p), g2 = GaussOf(q);
  const double a = g1.a + g2.a, b = g1.b + g2.b, c = g1.c + g2.c;
  const double dx = g1.x - g2.x, dy = g1.y - g2.y;
  const double det = a * b - c * c;
  const double t1 = (a * dy * dy + b * dx * dx) / (det + eps) * 0.25;
  const double t2 = (c * (g2.x - g1.x) * (g1.y - g2.y)) / (det + eps) * 0.5;
  const double d1 = std::max(g1.a * g1.b - g1.c * g1.c, 0.0), d2 = std::max(g2.a * g2.b - g2.c * g2.c, 0.0);
  const double t3 = std::log(det / (4 * std::sqrt(d1 * d2) + eps) + eps) * 0.5;
  const double bd = std::clamp(t1 + t2 + t3, eps, 100.0);
  return 1 - std::sqrt(1 - std::exp(-bd) + eps);
}

std::vector<size_t> GreedyNmsPerClass(const std::vector<Candidate>& boxes, double threshold, Overlap overlap) {
  const std::vector<Bounds> bounds = BoundsOf(boxes);
  std::vector<size_t> kept;
  for (size_t i : Order(boxes, false)) {
    bool drop = false;
    for (size_t k : kept)
      if (boxes[k].class_index == boxes[i].class_index && MayOverlap(bounds[k], bounds[i], overlap) &&
          OverlapOf(boxes[k].corners, boxes[i].corners, overlap) > threshold) {
        drop = true;
        break;
      }
    if (!drop) kept.push_back(i);
  }
  return kept;
}

std::vector<size_t> MergeAcrossTiles(const std::vector<Candidate>& boxes, double threshold, double cover,
                                     Overlap overlap) {
  const std::vector<Bounds> bounds = BoundsOf(boxes);
  std::vector<size_t> kept;
  for (size_t i : Order(boxes, true)) {
    bool drop = false;
    for (size_t k : kept) {
      if (boxes[k].tile == boxes[i].tile || !MayOverlap(bounds[k], bounds[i], overlap)) continue;
      if (OverlapOf(boxes[k].corners, boxes[i].corners, overlap) > threshold ||
          PolygonIoS(boxes[k].corners, boxes[i].corners) > cover) {
        drop = true;
        break;
      }
    }
    if (!drop) kept.push_back(i);
  }
  return kept;
}

}  // namespace georune::detect
