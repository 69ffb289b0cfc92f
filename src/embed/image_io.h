// Reading image files for the image embedders (internal to the embed module).
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "georune/common/status.h"

namespace georune::embed {

// Decodes an image file as 8-bit BGR. kNotFound if the file is missing; kInvalidInput if it
// is not an image OpenCV can decode.
Result<cv::Mat> ReadImageBgr(const std::string& path);

}  // namespace georune::embed
