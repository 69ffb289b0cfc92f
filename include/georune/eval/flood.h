// The post-flood use case (docs/evaluation.md, "Post-flood scenes"): a seeded generator of
// synthetic post-flood scenes in FloodNet's classes, and a simulated segmentation model.
//
// Both work as a segmentation model does: on a class raster of the image (one class per pixel,
// so entities never overlap), turned into polygons by detect::PolygonizeClasses (connected
// components per class, 4-connected, holes kept), the same code `detect --task segment` runs.
//
// Generator: roads are long bands across the image; water bodies are irregular blobs, most
// laid across a road (the road under them becomes flooded_road, cutting the dry road in two);
// buildings line the roads (flooded when a fifth of them lies in water) and stand as islands
// inside large water bodies (water then has a hole around them); pools behind dry buildings;
// trees; vehicles on the roads (some stranded on flooded stretches). Image `index` depends only
// on (seed, index). Every scene is marked synthetic.
//
// Noise model, per level 0..5 (table in docs/evaluation.md), per ground-truth component in a
// fixed order: missed (p = miss_base + miss_small · e^(−sqrt(area px)/12); each of its pixels
// takes the class of the nearest pixel around it, background included), confused (flooded ↔ non-flooded building and
// road, water ↔ flooded road, pool ↔ water), boundary moved (dilated or eroded by up to `boundary_px` pixels; eroded
// pixels take the neighbouring class), fragmented (large components cut by 1–2 strips of 2–3 px of no class); then
// false components (Poisson, blobs of a class seen in the image or any). Confidence: the mean over a component's pixels
// of a per-source-component score (true: floor + (1 − floor)·Beta(tp_a, tp_b); confused and false: Beta(fp_a, fp_b)).
// Seeded per image id; pure functions, thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/ingest/polygon_geojson.h"
#include "georune/ontology/ontology.h"

namespace georune::eval {

struct FloodOptions {
  uint64_t seed = 1;
  std::string id_prefix = "F";  // ids F0000001, …
};

// kInvalidInput when the ontology lacks one of FloodNet's classes (hint: --classes floodnet).
Status CheckFloodOntology(const Ontology& ontology);

// The ground truth of scene `index` (polygons, confidence 1, synthetic = true).
// Requires CheckFloodOntology(ontology).ok().
Result<ingest::PolygonImage> GenerateFloodScene(const Ontology& ontology, const FloodOptions& options, uint64_t index);

struct SegNoiseParams {
  int level = 0;
  double miss_base = 0, miss_small = 0, confusion = 0, fp_per_image = 0, fragment = 0;
  int boundary_px = 0;
  double tp_floor = 0.9, tp_a = 8, tp_b = 1, fp_a = 2, fp_b = 5;
};

constexpr int kMaxSegNoiseLevel = 5;
Result<SegNoiseParams> SegNoiseLevelParams(int level);

struct SegSimReport {
  uint64_t images = 0, truth = 0, missed = 0, confused = 0, moved = 0, fragmented = 0, false_components = 0, output = 0;
};

// The segmentation of one image at the given noise (same id, size, gsd; synthetic = true).
Result<ingest::PolygonImage> SimulateSegmentation(const ingest::PolygonImage& truth, const Ontology& ontology,
                                                  const SegNoiseParams& params, uint64_t seed,
                                                  SegSimReport* report = nullptr);

}  // namespace georune::eval
