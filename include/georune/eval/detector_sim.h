// The detector simulator: ground-truth boxes in, detector-like output out, at graded noise.
//
// Level 0 is ground truth with high confidences: every object, exact corners, scores near 1.
// Levels 1–5 are increasingly poor detectors (docs/evaluation.md has the table):
//  - misses: p_miss = miss_base + miss_small · exp(−s / small_px), s = sqrt(box area in px),
//    so small objects are missed more often;
//  - confusions between similar classes (small/large vehicle, tennis/basketball court,
//    plane/helicopter, harbor/bridge, soccer field/ground track field, storage tank/roundabout,
//    helipad/roundabout, baseball diamond/soccer field, container crane/large vehicle);
//  - false positives: Poisson(fp_per_image · (0.5 + n/28)) per image with n true objects, of a
//    class seen in the image (60%) or any class by frequency, with that class's real-world size
//    through the image's gsd (0.5 m/px when unknown), next to a true object or anywhere;
//  - duplicates (an NMS failure): a second, shifted box on a true object;
//  - localisation jitter: centre N(0, center·s), sizes ×exp(N(0, size)), angle N(0, angle_deg);
//  - confidences: true detections tp_floor + (1 − tp_floor)·Beta(tp_a, tp_b) (level 0: in
//    [0.9, 1], mean 0.99), confused, duplicate and false ones
//    Beta(fp_a, fp_b) (lower on average); detections under 0.05 are dropped, as detectors do.
// Seeded: image `id` gets its own stream from (seed, id), so the output for an image does not
// depend on the other images or on the order. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::eval {

struct NoiseParams {
  int level = 0;
  double miss_base = 0, miss_small = 0, small_px = 12;
  double confusion = 0;                           // probability a detected object gets a similar class
  double fp_per_image = 0;                        // mean false positives for an image of 14 objects
  double duplicate = 0;                           // probability of a duplicate box on a detected object
  double center = 0, size = 0, angle_deg = 0;     // jitter (fraction of s, log-scale, degrees)
  double tp_a = 8, tp_b = 1, fp_a = 2, fp_b = 5;  // Beta laws of confidence
  double tp_floor = 0;                            // true detections score tp_floor + (1 − tp_floor)·Beta(tp_a, tp_b)
};

constexpr int kMaxNoiseLevel = 5;
// The parameters of a level; kInvalidInput outside 0..kMaxNoiseLevel.
Result<NoiseParams> NoiseLevelParams(int level);

// Detections for one image (same id, size and gsd; entities in a deterministic order: surviving
// true objects in source order, then duplicates, then false positives).
ImageRecord SimulateImage(const ImageRecord& truth, const Ontology& ontology, const NoiseParams& params, uint64_t seed);

struct SimulationReport {
  uint64_t images = 0, truth = 0, detected = 0, missed = 0, confused = 0, duplicates = 0, false_positives = 0,
           dropped_low_score = 0;
};

std::vector<ImageRecord> SimulateDetections(const std::vector<ImageRecord>& truth, const Ontology& ontology,
                                            const NoiseParams& params, uint64_t seed,
                                            SimulationReport* report = nullptr);

}  // namespace georune::eval
