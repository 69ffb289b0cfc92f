#include "georune/detect/evaluate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "georune/detect/nms.h"

namespace georune::detect {

double MatchCounts::Precision() const {
  const uint64_t n = true_positives + false_positives;
  return n ? double(true_positives) / n : std::nan("");
}

double MatchCounts::Recall() const {
  const uint64_t n = true_positives + false_negatives;
  return n ? double(true_positives) / n : std::nan("");
}

MatchCounts& MatchCounts::operator+=(const MatchCounts& o) {
  true_positives += o.true_positives;
  false_positives += o.false_positives;
  false_negatives += o.false_negatives;
  return *this;
}

MatchCounts CountMatches(const std::vector<EntityRecord>& det, const std::vector<EntityRecord>& labels, double iou) {
  std::vector<size_t> order(det.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return det[a].score > det[b].score; });
  std::vector<bool> used(labels.size(), false);
  MatchCounts c;
  for (size_t i : order) {
    double best = iou;
    long match = -1;
    for (size_t k = 0; k < labels.size(); ++k) {
      if (used[k] || labels[k].class_id != det[i].class_id) continue;
      const double v = PolygonIoU(det[i].corners, labels[k].corners);
      if (v >= best) best = v, match = static_cast<long>(k);
    }
    if (match < 0) {
      ++c.false_positives;
    } else {
      used[match] = true;
      if (!labels[match].difficult) ++c.true_positives;
    }
  }
  for (size_t k = 0; k < labels.size(); ++k)
    if (!used[k] && !labels[k].difficult) ++c.false_negatives;
  return c;
}

}  // namespace georune::detect
