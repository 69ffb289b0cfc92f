// The scene generator: synthetic archives of "images" with realistic object layouts.
//
// Each image is one scene type (harbor, parking, airport, sports, industrial, river/bridge,
// residential, mixed, empty) laid out in metres and converted to pixels through a ground sample
// distance drawn from the scene type's range (0.1–1.0 m/px). Layouts follow what the dev
// formulas ask about: ships docked alongside harbors with container cranes on them, aligned
// rows of parked cars (a few huge lots with hundreds of cars: the heavy tail of DOTA's
// density), planes on aprons with helicopters and helipads, tennis courts in a row next to
// basketball courts, ground track fields with a soccer field inside, storage tank clusters,
// bridges with vehicles on the deck and ships under or near them, roundabouts, pools,
// baseball diamonds. Sizes are real-world sizes in metres with spread; orientations are
// random per scene with small per-object jitter. Some images have no gsd (written as unknown)
// and some are empty. Mean density is about 14 objects per image (docs/evaluation.md).
//
// Determinism: image `index` depends only on (seed, index) (a per-image seed), so the output is
// the same bytes for a seed whatever the thread count or chunking. Classes missing from the
// ontology (e.g. container_crane in dota-v1.0) are simply not emitted.
// Thread safety: all functions are pure; GenerateImage may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::eval {

struct GeneratorOptions {
  uint64_t seed = 1;
  std::string id_prefix = "G";    // ids are <prefix><index+1, 7 digits at least>: G0000001
  double empty_fraction = 0.04;   // images with no object at all
  double no_gsd_fraction = 0.05;  // images whose gsd is unknown (NaN); layouts still metric
  double density = 1.0;           // multiplies the number of loose objects per scene
  // Dense scenes instead: parking lots in blocks of rows with empty bays, streets with gently
  // curving kerbs lined with cars, tank farms, ports with ships along piers, aprons with rows of
  // planes; 40–900 objects per image, 2048–4096 px (empty_fraction does not apply).
  bool dense = false;
};

// Image id for a 0-based index: "G0000001" for index 0.
std::string GeneratedImageId(const GeneratorOptions& options, uint64_t index);

// The image with 0-based `index`: id, width/height in pixels, gsd, entities (score 1,
// difficult 0). Deterministic in (options, index, ontology classes).
ImageRecord GenerateImage(const Ontology& ontology, const GeneratorOptions& options, uint64_t index);

// Images [first, first + count) generated on `threads` workers (0 = all cores), in index order.
std::vector<ImageRecord> GenerateImages(const Ontology& ontology, const GeneratorOptions& options, uint64_t first,
                                        uint64_t count, int threads = 0);

enum class GeneratedFormat { kDotaLabelTxt, kJsonLines };

struct GenerateReport {
  uint64_t images = 0;
  uint64_t entities = 0;
  double seconds = 0;
};

// Generates `images` images and writes them: a labelTxt folder `out` (one <id>.txt per image)
// or a JSON Lines file `out` (a folder `out` gets `out/images.jsonl`). Works in chunks so that
// memory stays bounded for millions of images. kIoError when a write fails.
Result<GenerateReport> GenerateArchiveFiles(const Ontology& ontology, const GeneratorOptions& options, uint64_t images,
                                            const std::string& out, GeneratedFormat format, int threads = 0,
                                            bool show_progress = false);

}  // namespace georune::eval
