#include "georune/embed/onnx_clip.h"

#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "image_io.h"

namespace georune::embed {

struct OnnxNet {
  cv::dnn::Net net;
  std::mutex mu;
};

namespace {

Result<std::unique_ptr<OnnxNet>> ReadNet(const std::string& path) {
  if (!std::filesystem::exists(path)) return Status::NotFound(path + ": no such ONNX model");
  auto holder = std::make_unique<OnnxNet>();
  try {
    holder->net = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(path + ": OpenCV DNN cannot load this ONNX model: " + e.what());
  }
  if (holder->net.empty()) return Status::InvalidInput(path + ": empty ONNX model");
  holder->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  holder->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return holder;
}

Result<std::vector<float>> Run(OnnxNet& holder, const cv::Mat& blob) {
  std::lock_guard<std::mutex> lock(holder.mu);
  cv::Mat out;
  try {
    holder.net.setInput(blob);
    out = holder.net.forward();
  } catch (const cv::Exception& e) {
    return Status::InvalidInput(std::string("ONNX model failed to run: ") + e.what());
  }
  cv::Mat flat = out.reshape(1, 1);
  cv::Mat f;
  flat.convertTo(f, CV_32F);
  std::vector<float> v(f.begin<float>(), f.end<float>());
  L2Normalize(v);
  return v;
}

constexpr float kMean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
constexpr float kStd[3] = {0.26862954f, 0.26130258f, 0.27577711f};

// CLIP preprocessing of a BGR image to a 1×3×N×N blob.
cv::Mat Preprocess(const cv::Mat& bgr, int n) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const double scale = double(n) / double(std::min(rgb.cols, rgb.rows));
  const int w = std::max(n, int(std::lround(rgb.cols * scale)));
  const int h = std::max(n, int(std::lround(rgb.rows * scale)));
  cv::Mat resized;
  if (w == rgb.cols && h == rgb.rows) {
    resized = rgb;
  } else {
    cv::resize(rgb, resized, cv::Size(w, h), 0, 0, cv::INTER_CUBIC);
  }
  const int top = int(std::lround((h - n) / 2.0)), left = int(std::lround((w - n) / 2.0));
  cv::Mat crop = resized(cv::Rect(left, top, n, n));
  cv::Mat f;
  crop.convertTo(f, CV_32FC3, 1.0 / 255.0);
  const int sizes[4] = {1, 3, n, n};
  cv::Mat blob(4, sizes, CV_32F);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < n; ++y) {
      float* dst = blob.ptr<float>(0, c, y);
      const cv::Vec3f* src = f.ptr<cv::Vec3f>(y);
      for (int x = 0; x < n; ++x) dst[x] = (src[x][c] - kMean[c]) / kStd[c];
    }
  }
  return blob;
}

}  // namespace

Result<std::unique_ptr<OnnxClipImageEncoder>> OnnxClipImageEncoder::Load(const std::string& onnx_path, int input_size) {
  if (input_size <= 0) return Status::InvalidInput("image input size must be positive");
  std::unique_ptr<OnnxClipImageEncoder> enc(new OnnxClipImageEncoder());
  GEORUNE_ASSIGN_OR_RETURN(enc->net_, ReadNet(onnx_path));
  enc->file_name_ = std::filesystem::path(onnx_path).filename().string();
  enc->input_size_ = input_size;
  const int sizes[4] = {1, 3, input_size, input_size};
  cv::Mat blank(4, sizes, CV_32F, cv::Scalar(0));
  GEORUNE_ASSIGN_OR_RETURN(auto probe, Run(*enc->net_, blank));
  enc->dim_ = int(probe.size());
  return enc;
}

OnnxClipImageEncoder::~OnnxClipImageEncoder() = default;

std::string OnnxClipImageEncoder::Name() const { return "onnx-clip-image:" + file_name_ + "/" + std::to_string(dim_); }

Result<std::vector<float>> OnnxClipImageEncoder::EmbedImage(const std::string& path) const {
  GEORUNE_ASSIGN_OR_RETURN(cv::Mat img, ReadImageBgr(path));
  return Run(*net_, Preprocess(img, input_size_));
}

Result<std::unique_ptr<OnnxClipTextEncoder>> OnnxClipTextEncoder::Load(const std::string& onnx_path,
                                                                       std::unique_ptr<ClipTokenizer> tokenizer,
                                                                       int context_length) {
  if (!tokenizer) return Status::InvalidInput("a CLIP text encoder needs a tokenizer");
  if (context_length <= 1) return Status::InvalidInput("context length must be at least 2");
  std::unique_ptr<OnnxClipTextEncoder> enc(new OnnxClipTextEncoder());
  GEORUNE_ASSIGN_OR_RETURN(enc->net_, ReadNet(onnx_path));
  enc->tokenizer_ = std::move(tokenizer);
  enc->file_name_ = std::filesystem::path(onnx_path).filename().string();
  enc->context_length_ = context_length;
  cv::Mat probe_ids(1, context_length, CV_32F, cv::Scalar(0));
  GEORUNE_ASSIGN_OR_RETURN(auto probe, Run(*enc->net_, probe_ids));
  enc->dim_ = int(probe.size());
  return enc;
}

OnnxClipTextEncoder::~OnnxClipTextEncoder() = default;

std::string OnnxClipTextEncoder::Name() const { return "onnx-clip-text:" + file_name_ + "/" + std::to_string(dim_); }

Result<std::vector<float>> OnnxClipTextEncoder::EmbedText(std::string_view text) const {
  const auto ids = tokenizer_->EncodeForModel(text, context_length_);
  cv::Mat blob(1, context_length_, CV_32F);
  for (int i = 0; i < context_length_; ++i) blob.at<float>(0, i) = float(ids[size_t(i)]);
  return Run(*net_, blob);
}

}  // namespace georune::embed
