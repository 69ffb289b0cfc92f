#include "georune/embed/embedder.h"

#include <cmath>

#include "georune/common/assert.h"

namespace georune::embed {

void L2Normalize(std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  if (s <= 0) return;
  const float inv = float(1.0 / std::sqrt(s));
  for (float& x : v) x *= inv;
}

float Dot(const std::vector<float>& a, const std::vector<float>& b) {
  GEORUNE_ASSERT(a.size() == b.size(), "vectors of one embedding space have one dimension");
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return float(s);
}

}  // namespace georune::embed
