#include "georune/detect/decode.h"

#include <algorithm>
#include <cmath>

#include "georune/common/diagnostic.h"

namespace georune::detect {
namespace {

std::string ShapeText(const std::vector<int>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

Status BadShape(Layout layout, const std::vector<int>& shape, const std::string& expected) {
  return PlainDiagnostic("model output shape " + ShapeText(shape) + " does not fit the layout " +
                             std::string(LayoutName(layout)) + ", which expects " + expected,
                         "check the output layout, the class names and the input size (docs/detect.md)")
      .With(Setting::kModelLayout)
      .With(Setting::kClassNames)
      .With(Setting::kModelInputSize)
      .ToStatus();
}

Corners AxisAligned(double xc, double yc, double w, double h) {
  const double x1 = xc - w / 2, y1 = yc - h / 2, x2 = xc + w / 2, y2 = yc + h / 2;
  return {x1, y1, x2, y1, x2, y2, x1, y2};
}

// Highest class score among `nc` values at data[0], data[step], …
std::pair<int, float> Best(const float* data, int nc, size_t step) {
  int best = 0;
  float score = -1;
  for (int c = 0; c < nc; ++c)
    if (data[c * step] > score) score = data[c * step], best = c;
  return {best, score};
}

int FastestCells(int in_w, int in_h) { return (in_w / 16) * (in_h / 16) + (in_w / 32) * (in_h / 32); }

void DecodeFastest(const float* d, const std::vector<int>& shape, int nc, int in_w, int in_h, float conf,
                   std::vector<RawBox>& out) {
  static constexpr double kAnchors[2][6] = {{12.64, 19.39, 37.88, 51.48, 55.71, 138.31},
                                            {126.91, 78.23, 131.57, 214.55, 279.92, 258.87}};
  const int cols = shape.back();
  int row = 0;
  for (int head = 0; head < 2; ++head) {
    const int stride = head == 0 ? 16 : 32, gw = in_w / stride, gh = in_h / stride;
    for (int k = 0; k < gw * gh; ++k, ++row) {
      const float* r = d + static_cast<size_t>(row) * cols;
      auto [cls, cs] = Best(r + 15, nc, 1);
      for (int j = 0; j < 3; ++j) {
        const float score = std::min(1.0f, cs * r[12 + j]);
        if (!(score >= conf) || score <= 0) continue;
        const double xc = (2 * r[4 * j] - 0.5 + k % gw) * stride;
        const double yc = (2 * r[4 * j + 1] - 0.5 + k / gw) * stride;
        const double w = std::pow(2 * r[4 * j + 2], 2) * kAnchors[head][2 * j];
        const double h = std::pow(2 * r[4 * j + 3], 2) * kAnchors[head][2 * j + 1];
        out.push_back({cls, score, AxisAligned(xc, yc, w, h)});
      }
    }
  }
}

}  // namespace

Corners RotatedCorners(double xc, double yc, double w, double h, double a) {
  const double c = std::cos(a), s = std::sin(a);
  const double v1x = w / 2 * c, v1y = w / 2 * s, v2x = -h / 2 * s, v2y = h / 2 * c;
  return {xc + v1x + v2x, yc + v1y + v2y, xc + v1x - v2x, yc + v1y - v2y,
          xc - v1x - v2x, yc - v1y - v2y, xc - v1x + v2x, yc - v1y + v2y};
}

std::string_view LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kObbRaw: return "obb-raw";
    case Layout::kObbNms: return "obb-nms";
    case Layout::kYolo26Obb: return "yolo26-obb";
    case Layout::kYoloV5: return "yolov5";
    case Layout::kYoloV8: return "yolov8";
    case Layout::kFastestV2: return "fastestv2";
  }
  return "?";
}

Result<Layout> ParseLayout(std::string_view name) {
  for (Layout l :
       {Layout::kObbRaw, Layout::kObbNms, Layout::kYolo26Obb, Layout::kYoloV5, Layout::kYoloV8, Layout::kFastestV2})
    if (LayoutName(l) == name) return l;
  return PlainDiagnostic("'" + std::string(name) + "': unknown output layout",
                         "one of obb-raw, obb-nms, yolo26-obb, yolov5, yolov8, fastestv2")
      .With(Setting::kModelLayout)
      .ToStatus();
}

Result<int> CheckShape(Layout layout, const std::vector<int>& shape, int nc, int in_w, int in_h) {
  const bool three = shape.size() == 3 && shape[0] == 1;
  switch (layout) {
    case Layout::kObbRaw:
    case Layout::kYoloV8: {
      const int extra = layout == Layout::kObbRaw ? 5 : 4;
      if (!three || shape[1] <= extra || (nc > 0 && shape[1] != extra + nc))
        return BadShape(layout, shape,
                        "(1, " + (nc > 0 ? std::to_string(extra + nc) : std::to_string(extra) + "+nc") + ", anchors)");
      return shape[1] - extra;
    }
    case Layout::kObbNms:
    case Layout::kYolo26Obb:
      if (!three || shape[2] != 7) return BadShape(layout, shape, "(1, N, 7)");
      return nc;
    case Layout::kYoloV5:
      if (!three || shape[2] <= 5 || (nc > 0 && shape[2] != 5 + nc))
        return BadShape(layout, shape, "(1, anchors, " + (nc > 0 ? std::to_string(5 + nc) : std::string("5+nc")) + ")");
      return shape[2] - 5;
    case Layout::kFastestV2: {
      const int cells = FastestCells(in_w, in_h);
      const int rows = shape.size() == 2 ? shape[0] : shape.size() == 3 && shape[0] == 1 ? shape[1] : -1;
      if (rows != cells || shape.back() <= 15 || (nc > 0 && shape.back() != 15 + nc))
        return BadShape(layout, shape,
                        "(" + std::to_string(cells) + ", 15+nc) for a " + std::to_string(in_w) + "×" +
                            std::to_string(in_h) + " input");
      return shape.back() - 15;
    }
  }
  return Status::Internal("unknown layout");
}

Result<Layout> InferLayout(const std::vector<int>& shape, int nc, int in_w, int in_h) {
  std::vector<Layout> fits;
  for (Layout l : {Layout::kObbRaw, Layout::kObbNms, Layout::kYoloV5, Layout::kYoloV8, Layout::kFastestV2})
    if (CheckShape(l, shape, nc, in_w, in_h).ok()) fits.push_back(l);
  // (1, N, 7) is YOLOv5 with two classes when N is its anchor count for this input (3 anchors
  // per cell at strides 8, 16, 32), else the NMS export.
  if (fits.size() > 1 && shape.size() == 3 && shape[2] == 7) {
    int v5_anchors = 0;
    for (int s : {8, 16, 32}) v5_anchors += 3 * (in_w / s) * (in_h / s);
    const Layout keep = shape[1] == v5_anchors ? Layout::kYoloV5 : Layout::kObbNms;
    if (std::count(fits.begin(), fits.end(), keep)) fits = {keep};
  }
  // Channel-first layouts have fewer channels than anchors.
  if (fits.size() > 1 && shape.size() == 3 && shape[1] < shape[2]) std::erase(fits, Layout::kYoloV5);
  if (fits.size() == 1) return fits[0];
  std::string what = fits.empty() ? "no known layout fits it" : "several layouts fit it";
  return PlainDiagnostic(
             "model output shape " + ShapeText(shape) + ": " + what + (nc == 0 ? " (the class count is unknown)" : ""),
             "name the output layout (obb-raw, obb-nms, yolo26-obb, yolov5, yolov8, fastestv2) and "
             "the class names")
      .With(Setting::kModelLayout)
      .With(Setting::kClassNames)
      .ToStatus();
}

std::vector<RawBox> Decode(Layout layout, const float* d, const std::vector<int>& shape, int nc, int in_w, int in_h,
                           float conf) {
  std::vector<RawBox> out;
  switch (layout) {
    case Layout::kObbRaw:
    case Layout::kYoloV8: {
      const size_t a = shape[2];
      for (size_t i = 0; i < a; ++i) {
        auto [cls, score] = Best(d + 4 * a + i, nc, a);
        score = std::min(score, 1.0f);
        if (!(score >= conf) || score <= 0) continue;
        const double xc = d[i], yc = d[a + i], w = d[2 * a + i], h = d[3 * a + i];
        out.push_back({cls, score,
                       layout == Layout::kObbRaw ? RotatedCorners(xc, yc, w, h, d[(4 + nc) * a + i])
                                                 : AxisAligned(xc, yc, w, h)});
      }
      break;
    }
    case Layout::kObbNms:
    case Layout::kYolo26Obb:
      for (int i = 0; i < shape[1]; ++i) {
        const float* r = d + 7 * static_cast<size_t>(i);
        const float score = std::min(r[4], 1.0f);
        if (!(score >= conf) || score <= 0) continue;  // zero-padded rows have score 0
        out.push_back({static_cast<int>(std::lround(r[5])), score, RotatedCorners(r[0], r[1], r[2], r[3], r[6])});
      }
      break;
    case Layout::kYoloV5: {
      const size_t cols = shape[2];
      for (int i = 0; i < shape[1]; ++i) {
        const float* r = d + cols * i;
        auto [cls, cs] = Best(r + 5, nc, 1);
        const float score = std::min(cs * r[4], 1.0f);
        if (!(score >= conf) || score <= 0) continue;
        out.push_back({cls, score, AxisAligned(r[0], r[1], r[2], r[3])});
      }
      break;
    }
    case Layout::kFastestV2: DecodeFastest(d, shape, nc, in_w, in_h, conf, out); break;
  }
  return out;
}

}  // namespace georune::detect
