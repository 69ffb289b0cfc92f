// Decoders of the common detector export layouts (docs/detect.md, "Layouts").
//
// A decoder turns the model's raw output tensor into boxes in model-input pixels. The layout is
// chosen from the output shape and the class count (InferLayout), or named (ParseLayout).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/common/geometry.h"
#include "georune/common/status.h"

namespace georune::detect {

enum class Layout {
  kObbRaw,     // ultralytics YOLOv8/11-OBB raw (1, 4+nc+1, A): xc,yc,w,h, nc scores, angle (rad)
  kObbNms,     // ultralytics nms=True export (1, N, 7): xc,yc,w,h,score,class,angle; zero-padded
  kYolo26Obb,  // YOLO26-OBB NMS-free (1, N, 7): the same columns, angle as the head gives it
  kYoloV5,     // horizontal (1, A, 5+nc): xc,yc,w,h,objectness, nc scores
  kYoloV8,     // horizontal (1, 4+nc, A): xc,yc,w,h, nc scores
  kFastestV2,  // yolo-fastestv2 (cells, 15+nc): 3 anchors × (tx,ty,tw,th), 3 objectness, nc scores
};

// "obb-raw", "obb-nms", "yolo26-obb", "yolov5", "yolov8", "fastestv2".
std::string_view LayoutName(Layout layout);
Result<Layout> ParseLayout(std::string_view name);

// The layout an output of `shape` has for a model with `num_classes` classes (0 = unknown) and
// an in_w × in_h input. kInvalidInput naming the shape when no layout fits or several do.
Result<Layout> InferLayout(const std::vector<int>& shape, int num_classes, int in_w, int in_h);

// Checks that `shape` fits `layout` for `num_classes` classes and an in_w × in_h input, and
// returns the class count the output implies.
Result<int> CheckShape(Layout layout, const std::vector<int>& shape, int num_classes, int in_w, int in_h);

struct RawBox {
  int class_index = 0;  // model class index
  float score = 0;      // in (0, 1]
  Corners corners{};    // model-input pixels, x1,y1,…,x4,y4
};

// Boxes scoring at least `conf` (scores are clamped to at most 1). `data` holds the output in
// row-major order of `shape` (already checked with CheckShape).
std::vector<RawBox> Decode(Layout layout, const float* data, const std::vector<int>& shape, int num_classes, int in_w,
                           int in_h, float conf);

// Corners of the rotated rectangle (ultralytics xywhr2xyxyxyxy order).
Corners RotatedCorners(double xc, double yc, double w, double h, double angle_rad);

}  // namespace georune::detect
