#include "georune/detect/detector.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "georune/common/diagnostic.h"
#include "georune/detect/classes.h"
#include "georune/detect/onnx_info.h"
#include "georune/ingest/readers.h"

namespace georune::detect {

struct Detector::Net {
  cv::dnn::Net net;
};

namespace {

constexpr int kSeamMargin = 2;  // tile pixels: a box this close to a shared tile edge is "at the seam"

Result<cv::Mat> Forward(cv::dnn::Net& net, const cv::Mat& blob, const std::string& model) {
  try {
    net.setInput(blob);
    return net.forward();
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(model + ": the model failed to run: " + e.what());
  }
}

std::vector<int> ShapeOf(const cv::Mat& m) {
  std::vector<int> s;
  for (int i = 0; i < m.dims; ++i) s.push_back(m.size[i]);
  return s;
}

bool AtSeam(const Corners& c, const TileRect& t, int width, int height) {
  double x0 = c[0], x1 = c[0], y0 = c[1], y1 = c[1];
  for (int k = 1; k < 4; ++k) {
    x0 = std::min(x0, c[2 * k]), x1 = std::max(x1, c[2 * k]);
    y0 = std::min(y0, c[2 * k + 1]), y1 = std::max(y1, c[2 * k + 1]);
  }
  return (t.x > 0 && x0 <= t.x + kSeamMargin) || (t.x + t.w < width && x1 >= t.x + t.w - kSeamMargin) ||
         (t.y > 0 && y0 <= t.y + kSeamMargin) || (t.y + t.h < height && y1 >= t.y + t.h - kSeamMargin);
}

}  // namespace

Detector::~Detector() = default;

Result<std::unique_ptr<Detector>> Detector::Load(const DetectorOptions& options, const Ontology& ontology) {
  auto bad = [](std::string message, Setting setting, std::string hint = {}) {
    return PlainDiagnostic(std::move(message), std::move(hint)).With(setting).ToStatus();
  };
  if (!(options.conf > 0 && options.conf <= 1))
    return bad("the detection confidence threshold must be in (0, 1]", Setting::kConfidence);
  if (!(options.iou > 0 && options.iou <= 1))
    return bad("the IoU threshold of non-maximum suppression must be in (0, 1]", Setting::kIou);
  if (options.tile <= 0 || options.overlap < 0 || options.overlap >= options.tile)
    return bad("the tile size must be positive and the tile overlap in [0, tile size)", Setting::kTiling,
               "e.g. tiles of 1024 pixels that overlap by 200");
  if (options.max_det <= 0) return bad("the most detections per image must be positive", Setting::kMaxDetections);
  if (options.min_area < 1) return bad("the smallest detection area must be at least 1 pixel", Setting::kMinArea);
  std::unique_ptr<Detector> d(new Detector());
  d->opt_ = options;
  GEORUNE_RETURN_IF_ERROR(d->Prepare(ontology));
  return d;
}

Status Detector::Prepare(const Ontology& ontology) {
  const std::string& model = opt_.model;
  GEORUNE_ASSIGN_OR_RETURN(OnnxInfo info, ReadOnnxInfo(model));
  // Input size: --input-size, else the declared (1, 3, H, W).
  in_w_ = opt_.input_w, in_h_ = opt_.input_h;
  if (in_w_ <= 0 || in_h_ <= 0) {
    const auto& s = info.input_shape;
    if (s.size() != 4 || s[1] != 3 || s[2] <= 0 || s[3] <= 0)
      return FileDiagnostic(model, 0, "the model does not declare a fixed (1, 3, H, W) input", "give its input size")
          .With(Setting::kModelInputSize)
          .ToStatus();
    in_w_ = static_cast<int>(s[3]), in_h_ = static_cast<int>(s[2]);
  }
  // Class names: --names, else the `names` metadata.
  if (!opt_.names_file.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(names_, ingest::ReadClassNames(opt_.names_file));
    notes_.push_back("class names from " + opt_.names_file);
  } else if (auto it = info.metadata.find("names"); it != info.metadata.end()) {
    auto names = NamesFromMetadata(it->second);
    if (!names.ok()) return Status::InvalidInput(model + ": " + names.status().message());
    names_ = std::move(*names);
    notes_.push_back("class names from the model's metadata (" + std::to_string(names_.size()) + " classes)");
  } else {
    return FileDiagnostic(model, 0, "the model has no `names` metadata", "give a class-name file (one name a line)")
        .With(Setting::kClassNames)
        .ToStatus();
  }
  std::map<std::string, std::string> class_map = opt_.class_map;
  if (opt_.task == Task::kSegment) {  // a segmentation model's background class is no entity
    for (const std::string& n : names_)
      if ((n == "background" || n == "Background") && !class_map.count(n)) {
        class_map[n] = "-";
        notes_.push_back("model class '" + n + "' is background: no polygons");
      }
    if (names_.size() > kNoClass)
      return FileDiagnostic(model, 0, "more than " + std::to_string(kNoClass) + " classes for segmentation").ToStatus();
  }
  GEORUNE_ASSIGN_OR_RETURN(ClassResolution res, ResolveClasses(names_, class_map, ontology, opt_.drop_unmapped));
  ontology_id_ = res.ontology_id;
  if (!res.dropped.empty())
    notes_.push_back("dropped " + std::to_string(res.dropped.size()) +
                     " model class(es) the ontology does not know (first: " + res.dropped[0] + ")");
  // The network, run once on a zero input to learn and check the output shape.
  net_ = std::make_unique<Net>();
  cv::setNumThreads(opt_.threads > 0 ? opt_.threads : -1);
  try {
    net_->net = cv::dnn::readNetFromONNX(model);
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(model + ": OpenCV DNN cannot load this ONNX model: " + e.what());
  }
  net_->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  const int dims[4] = {1, 3, in_h_, in_w_};
  GEORUNE_ASSIGN_OR_RETURN(cv::Mat out, Forward(net_->net, cv::Mat(4, dims, CV_32F, cv::Scalar(0)), model));
  const std::vector<int> shape = ShapeOf(out);
  const int nc = static_cast<int>(names_.size());
  nc_ = nc;
  if (opt_.task == Task::kSegment) {
    if (!opt_.resize) opt_.resize = ResizeMode::kLetterbox;
    if (!opt_.bgr) opt_.bgr = false;
    return CheckSegmentOutput(shape);
  }
  if (opt_.layout) {
    layout_ = *opt_.layout;
  } else {
    auto l = InferLayout(shape, nc, in_w_, in_h_);
    if (!l.ok()) return Status::InvalidInput(model + ": " + l.status().message());
    layout_ = *l;
  }
  auto checked = CheckShape(layout_, shape, nc, in_w_, in_h_);
  if (!checked.ok()) return Status::InvalidInput(model + ": " + checked.status().message());
  if (!opt_.resize) opt_.resize = layout_ == Layout::kFastestV2 ? ResizeMode::kStretch : ResizeMode::kLetterbox;
  if (!opt_.bgr) opt_.bgr = layout_ == Layout::kFastestV2;
  return Status::Ok();
}

Result<std::vector<Candidate>> Detector::Infer(const TileInput& tile, int index) {
  GEORUNE_ASSIGN_OR_RETURN(cv::Mat out, Forward(net_->net, tile.blob, opt_.model));
  if (!out.isContinuous() || out.type() != CV_32F) out = out.clone();
  std::vector<RawBox> raw = Decode(layout_, out.ptr<float>(), ShapeOf(out), nc_, in_w_, in_h_, opt_.conf);
  std::vector<Candidate> c;
  c.reserve(raw.size());
  for (const RawBox& b : raw) {
    if (b.class_index < 0 || b.class_index >= nc_)
      return FileDiagnostic(opt_.model, 0,
                            "the model gave class index " + std::to_string(b.class_index) + " but has " +
                                std::to_string(nc_) + " class names",
                            "check the class names")
          .With(Setting::kClassNames)
          .ToStatus();
    c.push_back({b.class_index, b.score, tile.lb.Undo(b.corners, tile.rect.x, tile.rect.y), index, false});
  }
  std::vector<Candidate> kept;
  for (size_t i : GreedyNmsPerClass(c, opt_.iou, opt_.overlap_kind)) {
    if (static_cast<int>(kept.size()) == opt_.max_det) break;
    kept.push_back(c[i]);
  }
  return kept;
}

Status Detector::CheckSegmentOutput(const std::vector<int>& shape) {
  if (shape.size() == 4 && shape[0] == 1 && shape[1] == nc_ && shape[2] > 0 && shape[3] > 0) return Status::Ok();
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return FileDiagnostic(opt_.model, 0,
                        "segmentation needs a (1, C, H, W) logits output with C = " + std::to_string(nc_) +
                            " class names, the model gives " + s + ")",
                        "a box detector runs as a detection task, not segmentation; check the class names")
      .With(Setting::kModelTask)
      .With(Setting::kClassNames)
      .ToStatus();
}

Status Detector::RunSegment(std::unique_ptr<Raster> raster, const std::function<void()>& tile_done, bool& bad_image,
                            DetectedImage& result) {
  const int W = result.info.width, H = result.info.height;
  const std::vector<TileRect> rects = Tiles(W, H, opt_.tile, opt_.overlap);
  const std::vector<TileRect> owned = OwnedRects(W, H, opt_.tile, opt_.overlap);
  result.tiles = static_cast<int>(rects.size());
  ClassImage classes(W, H);
  const InputSpec spec{in_w_, in_h_, *opt_.resize, *opt_.bgr, opt_.raster.fill};
  GEORUNE_RETURN_IF_ERROR(ForEachTileInput(
      std::move(raster), rects, opt_.threads, spec,
      [&](size_t i, TileInput& tile) -> Status {
        if (!tile.skipped) {
          GEORUNE_ASSIGN_OR_RETURN(cv::Mat out, Forward(net_->net, tile.blob, opt_.model));
          Status st = WriteTileClasses(out, tile.rect, tile.lb, in_w_, in_h_, owned[i], nc_, classes);
          if (!st.ok()) return Status::InvalidInput(opt_.model + ": " + st.message());
          ++result.tiles_run;
        }
        if (tile_done) tile_done();
        return Status::Ok();
      },
      bad_image));
  GEORUNE_ASSIGN_OR_RETURN(result.polygons, PolygonizeClasses(classes, ontology_id_, opt_.conf, opt_.min_area));
  return Status::Ok();
}

Result<DetectedImage> Detector::Run(const std::string& path, const std::function<void()>& tile_done,
                                    bool* image_error) {
  bool ignored;
  bool& bad_image = image_error ? *image_error : ignored;
  bad_image = true;
  GEORUNE_ASSIGN_OR_RETURN(std::unique_ptr<Raster> first, Raster::Open(path, opt_.raster));
  DetectedImage result;
  result.info = first->info();
  if (opt_.task == Task::kSegment) {
    GEORUNE_RETURN_IF_ERROR(RunSegment(std::move(first), tile_done, bad_image, result));
    return result;
  }
  const int W = result.info.width, H = result.info.height;
  const std::vector<TileRect> rects = Tiles(W, H, opt_.tile, opt_.overlap);
  result.tiles = static_cast<int>(rects.size());
  std::vector<Candidate> all;
  const InputSpec spec{in_w_, in_h_, *opt_.resize, *opt_.bgr, opt_.raster.fill};
  GEORUNE_RETURN_IF_ERROR(ForEachTileInput(
      std::move(first), rects, opt_.threads, spec,
      [&](size_t i, TileInput& tile) -> Status {
        if (!tile.skipped) {
          GEORUNE_ASSIGN_OR_RETURN(std::vector<Candidate> c, Infer(tile, static_cast<int>(i)));
          for (Candidate& b : c) {
            b.at_seam = AtSeam(b.corners, tile.rect, W, H);
            all.push_back(b);
          }
          ++result.tiles_run;
        }
        if (tile_done) tile_done();
        return Status::Ok();
      },
      bad_image));
  std::vector<size_t> kept(all.size());
  std::iota(kept.begin(), kept.end(), 0);
  if (rects.size() > 1) kept = MergeAcrossTiles(all, opt_.iou, opt_.seam_cover, opt_.overlap_kind);
  std::stable_sort(kept.begin(), kept.end(), [&](size_t a, size_t b) { return all[a].score > all[b].score; });
  for (size_t i : kept) {
    const int id = ontology_id_[all[i].class_index];
    if (id < 0) continue;  // explicitly dropped class
    result.entities.push_back({id, all[i].score, false, all[i].corners, {}});
  }
  return result;
}

}  // namespace georune::detect
