// The detector: an ONNX model run by OpenCV DNN over every tile of an image, its output
// decoded, the letterbox and tile offsets undone, rotated NMS applied, the classes mapped onto
// the ontology (docs/detect.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/detect/decode.h"
#include "georune/detect/nms.h"
#include "georune/detect/raster.h"
#include "georune/detect/segment.h"
#include "georune/detect/tile_input.h"
#include "georune/detect/tiling.h"
#include "georune/ontology/ontology.h"

namespace georune::detect {

// kBoxes: an oriented-box detector (the layouts below); kSegment: a semantic segmentation model
// with a (1, C, H, W) logits output, one channel per class name (segment.h).
enum class Task { kBoxes, kSegment };

struct DetectorOptions {
  std::string model;  // ONNX file
  Task task = Task::kBoxes;
  std::optional<Layout> layout;  // empty = from the output shape
  int input_w = 0, input_h = 0;  // 0 = the model's declared input size
  std::string names_file;        // empty = the model's `names` metadata
  std::map<std::string, std::string> class_map;
  bool drop_unmapped = false;
  std::optional<ResizeMode> resize;  // empty = stretch for fastestv2, else letterbox
  std::optional<bool> bgr;           // channel order; empty = BGR for fastestv2, else RGB
  int tile = 1024, overlap = 200;    // tile side and overlap, image pixels
  float conf = 0.25f;                // minimum score (segment: mean probability), in (0, 1]
  int min_area = 1;                  // segment: smallest component kept, pixels
  double iou = 0.45;                 // NMS threshold
  double seam_cover = 0.7;           // across tiles: drop a box this much covered by another
  int max_det = 300;                 // boxes kept per tile after NMS
  Overlap overlap_kind = Overlap::kIoU;
  int threads = 0;  // preprocessing and OpenCV threads; 0 = all cores
  RasterOptions raster;
};

struct DetectedImage {
  RasterInfo info;
  std::vector<EntityRecord> entities;           // boxes: image pixels, ontology classes, by score descending
  std::vector<ingest::PolygonEntity> polygons;  // segment: components, by confidence descending
  int tiles = 0;                                // tiles in the image
  int tiles_run = 0;                            // tiles the model ran on (all-nodata tiles are skipped)
};

// Not thread safe: one Run at a time (it uses --threads workers itself).
class Detector {
 public:
  // Loads the model, reads its classes and input size, checks its output layout on one
  // zero input. Errors name the model file and say what to give (--layout, --names, …).
  static Result<std::unique_ptr<Detector>> Load(const DetectorOptions& options, const Ontology& ontology);
  ~Detector();

  // Detects (or segments) in one image. `tile_done` (may be empty) is called after each tile (from this
  // thread). Memory: a few tiles per thread, never the whole image. On failure `image_error`
  // (may be null) tells whether the image is at fault (unreadable, corrupt) or the model.
  Result<DetectedImage> Run(const std::string& image_path, const std::function<void()>& tile_done = {},
                            bool* image_error = nullptr);

  Layout layout() const { return layout_; }  // kBoxes only
  Task task() const { return opt_.task; }
  int input_w() const { return in_w_; }
  int input_h() const { return in_h_; }
  int tile() const { return opt_.tile; }
  int overlap() const { return opt_.overlap; }
  const std::vector<std::string>& class_names() const { return names_; }
  const std::vector<int>& ontology_ids() const { return ontology_id_; }  // per model class; -1 dropped
  const std::vector<std::string>& notes() const { return notes_; }       // e.g. where names came from

 private:
  struct Net;
  Detector() = default;
  Status Prepare(const Ontology& ontology);
  Result<std::vector<Candidate>> Infer(const TileInput& tile, int index);
  Status CheckSegmentOutput(const std::vector<int>& shape);
  Status RunSegment(std::unique_ptr<Raster> raster, const std::function<void()>& tile_done, bool& bad_image,
                    DetectedImage& result);

  DetectorOptions opt_;
  std::unique_ptr<Net> net_;
  Layout layout_ = Layout::kObbRaw;
  int in_w_ = 0, in_h_ = 0, nc_ = 0;
  std::vector<std::string> names_;
  std::vector<int> ontology_id_;
  std::vector<std::string> notes_;
};

}  // namespace georune::detect
