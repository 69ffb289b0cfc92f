#include "georune/embed/image_stats.h"

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image_io.h"

namespace georune::embed {
namespace {

// L1-normalise a block, take square roots (Hellinger), scale by `weight`.
void AppendBlock(std::vector<float>& out, std::vector<double> block, double weight) {
  double s = 0;
  for (double x : block) s += x;
  for (double x : block) out.push_back(float(s > 0 ? weight * std::sqrt(x / s) : 0.0));
}

Result<std::vector<float>> Describe(const cv::Mat& bgr) {
  if (bgr.empty()) return Status::InvalidInput("image could not be decoded");
  cv::Mat small;
  cv::resize(bgr, small, cv::Size(128, 128), 0, 0, cv::INTER_AREA);
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  std::vector<double> colour(8 * 4 * 3, 0.0);
  for (int y = 0; y < hsv.rows; ++y) {
    for (int x = 0; x < hsv.cols; ++x) {
      const cv::Vec3b p = hsv.at<cv::Vec3b>(y, x);
      const int h = std::min(7, p[0] * 8 / 180), s = std::min(3, p[1] * 4 / 256), v = std::min(2, p[2] * 3 / 256);
      colour[size_t((h * 4 + s) * 3 + v)] += 1;
    }
  }
  cv::Mat gray, gx, gy;
  cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F, 1.0 / 255.0);
  cv::Sobel(gray, gx, CV_32F, 1, 0);
  cv::Sobel(gray, gy, CV_32F, 0, 1);
  std::vector<double> texture(4 * 8, 0.0);
  for (int y = 0; y < gray.rows; ++y) {
    for (int x = 0; x < gray.cols; ++x) {
      const float dx = gx.at<float>(y, x), dy = gy.at<float>(y, x);
      const double mag = std::sqrt(double(dx) * dx + double(dy) * dy);
      double ang = std::atan2(dy, dx) * 180.0 / M_PI;
      if (ang < 0) ang += 180.0;
      const int bin = std::min(7, int(ang / 22.5));
      const int q = (y >= 64 ? 2 : 0) + (x >= 64 ? 1 : 0);
      texture[size_t(q * 8 + bin)] += mag;
    }
  }
  std::vector<float> out;
  out.reserve(128);
  AppendBlock(out, colour, 1.0);
  for (int q = 0; q < 4; ++q)
    AppendBlock(out, std::vector<double>(texture.begin() + q * 8, texture.begin() + q * 8 + 8), 0.5);
  L2Normalize(out);
  return out;
}

}  // namespace

Result<std::vector<float>> ImageStatsEmbedder::EmbedImage(const std::string& path) const {
  GEORUNE_ASSIGN_OR_RETURN(cv::Mat img, ReadImageBgr(path));
  return Describe(img);
}

Result<std::vector<float>> ImageStatsEmbedder::EmbedEncoded(const std::string& bytes) const {
  cv::Mat img;
  try {
    img = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.data())), cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(std::string("cannot decode image: ") + e.what());
  }
  return Describe(img);
}

std::string DescribeObjects(const std::map<std::string, int>& class_counts) {
  std::string out;
  for (const auto& [name, n] : class_counts) {
    if (n <= 0) continue;
    std::string cls = name;
    for (char& c : cls)
      if (c == '-' || c == '_') c = ' ';
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + cls;
  }
  return out.empty() ? "no detected objects" : out;
}

}  // namespace georune::embed
