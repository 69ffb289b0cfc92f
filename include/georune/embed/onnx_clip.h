// CLIP-family encoders from ONNX files (RemoteCLIP, GeoRSCLIP, OpenAI CLIP exported to ONNX),
// run with OpenCV DNN.
//
// Image encoder preprocessing (CLIP's own): decode as RGB; resize so the shorter side is
// `input_size` (bicubic); centre-crop input_size × input_size; scale to [0,1]; normalise per
// channel with CLIP's mean (0.48145466, 0.4578275, 0.40821073) and std (0.26862954, 0.26130258,
// 0.27577711); NCHW float blob. The model's first output, flattened, is the embedding
// (L2-normalised). `input_size` defaults to 224.
//
// Text encoder: ClipTokenizer ids of length `context_length` (77) are fed as a 1×77 tensor.
// OpenCV DNN feeds float tensors, so ids are passed as float values (exact below 2^24); graphs
// that gather embeddings by id accept them after OpenCV's own cast. First output flattened and
// L2-normalised.
//
// Dim() is discovered by running the model once on a blank input at Load(). Loading fails with
// kNotFound (no file) or kInvalidInput (OpenCV cannot parse the model). Calls are serialised by
// an internal mutex (cv::dnn::Net is not re-entrant), so they are thread safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "georune/embed/clip_tokenizer.h"
#include "georune/embed/embedder.h"

namespace georune::embed {

struct OnnxNet;  // holds the cv::dnn::Net (kept out of this header)

class OnnxClipImageEncoder : public ImageEmbedder {
 public:
  static Result<std::unique_ptr<OnnxClipImageEncoder>> Load(const std::string& onnx_path, int input_size = 224);
  ~OnnxClipImageEncoder() override;
  std::string Name() const override;  // "onnx-clip-image:<file name>/<dim>"
  int Dim() const override { return dim_; }
  Result<std::vector<float>> EmbedImage(const std::string& path) const override;

 private:
  OnnxClipImageEncoder() = default;
  std::unique_ptr<OnnxNet> net_;
  std::string file_name_;
  int input_size_ = 224;
  int dim_ = 0;
};

class OnnxClipTextEncoder : public TextEmbedder {
 public:
  static Result<std::unique_ptr<OnnxClipTextEncoder>> Load(const std::string& onnx_path,
                                                           std::unique_ptr<ClipTokenizer> tokenizer,
                                                           int context_length = 77);
  ~OnnxClipTextEncoder() override;
  std::string Name() const override;  // "onnx-clip-text:<file name>/<dim>"
  int Dim() const override { return dim_; }
  Result<std::vector<float>> EmbedText(std::string_view text) const override;

 private:
  OnnxClipTextEncoder() = default;
  std::unique_ptr<OnnxNet> net_;
  std::unique_ptr<ClipTokenizer> tokenizer_;
  std::string file_name_;
  int context_length_ = 77;
  int dim_ = 0;
};

}  // namespace georune::embed
