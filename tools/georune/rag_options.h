// The options shared by `georune ask` and `georune kb eval` (retrieval, WordNet, CLIP
// encoders), declared once; `kb build` shares the CLIP ones.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "georune/common/wordnet.h"
#include "georune/rag/pipeline.h"

namespace georune::cli {

struct RagQueryArgs {
  rag::RetrieveOptions retrieve;
  std::string fusion = "weighted";
  bool no_wordnet = false;
  rag::EmbedderConfig embed;

  // `retrieve` with the fusion named by `fusion`.
  rag::RetrieveOptions Retrieve() const;
  // WordNet from its default folder, or null with --no-wordnet.
  Result<std::unique_ptr<WordNet>> OpenWordNet() const;
};

// --clip-text, --clip-vocab, --clip-merges, --clip-image, --clip-image-size.
void AddClipOptions(CLI::App* cmd, rag::EmbedderConfig& embed);
// --alpha, --tau, --top-k, --fusion, --exact, --no-wordnet and the CLIP options.
void AddRagQueryOptions(CLI::App* cmd, RagQueryArgs& args);

}  // namespace georune::cli
