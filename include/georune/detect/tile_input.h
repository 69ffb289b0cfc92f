// Model inputs of an image's tiles, read and letterboxed on worker threads (shared by the
// box detector and the segmenter; docs/detect.md, "Pipeline").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "georune/common/status.h"
#include "georune/detect/raster.h"
#include "georune/detect/tiling.h"

namespace georune::detect {

struct InputSpec {
  int in_w = 0, in_h = 0;  // model input size
  ResizeMode resize = ResizeMode::kLetterbox;
  bool bgr = false;    // channel order of the model
  uint8_t fill = 114;  // padding value
};

// One preprocessed tile: its place in the image, its letterbox and the (1, 3, H, W) input blob.
struct TileInput {
  TileRect rect;
  Letterbox lb;
  cv::Mat blob;
  bool skipped = false;  // every pixel is nodata: no blob
};

// Calls `consume(index, tile)` for every tile of `rects`, in order, on this thread, while up to
// `threads` workers (0 = all cores) read and letterbox two tiles each ahead of it (each worker
// opens the image again). Stops at the first error: `image_error` tells whether the image was
// at fault (a read) or `consume`.
Status ForEachTileInput(std::unique_ptr<Raster> raster, const std::vector<TileRect>& rects, int threads,
                        const InputSpec& spec, const std::function<Status(size_t, TileInput&)>& consume,
                        bool& image_error);

}  // namespace georune::detect
