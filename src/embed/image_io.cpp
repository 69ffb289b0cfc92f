#include "image_io.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>

namespace georune::embed {

Result<cv::Mat> ReadImageBgr(const std::string& path) {
  if (!std::filesystem::exists(path)) return Status::NotFound(path + ": no such image file");
  cv::Mat img;
  try {
    img = cv::imread(path, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(path + ": cannot decode image: " + e.what());
  }
  if (img.empty()) return Status::InvalidInput(path + ": cannot decode image");
  return img;
}

}  // namespace georune::embed
