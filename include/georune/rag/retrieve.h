// Retrieval as in RS-RAG (§IV, eqs. 6–8): top-τ per modality, union, fused re-ranking, top-K.
//
// Modalities:
//  - text: active when the query has text. s_text(chunk) = w·BM25(chunk)/BM25max +
//    (1−w)·max(0, cos(dense(query), dense(chunk))), with w = bm25_share (default 0.6), BM25
//    with WordNet-widened query terms and BM25max the best BM25 score of the query over the
//    knowledge base (so s_text is in [0, 1]). Top-τ: the union of the τ best BM25 chunks and
//    the 2τ best dense chunks, re-scored exactly, cut to τ.
//  - image: active when the query has an image and the knowledge base has image vectors from
//    the same embedder. s_image(chunk) = max(0, cos(image(query), image(chunk's record))); 0 for
//    chunks whose record has no image. Top-τ: the τ best records; their image_description
//    chunks are the candidates.
// Every candidate of the union is scored in both modalities. Fusion:
//  - kWeighted: score = (1−α)·s_text + α·s_image when both modalities are active; with one
//    active modality, score is that modality's score (α is ignored);
//  - kRrf: score = Σ over active modalities of 1/(rrf_k + rank), rank = 1-based rank of the
//    candidate by that modality's score within the union.
// Results: the top-K by score (ties: lower chunk number), rank 1..K, each with its provenance.
// Empty when no modality is active or nothing matches (not an error). kInvalidInput for
// α outside [0,1], τ = 0 or K = 0; image errors (missing or undecodable) come from the embedder.
// An approximate (HNSW) search that had to scan exactly instead (vector/store.h) adds a line
// to `notes`, when given: the ranks are then exact, and the caller shows why.
//
// Retriever borrows the knowledge base, embedders and WordNet: each must outlive it. It is
// immutable and thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "georune/common/wordnet.h"
#include "georune/embed/embedder.h"
#include "georune/rag/knowledge_base.h"
#include "georune/vector/store.h"

namespace georune::rag {

enum class Fusion { kWeighted, kRrf };

struct RetrieveOptions {
  double alpha = 0.5;  // weight of the image modality
  size_t tau = 20;     // candidates per modality
  size_t top_k = 5;
  Fusion fusion = Fusion::kWeighted;
  double rrf_k = 60;
  double bm25_share = 0.6;
  bool exact = false;  // flat (exact) vector search instead of HNSW
  vector::Filter filter;
};

struct Query {
  std::string text;        // may be empty
  std::string image_path;  // may be empty
};

struct Retrieved {
  uint32_t chunk = 0;
  std::string record_id;
  std::string chunk_type;
  double score = 0;
  std::optional<double> s_text;   // set when the text modality is active
  std::optional<double> s_image;  // set when the image modality is active
  int rank_text = 0;              // 1-based rank in the text top-τ; 0 when not among them
  int rank_image = 0;             // 1-based rank in the image top-τ; 0 when not among them
  int rank = 0;                   // 1-based final rank
};

class Retriever {
 public:
  // `image` and `wordnet` may be null. `text` must produce the knowledge base's text vectors.
  Retriever(const KnowledgeBase& kb, const embed::TextEmbedder& text, const embed::ImageEmbedder* image,
            const WordNet* wordnet)
      : kb_(kb), text_(text), image_(image), wordnet_(wordnet) {}

  Result<std::vector<Retrieved>> Retrieve(const Query& query, const RetrieveOptions& options,
                                          std::vector<std::string>* notes = nullptr) const;

 private:
  const KnowledgeBase& kb_;
  const embed::TextEmbedder& text_;
  const embed::ImageEmbedder* image_;
  const WordNet* wordnet_;
};

}  // namespace georune::rag
