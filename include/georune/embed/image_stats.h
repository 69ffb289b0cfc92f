// The offline image embedding: colour and texture statistics, and detected objects as text.
//
// ImageStatsEmbedder (dim 128): the image is resized to 128×128 and described by
//  - an HSV colour histogram, 8 hue × 4 saturation × 3 value bins (96 values);
//  - a gradient-orientation histogram, 8 bins weighted by Sobel magnitude, for 2×2 quadrants
//    (32 values).
// Each block is L1-normalised, square-rooted (Hellinger) and weighted, then the whole vector is
// L2-normalised. It finds images of similar colour and texture, not similar meaning.
//
// DescribeObjects() turns the detected objects of an image (class name → count, e.g. from an
// archive) into text such as "3 planes, 1 storage tank", to be embedded as text.
#pragma once

#include <map>
#include <string>

#include "georune/embed/embedder.h"

namespace georune::embed {

class ImageStatsEmbedder : public ImageEmbedder {
 public:
  std::string Name() const override { return "image-stats-v1/128"; }
  int Dim() const override { return 128; }
  Result<std::vector<float>> EmbedImage(const std::string& path) const override;
  // The same for an encoded image in memory (PNG, JPEG, …).
  Result<std::vector<float>> EmbedEncoded(const std::string& bytes) const;
};

// "<n> <class>" joined by ", " in class-name order; classes with count 0 are left out; "-" in a
// class name becomes a space; empty map → "no detected objects".
std::string DescribeObjects(const std::map<std::string, int>& class_counts);

}  // namespace georune::embed
