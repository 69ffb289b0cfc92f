// Semantic segmentation to polygon entities (docs/detect.md, "Segmentation"): a model's
// (1, C, h, w) logits per tile → per-pixel classes of the whole image (each pixel decided by the
// tile where it is most central) → connected components per class → polygons (GDAL Polygonize,
// 4-connected, holes kept), each with the mean softmax probability of its pixels.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "georune/common/status.h"
#include "georune/detect/tiling.h"
#include "georune/ingest/polygon_geojson.h"

namespace georune::detect {

constexpr uint8_t kNoClass = 255;  // a pixel no tile decided (a tile of nodata)

// The whole image's decisions: class index per pixel (CV_8U, kNoClass = none) and the winning
// class's softmax probability (CV_32F).
struct ClassImage {
  cv::Mat classes, prob;
  ClassImage(int width, int height)
      : classes(height, width, CV_8U, cv::Scalar(kNoClass)), prob(height, width, CV_32F, cv::Scalar(0)) {}
};

// The rectangle of pixels each tile decides, in Tiles() order: along each axis the seam between
// two neighbouring tiles lies at the middle of their overlap, so every pixel is decided by the
// tile in which it is farthest from a shared tile edge. The rectangles partition the image.
std::vector<TileRect> OwnedRects(int width, int height, int tile, int overlap);

// Softmax of one tile's logits (a (1, C, h, w) blob of the model's output for an in_w × in_h
// input), mapped back to tile pixels through the letterbox (bilinear, pixel centres), and the
// argmax written into `out` over `owned` (image coordinates, inside `tile`). kInvalidInput when
// the blob is not (1, C, h, w) with C = class_count.
Status WriteTileClasses(const cv::Mat& logits, const TileRect& tile, const Letterbox& lb, int in_w, int in_h,
                        const TileRect& owned, int class_count, ClassImage& out);

// Connected components (4-connected) of each class in `image`, as polygons through GDAL
// Polygonize (outer ring and holes, pixel-corner coordinates), with confidence = the mean
// probability of the component's pixels. Components of under `min_area` pixels or of mean
// probability under `min_conf` are dropped. `ontology_id` maps class indices to ontology ids;
// classes mapped to -1 (background, dropped classes) give no polygon.
// Sorted by confidence, descending (ties: by area, descending).
Result<std::vector<ingest::PolygonEntity>> PolygonizeClasses(const ClassImage& image,
                                                             const std::vector<int>& ontology_id, float min_conf,
                                                             int min_area);

// The inverse: burns polygons into `image` in order (later ones over earlier ones). A pixel whose
// centre lies inside a polygon (even-odd rule over all its rings, so holes stay out) gets
// classes[i] and probs[i] (GDAL Rasterize's default rule; a scanline fill, several times faster
// than GDALRasterizeGeometries here).
void BurnPolygons(const std::vector<ingest::PolygonEntity>& polygons, const std::vector<uint8_t>& classes,
                  const std::vector<float>& probs, ClassImage& image);

}  // namespace georune::detect
