// Precision and recall of detections against labels (VOC-style matching, exact polygon IoU).
#pragma once

#include <cstdint>
#include <vector>

#include "georune/archive/records.h"

namespace georune::detect {

struct MatchCounts {
  uint64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double Precision() const;  // NaN when there are no detections
  double Recall() const;     // NaN when there are no labels
  MatchCounts& operator+=(const MatchCounts& o);
};

// Detections by score descending; each is a true positive when an unmatched label of its class
// overlaps it with IoU >= `iou` (the best such label is taken), else a false positive. Labels
// left unmatched are false negatives. Labels flagged difficult are ignored, as are detections
// matching only them (DOTA's protocol).
MatchCounts CountMatches(const std::vector<EntityRecord>& detections, const std::vector<EntityRecord>& labels,
                         double iou = 0.5);

}  // namespace georune::detect
