#include "georune/detect/detector.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "georune/common/parallel.h"
#include "georune/detect/classes.h"
#include "georune/detect/onnx_info.h"
#include "georune/ingest/readers.h"

namespace georune::detect {

struct Detector::Net {
  cv::dnn::Net net;
};

// One preprocessed tile: its place in the image, its letterbox and the input blob.
struct Detector::Tile {
  TileRect rect;
  Letterbox lb;
  cv::Mat blob;
  bool skipped = false;  // all nodata
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
  if (!(options.conf > 0 && options.conf <= 1)) return Status::InvalidInput("--conf must be in (0, 1]");
  if (!(options.iou > 0 && options.iou <= 1)) return Status::InvalidInput("--iou must be in (0, 1]");
  if (options.tile <= 0 || options.overlap < 0 || options.overlap >= options.tile)
    return Status::InvalidInput("--tile must be positive and --overlap in [0, tile)\n  hint: e.g. --tile 1024 --overlap 200");
  if (options.max_det <= 0) return Status::InvalidInput("--max-det must be positive");
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
      return Status::InvalidInput(model + ": the model does not declare a fixed (1, 3, H, W) input\n  hint: give --input-size W,H");
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
    return Status::InvalidInput(model + ": the model has no `names` metadata\n  hint: give the class names with --names FILE (one a line)");
  }
  GEORUNE_ASSIGN_OR_RETURN(ClassResolution res, ResolveClasses(names_, opt_.class_map, ontology, opt_.drop_unmapped));
  ontology_id_ = res.ontology_id;
  if (!res.dropped.empty())
    notes_.push_back("dropped " + std::to_string(res.dropped.size()) + " model class(es) the ontology does not know (first: " +
                     res.dropped[0] + ")");
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
  if (opt_.layout) {
    layout_ = *opt_.layout;
  } else {
    auto l = InferLayout(shape, nc, in_w_, in_h_);
    if (!l.ok()) return Status::InvalidInput(model + ": " + l.status().message());
    layout_ = *l;
  }
  auto checked = CheckShape(layout_, shape, nc, in_w_, in_h_);
  if (!checked.ok()) return Status::InvalidInput(model + ": " + checked.status().message());
  nc_ = nc;
  if (!opt_.resize) opt_.resize = layout_ == Layout::kFastestV2 ? ResizeMode::kStretch : ResizeMode::kLetterbox;
  if (!opt_.bgr) opt_.bgr = layout_ == Layout::kFastestV2;
  return Status::Ok();
}

Result<std::vector<Candidate>> Detector::Infer(const Tile& tile, int index) {
  GEORUNE_ASSIGN_OR_RETURN(cv::Mat out, Forward(net_->net, tile.blob, opt_.model));
  if (!out.isContinuous() || out.type() != CV_32F) out = out.clone();
  std::vector<RawBox> raw = Decode(layout_, out.ptr<float>(), ShapeOf(out), nc_, in_w_, in_h_, opt_.conf);
  std::vector<Candidate> c;
  c.reserve(raw.size());
  for (const RawBox& b : raw) {
    if (b.class_index < 0 || b.class_index >= nc_)
      return Status::InvalidInput(opt_.model + ": the model gave class index " + std::to_string(b.class_index) +
                                  " but has " + std::to_string(nc_) + " class names\n  hint: check --names");
    c.push_back({b.class_index, b.score, tile.lb.Undo(b.corners, tile.rect.x, tile.rect.y), index, false});
  }
  std::vector<Candidate> kept;
  for (size_t i : GreedyNmsPerClass(c, opt_.iou, opt_.overlap_kind)) {
    if (static_cast<int>(kept.size()) == opt_.max_det) break;
    kept.push_back(c[i]);
  }
  return kept;
}

Result<DetectedImage> Detector::Run(const std::string& path, const std::function<void()>& tile_done,
                                    bool* image_error) {
  bool ignored;
  bool& bad_image = image_error ? *image_error : ignored;
  bad_image = true;
  GEORUNE_ASSIGN_OR_RETURN(std::unique_ptr<Raster> first, Raster::Open(path, opt_.raster));
  DetectedImage result;
  result.info = first->info();
  const int W = result.info.width, H = result.info.height;
  const std::vector<TileRect> rects = Tiles(W, H, opt_.tile, opt_.overlap);
  result.tiles = static_cast<int>(rects.size());
  const size_t workers = WorkerCount(rects.size(), opt_.threads);
  std::vector<std::unique_ptr<Raster>> rasters(workers);
  rasters[0] = std::move(first);
  std::vector<Candidate> all;
  bad_image = false;
  // Batches of 2 tiles per worker: read + letterbox in parallel, then the model tile by tile.
  const size_t batch = 2 * workers;
  for (size_t start = 0; start < rects.size(); start += batch) {
    const size_t n = std::min(batch, rects.size() - start);
    std::vector<Tile> tiles(n);
    std::vector<Status> errors(n);
    ParallelForWorkers(n, workers, [&](size_t worker, size_t i) {
      if (!rasters[worker]) {
        auto r = rasters[0]->Reopen();  // Reopen only reads immutable state of rasters[0]
        if (!r.ok()) return void(errors[i] = r.status());
        rasters[worker] = std::move(*r);
      }
      Tile& t = tiles[i];
      t.rect = rects[start + i];
      int64_t valid = 0;
      auto img = rasters[worker]->Read(t.rect.x, t.rect.y, t.rect.w, t.rect.h, &valid);
      if (!img.ok()) return void(errors[i] = img.status());
      if (valid == 0) return void(t.skipped = true);
      t.lb = Letterbox::Make(t.rect.w, t.rect.h, in_w_, in_h_, *opt_.resize);
      cv::Mat scaled, canvas(in_h_, in_w_, CV_8UC3, cv::Scalar::all(opt_.raster.fill));
      cv::resize(*img, scaled, cv::Size(t.lb.new_w, t.lb.new_h), 0, 0, cv::INTER_LINEAR);
      scaled.copyTo(canvas(cv::Rect(t.lb.pad_x, t.lb.pad_y, t.lb.new_w, t.lb.new_h)));
      t.blob = cv::dnn::blobFromImage(canvas, 1.0 / 255, cv::Size(), cv::Scalar(), *opt_.bgr, false, CV_32F);
    });
    for (size_t i = 0; i < n; ++i) {
      bad_image = true;
      GEORUNE_RETURN_IF_ERROR(errors[i]);
      bad_image = false;
      if (!tiles[i].skipped) {
        GEORUNE_ASSIGN_OR_RETURN(std::vector<Candidate> c, Infer(tiles[i], static_cast<int>(start + i)));
        for (Candidate& b : c) {
          b.at_seam = AtSeam(b.corners, tiles[i].rect, W, H);
          all.push_back(b);
        }
        ++result.tiles_run;
      }
      if (tile_done) tile_done();
    }
  }
  std::vector<size_t> kept(all.size());
  std::iota(kept.begin(), kept.end(), 0);
  if (rects.size() > 1) kept = MergeAcrossTiles(all, opt_.iou, opt_.seam_cover, opt_.overlap_kind);
  std::stable_sort(kept.begin(), kept.end(), [&](size_t a, size_t b) { return all[a].score > all[b].score; });
  for (size_t i : kept) {
    const int id = ontology_id_[all[i].class_index];
    if (id < 0) continue;  // explicitly dropped class
    result.entities.push_back({id, all[i].score, false, all[i].corners});
  }
  return result;
}

}  // namespace georune::detect
