// What a detector's ONNX file declares about itself, read from the protobuf directly (OpenCV
// DNN exposes neither the metadata nor the declared input shape).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune::detect {

struct OnnxInfo {
  std::map<std::string, std::string> metadata;  // ModelProto.metadata_props
  std::string input_name;
  std::vector<long long> input_shape;   // -1 for a symbolic dimension
  std::vector<long long> output_shape;  // of the first graph output; -1 for symbolic
};

// kNotFound when the file is absent; kInvalidInput naming the file when it is not a readable
// ONNX model (a truncated or foreign file).
Result<OnnxInfo> ReadOnnxInfo(const std::string& path);

}  // namespace georune::detect
