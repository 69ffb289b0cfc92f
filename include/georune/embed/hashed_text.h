// The offline dense text embedding: hashed features (the "hashing trick").
//
// Features: stemmed non-stopword unigrams (weight 1), adjacent-term bigrams (0.5) and character
// trigrams of each stemmed term with boundary marks (0.25, spread over the term's trigrams). Each
// feature is hashed with XXH3 to a coordinate and a sign; counts are damped with 1 + ln(tf);
// the vector is L2-normalised. Deterministic across runs and machines. Default dim 256.
#pragma once

#include "georune/embed/embedder.h"

namespace georune::embed {

class HashedTextEmbedder : public TextEmbedder {
 public:
  explicit HashedTextEmbedder(int dim = 256) : dim_(dim) {}
  std::string Name() const override;  // "hashed-text-v1/<dim>"
  int Dim() const override { return dim_; }
  Result<std::vector<float>> EmbedText(std::string_view text) const override;

 private:
  int dim_;
};

}  // namespace georune::embed
