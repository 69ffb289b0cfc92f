// Embedders: text and images to dense vectors, behind one interface.
//
// Every embedder returns an L2-normalised float vector of exactly Dim() entries, so that the
// inner product of two embeddings is their cosine similarity in [-1, 1]. Name() identifies the
// model and its parameters; a knowledge base stores it and refuses a query embedder whose name
// differs (vectors from different models are not comparable).
//
// Implementations:
//  - HashedTextEmbedder (hashed_text.h): offline default, deterministic, no files needed;
//  - ImageStatsEmbedder (image_stats.h): offline default, colour and texture statistics;
//  - OnnxClipTextEncoder / OnnxClipImageEncoder (onnx_clip.h): CLIP-family ONNX models.
//
// Errors: an unreadable image or a failing model returns a non-OK Status; nothing throws.
// Thread safety: every implementation here may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"

namespace georune::embed {

class TextEmbedder {
 public:
  virtual ~TextEmbedder() = default;
  virtual std::string Name() const = 0;
  virtual int Dim() const = 0;
  // An L2-normalised embedding of `text` (UTF-8). Empty text gives the zero vector.
  virtual Result<std::vector<float>> EmbedText(std::string_view text) const = 0;
};

class ImageEmbedder {
 public:
  virtual ~ImageEmbedder() = default;
  virtual std::string Name() const = 0;
  virtual int Dim() const = 0;
  // An L2-normalised embedding of the image file at `path` (any format OpenCV reads).
  // kNotFound if the file does not exist, kInvalidInput if it cannot be decoded.
  virtual Result<std::vector<float>> EmbedImage(const std::string& path) const = 0;
};

// Scales `v` to unit L2 norm in place; leaves an all-zero vector as it is.
void L2Normalize(std::vector<float>& v);
// Inner product of two equally long vectors (cosine when both are normalised).
float Dot(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace georune::embed
