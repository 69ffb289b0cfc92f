#include "georune/embed/hashed_text.h"

#include <cmath>
#include <unordered_map>

#include "georune/common/files.h"
#include "georune/embed/text_tokens.h"

namespace georune::embed {

std::string HashedTextEmbedder::Name() const { return "hashed-text-v1/" + std::to_string(dim_); }

Result<std::vector<float>> HashedTextEmbedder::EmbedText(std::string_view text) const {
  std::unordered_map<std::string, double> features;
  const auto terms = IndexTerms(text);
  for (size_t i = 0; i < terms.size(); ++i) {
    features["u:" + terms[i]] += 1.0;
    if (i + 1 < terms.size()) features["b:" + terms[i] + " " + terms[i + 1]] += 0.5;
    const std::string padded = "<" + terms[i] + ">";
    if (padded.size() >= 3) {
      const double w = 0.25 / double(padded.size() - 2);
      for (size_t j = 0; j + 3 <= padded.size(); ++j) features["c:" + padded.substr(j, 3)] += w;
    }
  }
  std::vector<float> v(size_t(dim_), 0.0f);
  for (const auto& [f, count] : features) {
    const uint64_t h = Checksum64(f);
    const size_t idx = size_t(h % uint64_t(dim_));
    const float sign = (h >> 63) ? -1.0f : 1.0f;
    const double damped = count >= 1.0 ? 1.0 + std::log(count) : count;  // 1 + ln(tf)
    v[idx] += sign * float(damped);
  }
  L2Normalize(v);
  return v;
}

}  // namespace georune::embed
