// Options and the run loop shared by `georune detect` and `georune ingest --images --model`
// (both in georune-rag, which links OpenCV and GDAL).
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/detect/detector.h"
#include "georune/ingest/polygon_geojson.h"
#include "georune/ontology/ontology.h"

namespace georune::cli {

struct DetectArgs {
  std::string model, task = "detect", layout, input_size, names, class_map, resize, channels, bands;
  bool drop_unmapped = false, probiou = false, skip_bad_images = false;
  int tile = 1024, overlap = 200, max_det = 300, min_area = 1;
  float conf = 0.25f;
  double iou = 0.45;
  std::string stretch = "2,98";
};

// Adds --model, --layout, --tile, … to `cmd`.
void AddDetectOptions(CLI::App* cmd, DetectArgs& args);
Result<detect::DetectorOptions> ToDetectorOptions(const DetectArgs& args, int threads);

// The image files under `paths` (files as given; folders: every file GDAL may read, by
// extension, recursively), sorted, without duplicates. kNotFound naming a missing path.
Result<std::vector<std::string>> ListImages(const std::vector<std::string>& paths);

// The image id of a file: its name without the extension (DOTA's convention).
std::string ImageIdOf(const std::string& path);

// Copies the image's metadata (size, bands, georeference, gsd, path) into `record`; the gsd
// only when `record` has none.
void SetImageMetadata(const detect::RasterInfo& info, ImageRecord& record);

struct DetectRun {
  std::vector<ImageRecord> images;             // boxes, or polygon entities (--task segment)
  std::vector<ingest::PolygonImage> polygons;  // --task segment: per image, in `images` order
  size_t repaired_polygons = 0;                // --task segment: made valid by GEOS
  uint64_t tiles = 0, skipped_images = 0;
  double seconds = 0;
};

// Runs the detector over `files` (those whose id is in `skip_ids` are left out), with a progress
// bar in tiles per second. A bad image is an error naming it, or with `skip_bad_images` a
// warning and the run goes on.
Result<DetectRun> DetectImages(detect::Detector& detector, const std::vector<std::string>& files,
                               const std::set<std::string, std::less<>>& skip_ids, bool skip_bad_images);

}  // namespace georune::cli
