// The RS-RAG pipeline in one call: retrieve → fuse → prompt → answer.
//
// EmbedderConfig selects the embedders: by default the offline ones (HashedTextEmbedder,
// ImageStatsEmbedder); with clip_text_onnx (+ clip_vocab [+ clip_merges]) and/or
// clip_image_onnx the CLIP ONNX encoders. MakeEmbedders() loads them (errors as in onnx_clip.h).
//
// Ask():
//  - retrieves with `request.retrieve` (retrieve.h);
//  - fuses the context extractively (answer.h), or with the LLM when llm_fuse and a client;
//  - the extractive answer (answer.h) is always computed, with `answer` options and the
//    retrieval filter (category, box) restricting lists and superlatives;
//  - without a client: the answer and status are the extractive ones, and `prompt` stays empty;
//  - with a client, for classify and caption, and for vqa when the extractive answerer found
//    exactly one landmark by name (or none was named, generic documents): the prompt
//    Concat[φ, q, ψ, R] is sent with the image (if any) — R from that landmark's chunks only
//    when one was found — and the LLM's reply is the answer; a reply containing
//    kNoAnswerReply makes the status not_found. A vqa question that is not_found, ambiguous,
//    a list or a superlative is answered extractively and not sent (generated = false).
//    Errors of the endpoint are returned (kUnavailable), never replaced by an offline answer
//    silently.
// Thread safe when the client is (HttpChatClient is).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "georune/embed/embedder.h"
#include "georune/rag/answer.h"
#include "georune/rag/knowledge_base.h"
#include "georune/rag/retrieve.h"

namespace georune::rag {

struct EmbedderConfig {
  std::string clip_text_onnx;
  std::string clip_vocab;   // bpe_simple_vocab_16e6.txt or vocab.json
  std::string clip_merges;  // merges.txt with vocab.json
  std::string clip_image_onnx;
  int clip_image_size = 224;
  int hashed_dim = 256;
};

struct Embedders {
  std::unique_ptr<embed::TextEmbedder> text;
  std::unique_ptr<embed::ImageEmbedder> image;
};

Result<Embedders> MakeEmbedders(const EmbedderConfig& config);

// The embedders a knowledge base was built with: its hashed text dimension, or the CLIP
// encoders named in `config`. kInvalidInput when `config` cannot give the same text embedder.
Result<Embedders> MakeEmbeddersFor(const KnowledgeBase& kb, EmbedderConfig config);

struct AskRequest {
  std::string question;
  std::string image_path;
  Task task = Task::kVqa;
  RetrieveOptions retrieve;
  size_t context_words = 400;
  AnswerOptions answer;  // name threshold, list limit (its filter is retrieve.filter)
  bool llm_fuse = false;
  GenerateOptions generate;
};

struct AskResult {
  std::string answer;
  std::string prompt;   // empty when no LLM was asked
  std::string context;  // the fused context
  std::vector<Retrieved> retrieved;
  ExtractiveAnswer extractive;  // the offline answer (always computed)
  AnswerStatus status = AnswerStatus::kAnswered;
  bool generated = false;  // true when the answer came from the LLM
  // What the caller should know about how the answer was found (retrieve.h: an HNSW search
  // answered by an exact scan). Empty normally.
  std::vector<std::string> notes;
};

Result<AskResult> Ask(const KnowledgeBase& kb, const Retriever& retriever, const AskRequest& request,
                      llm::ChatClient* client);

// The answer as `georune ask --format json` prints it (without the request's "params"):
// question, task, answer, status, looked_for, structured, sources, prompt, context, generated,
// answer_source, the retrieved chunks and, when there are any, the notes. The CLI and the
// Python module both print this.
nlohmann::json AskResultJson(const KnowledgeBase& kb, std::string_view question, std::string_view task,
                             const AskResult& result);

}  // namespace georune::rag
