#include "detect_options.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "georune/common/progress.h"
#include "georune/detect/classes.h"

namespace georune::cli {
namespace fs = std::filesystem;

namespace {

Result<std::vector<double>> ParseNumbers(const std::string& option, const std::string& text, size_t count) {
  std::vector<double> v;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, item.find('x') != std::string::npos ? 'x' : ',')) {
    try {
      size_t used = 0;
      v.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (...) {
      return Status::InvalidInput(option + " " + text + ": '" + item + "' is not a number");
    }
  }
  if (count && v.size() != count)
    return Status::InvalidInput(option + " " + text + ": expected " + std::to_string(count) + " numbers");
  return v;
}

bool IsImageExtension(std::string ext) {
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kExt = {".tif", ".tiff", ".png",  ".jpg", ".jpeg", ".jp2", ".bmp",
                                             ".img", ".vrt",  ".webp", ".gif", ".ntf",  ".nitf"};
  return kExt.count(ext) > 0;
}

}  // namespace

void AddDetectOptions(CLI::App* cmd, DetectArgs& a) {
  cmd->add_option("--model", a.model, "detector ONNX file");
  cmd->add_option("--task", a.task, "detect (oriented boxes, default) or segment ((1, C, H, W) logits -> polygons)")
      ->check(CLI::IsMember({"detect", "segment"}));
  cmd->add_option("--min-area", a.min_area, "--task segment: smallest component kept, in pixels (default 1)");
  cmd->add_option(
      "--layout", a.layout,
      "output layout: obb-raw, obb-nms, yolo26-obb, yolov5, yolov8, fastestv2 (default: from the output shape)");
  cmd->add_option("--input-size", a.input_size, "model input W,H (default: declared by the model)");
  cmd->add_option("--names", a.names, "class names file (.yaml or one name a line; default: the model's metadata)");
  cmd->add_option("--class-map", a.class_map,
                  "FILE or model=ontology,… (e.g. aeroplane=plane,boat=ship; name=- drops one)");
  cmd->add_flag("--drop-unmapped", a.drop_unmapped, "drop model classes the ontology does not know (listed in a note)");
  cmd->add_option("--tile", a.tile, "tile side in image pixels (default 1024)");
  cmd->add_option("--overlap", a.overlap, "overlap of neighbouring tiles in pixels (default 200)");
  cmd->add_option("--conf", a.conf, "minimum confidence (default 0.25; segment: of a component's mean probability)");
  cmd->add_option("--iou", a.iou, "NMS IoU threshold (default 0.45)");
  cmd->add_option("--max-det", a.max_det, "boxes kept per tile after NMS (default 300)");
  cmd->add_flag("--probiou", a.probiou, "suppress by ProbIoU instead of exact polygon IoU");
  cmd->add_option("--bands", a.bands, "bands to read, 1-based: 1,2,3 (default) or one band for grey");
  cmd->add_option("--stretch", a.stretch, "percentiles of the linear stretch of non-8-bit bands (default 2,98)");
  cmd->add_option("--resize", a.resize, "letterbox or stretch (default: letterbox; stretch for fastestv2)");
  cmd->add_option("--channels", a.channels, "rgb or bgr channel order of the model (default: rgb; bgr for fastestv2)");
  cmd->add_flag("--skip-bad-images", a.skip_bad_images, "warn about an unreadable image and go on");
}

Result<detect::DetectorOptions> ToDetectorOptions(const DetectArgs& a, int threads) {
  detect::DetectorOptions o;
  o.model = a.model;
  o.task = a.task == "segment" ? detect::Task::kSegment : detect::Task::kBoxes;
  o.min_area = a.min_area;
  if (!a.layout.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(o.layout, detect::ParseLayout(a.layout));
  }
  if (!a.input_size.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(std::vector<double> wh, ParseNumbers("--input-size", a.input_size, 2));
    if (wh[0] < 32 || wh[1] < 32 || wh[0] != std::floor(wh[0]) || wh[1] != std::floor(wh[1]))
      return Status::InvalidInput("--input-size " + a.input_size + ": expected W,H in whole pixels, at least 32");
    o.input_w = static_cast<int>(wh[0]), o.input_h = static_cast<int>(wh[1]);
  }
  o.names_file = a.names;
  if (!a.class_map.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(o.class_map, detect::ParseClassMap(a.class_map));
  }
  o.drop_unmapped = a.drop_unmapped;
  if (a.resize == "letterbox") o.resize = detect::ResizeMode::kLetterbox;
  else if (a.resize == "stretch") o.resize = detect::ResizeMode::kStretch;
  else if (!a.resize.empty()) return Status::InvalidInput("--resize " + a.resize + ": expected letterbox or stretch");
  if (a.channels == "rgb" || a.channels == "bgr") o.bgr = a.channels == "bgr";
  else if (!a.channels.empty()) return Status::InvalidInput("--channels " + a.channels + ": expected rgb or bgr");
  o.tile = a.tile, o.overlap = a.overlap, o.conf = a.conf, o.iou = a.iou, o.max_det = a.max_det;
  o.overlap_kind = a.probiou ? detect::Overlap::kProbIoU : detect::Overlap::kIoU;
  o.threads = threads;
  if (!a.bands.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(std::vector<double> b, ParseNumbers("--bands", a.bands, 0));
    for (double x : b) {
      if (x < 1 || x != std::floor(x))
        return Status::InvalidInput("--bands " + a.bands + ": bands are whole numbers from 1");
      o.raster.bands.push_back(static_cast<int>(x));
    }
  }
  GEORUNE_ASSIGN_OR_RETURN(std::vector<double> p, ParseNumbers("--stretch", a.stretch, 2));
  if (!(p[0] >= 0 && p[0] < p[1] && p[1] <= 100))
    return Status::InvalidInput("--stretch " + a.stretch +
                                ": expected LOW,HIGH percentiles with 0 <= LOW < HIGH <= 100");
  o.raster.stretch_low = p[0], o.raster.stretch_high = p[1];
  return o;
}

Result<std::vector<std::string>> ListImages(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const std::string& p : paths) {
    if (fs::is_directory(p, ec)) {
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec) && IsImageExtension(it->path().extension().string()))
          files.push_back(it->path().string());
      if (ec) return Status::IoError(p + ": cannot list the folder: " + ec.message());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      return Status::NotFound(p + ": no such image file or folder");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::string ImageIdOf(const std::string& path) { return fs::path(path).stem().string(); }

void SetImageMetadata(const detect::RasterInfo& info, ImageRecord& r) {
  r.path = info.path;
  r.width = info.width;
  r.height = info.height;
  r.bands = info.band_count;
  r.geotransform = info.geotransform;
  r.crs_wkt = info.crs_wkt;
  if (std::isnan(r.gsd)) r.gsd = info.gsd;
}

Result<DetectRun> DetectImages(detect::Detector& detector, const std::vector<std::string>& files,
                               const std::set<std::string, std::less<>>& skip_ids, bool skip_bad_images) {
  const auto start = std::chrono::steady_clock::now();
  DetectRun run;
  std::vector<std::string> todo;
  for (const auto& f : files)
    if (!skip_ids.count(ImageIdOf(f))) todo.push_back(f);
  if (todo.size() < files.size())
    std::fprintf(stderr, "georune: note: %zu image(s) already in the archive are skipped\n",
                 files.size() - todo.size());
  // For the progress bar on a terminal: the tile count of every image (GDAL reads headers only).
  std::unique_ptr<ProgressBar> bar;
  std::vector<int> tiles_of(todo.size(), 1);
  if (isatty(STDERR_FILENO)) {
    uint64_t total_tiles = 0;
    for (size_t i = 0; i < todo.size(); ++i) {
      auto info = detect::ReadRasterInfo(todo[i]);
      if (info.ok())
        tiles_of[i] =
            static_cast<int>(detect::Tiles(info->width, info->height, detector.tile(), detector.overlap()).size());
      total_tiles += tiles_of[i];
    }
    bar = std::make_unique<ProgressBar>("detect (tiles)", total_tiles);
  }
  for (size_t i = 0; i < todo.size(); ++i) {
    int done = 0;
    bool image_error = false;
    auto r = detector.Run(
        todo[i],
        [&] {
          ++done;
          if (bar) bar->Advance();
        },
        &image_error);
    if (!r.ok()) {
      if (!skip_bad_images || !image_error) return r.status();
      std::fprintf(stderr, "\ngeorune: warning: skipped %s\n", r.status().message().c_str());
      ++run.skipped_images;
      if (bar) bar->Advance(tiles_of[i] - done);
      continue;
    }
    ImageRecord rec;
    rec.id = ImageIdOf(todo[i]);
    SetImageMetadata(r->info, rec);
    rec.entities = std::move(r->entities);
    if (detector.task() == detect::Task::kSegment) {
      run.polygons.push_back({rec.id, rec.width, rec.height, rec.gsd, false, std::move(r->polygons)});
      GEORUNE_ASSIGN_OR_RETURN(ImageRecord polys, ingest::ToImageRecord(run.polygons.back(), &run.repaired_polygons));
      rec.entities = std::move(polys.entities);
    }
    run.tiles += r->tiles;
    run.images.push_back(std::move(rec));
  }
  if (bar) bar->Finish();
  if (run.repaired_polygons)
    std::fprintf(stderr,
                 "georune: note: %zu polygon(s) whose rings touch at a vertex were made valid (GEOS MakeValid)\n",
                 run.repaired_polygons);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace georune::cli
