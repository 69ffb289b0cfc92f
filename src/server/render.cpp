// RenderImage: decode (or draw a background), scale, draw boxes, encode PNG.
#include "server/render.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace georune::server {
namespace {

// The image's size: as stored, or the extent of its boxes when the archive has none.
cv::Size ImageSize(const Archive& archive, uint32_t image) {
  int w = archive.Width(image), h = archive.Height(image);
  if (w > 0 && h > 0) return {w, h};
  const EntitySpan span = archive.Entities(image);
  double mx = 1, my = 1;
  for (uint32_t i = 0; i < 8 * span.count; i += 2) {
    mx = std::max(mx, span.corners[i]);
    my = std::max(my, span.corners[i + 1]);
  }
  return {static_cast<int>(std::ceil(mx)) + 1, static_cast<int>(std::ceil(my)) + 1};
}

// IMREAD_REDUCED_* decodes at 1/2, 1/4 or 1/8 when that still covers `max_side`.
int ReducedFlag(cv::Size full, int max_side) {
  const int side = std::max(full.width, full.height);
  if (side >= 8 * max_side) return cv::IMREAD_REDUCED_COLOR_8;
  if (side >= 4 * max_side) return cv::IMREAD_REDUCED_COLOR_4;
  if (side >= 2 * max_side) return cv::IMREAD_REDUCED_COLOR_2;
  return cv::IMREAD_COLOR;
}

cv::Scalar ClassColour(int class_id) {
  static const cv::Scalar kPalette[] = {{230, 159, 0}, {86, 180, 233}, {0, 158, 115},   {240, 228, 66},
                                        {0, 114, 178}, {213, 94, 0},   {204, 121, 167}, {160, 160, 160}};
  const cv::Scalar rgb = kPalette[class_id % 8];
  return {rgb[2], rgb[1], rgb[0]};  // OpenCV is BGR
}

void DrawBoxes(cv::Mat& canvas, const Archive& archive, uint32_t image, double scale,
               const std::map<int, std::string>& highlight) {
  const EntitySpan span = archive.Entities(image);
  auto polygon = [&](uint32_t i) {
    std::vector<cv::Point> pts;
    for (int k = 0; k < 4; ++k) {
      pts.emplace_back(cvRound(span.corners[8 * i + 2 * k] * scale), cvRound(span.corners[8 * i + 2 * k + 1] * scale));
    }
    return pts;
  };
  const int thin = std::max(1, cvRound(std::max(canvas.cols, canvas.rows) / 600.0));
  for (uint32_t i = 0; i < span.count; ++i) {
    if (highlight.count(static_cast<int>(i))) continue;
    cv::polylines(canvas, std::vector<std::vector<cv::Point>>{polygon(i)}, true, ClassColour(span.class_id[i]), thin,
                  cv::LINE_AA);
  }
  for (const auto& [id, label] : highlight) {
    if (id < 0 || static_cast<uint32_t>(id) >= span.count) continue;
    const auto pts = polygon(static_cast<uint32_t>(id));
    cv::polylines(canvas, std::vector<std::vector<cv::Point>>{pts}, true, {0, 0, 0}, 3 * thin + 2, cv::LINE_AA);
    cv::polylines(canvas, std::vector<std::vector<cv::Point>>{pts}, true, {0, 255, 255}, 3 * thin, cv::LINE_AA);
    const double font = std::max(0.4, thin * 0.5);
    cv::putText(canvas, label, pts[0] + cv::Point(2, -4), cv::FONT_HERSHEY_SIMPLEX, font, {0, 0, 0}, 3 * thin);
    cv::putText(canvas, label, pts[0] + cv::Point(2, -4), cv::FONT_HERSHEY_SIMPLEX, font, {0, 255, 255}, thin);
  }
}

}  // namespace

Rendered RenderImage(const Archive& archive, uint32_t image, const RenderRequest& request) {
  Rendered out;
  const cv::Size full = ImageSize(archive, image);
  out.scale = std::min(1.0, static_cast<double>(request.max_side) / std::max(full.width, full.height));
  const cv::Size size(std::max(1, cvRound(full.width * out.scale)), std::max(1, cvRound(full.height * out.scale)));
  cv::Mat canvas;
  if (!request.file.empty()) {
    cv::Mat decoded = cv::imread(request.file, ReducedFlag(full, request.max_side));
    if (!decoded.empty()) cv::resize(decoded, canvas, size, 0, 0, cv::INTER_AREA);
  }
  if (canvas.empty()) {
    canvas = cv::Mat(size, CV_8UC3, cv::Scalar(48, 36, 30));
    out.source = request.file.empty() ? "schematic" : "schematic (unreadable: " + request.file + ")";
  } else {
    out.source = "file";
  }
  if (request.boxes || out.source != "file") DrawBoxes(canvas, archive, image, out.scale, request.highlight);
  cv::imencode(".png", canvas, out.png);
  return out;
}

}  // namespace georune::server
