#include "rag_options.h"

namespace georune::cli {

rag::RetrieveOptions RagQueryArgs::Retrieve() const {
  rag::RetrieveOptions r = retrieve;
  r.fusion = fusion == "rrf" ? rag::Fusion::kRrf : rag::Fusion::kWeighted;
  return r;
}

Result<std::unique_ptr<WordNet>> RagQueryArgs::OpenWordNet() const {
  if (no_wordnet) return std::unique_ptr<WordNet>();
  return WordNet::Open(WordNet::kDefaultDir);
}

void AddClipOptions(CLI::App* cmd, rag::EmbedderConfig& e) {
  cmd->add_option("--clip-text", e.clip_text_onnx, "CLIP text encoder (ONNX)");
  cmd->add_option("--clip-vocab", e.clip_vocab, "bpe_simple_vocab_16e6.txt or vocab.json");
  cmd->add_option("--clip-merges", e.clip_merges, "merges.txt (with vocab.json)");
  cmd->add_option("--clip-image", e.clip_image_onnx, "CLIP image encoder (ONNX)");
  cmd->add_option("--clip-image-size", e.clip_image_size, "CLIP image input size (default 224)");
}

void AddRagQueryOptions(CLI::App* cmd, RagQueryArgs& a) {
  cmd->add_option("--alpha", a.retrieve.alpha, "image weight in fused scores (0.5)");
  cmd->add_option("--tau", a.retrieve.tau, "candidates per modality (20)");
  cmd->add_option("--top-k", a.retrieve.top_k, "chunks kept after re-ranking, the answer's sources (5)");
  cmd->add_option("--fusion", a.fusion, "weighted or rrf")->check(CLI::IsMember({"weighted", "rrf"}));
  cmd->add_flag("--exact", a.retrieve.exact, "exact (flat) vector search instead of HNSW");
  cmd->add_flag("--no-wordnet", a.no_wordnet, "no WordNet widening of query terms");
  AddClipOptions(cmd, a.embed);
}

}  // namespace georune::cli
