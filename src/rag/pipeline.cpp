#include "georune/rag/pipeline.h"

#include <charconv>

#include "georune/embed/hashed_text.h"
#include "georune/embed/image_stats.h"
#include "georune/embed/onnx_clip.h"

namespace georune::rag {

Result<Embedders> MakeEmbedders(const EmbedderConfig& c) {
  Embedders e;
  if (!c.clip_text_onnx.empty()) {
    if (c.clip_vocab.empty()) {
      return Status::InvalidInput(
          "a CLIP text encoder needs its vocabulary (hint: give the CLIP "
          "vocabulary: bpe_simple_vocab_16e6.txt, or vocab.json with merges.txt)");
    }
    GEORUNE_ASSIGN_OR_RETURN(auto tok, embed::ClipTokenizer::Load(c.clip_vocab, c.clip_merges));
    GEORUNE_ASSIGN_OR_RETURN(e.text, embed::OnnxClipTextEncoder::Load(c.clip_text_onnx, std::move(tok)));
  } else {
    e.text = std::make_unique<embed::HashedTextEmbedder>(c.hashed_dim);
  }
  if (!c.clip_image_onnx.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(e.image, embed::OnnxClipImageEncoder::Load(c.clip_image_onnx, c.clip_image_size));
  } else {
    e.image = std::make_unique<embed::ImageStatsEmbedder>();
  }
  return e;
}

Result<Embedders> MakeEmbeddersFor(const KnowledgeBase& kb, EmbedderConfig config) {
  constexpr std::string_view kHashed = "hashed-text-v1/";
  const std::string& built_with = kb.text_embedder();
  if (built_with.starts_with(kHashed)) {
    const char* first = built_with.data() + kHashed.size();
    const char* last = built_with.data() + built_with.size();
    auto [end, ec] = std::from_chars(first, last, config.hashed_dim);
    if (ec != std::errc() || end != last || config.hashed_dim <= 0) {
      return Status::Corrupt("the knowledge base names an unknown text embedder '" + built_with + "'");
    }
  } else if (config.clip_text_onnx.empty()) {
    return Status::InvalidInput("the knowledge base was built with " + built_with +
                                " (hint: give the CLIP text encoder and vocabulary it was built with)");
  }
  GEORUNE_ASSIGN_OR_RETURN(Embedders embedders, MakeEmbedders(config));
  if (embedders.text->Name() != built_with) {
    return Status::InvalidInput("text embedder " + embedders.text->Name() + " differs from the knowledge base's " +
                                built_with);
  }
  return embedders;
}

Result<AskResult> Ask(const KnowledgeBase& kb, const Retriever& retriever, const AskRequest& request,
                      llm::ChatClient* client) {
  AskResult result;
  GEORUNE_ASSIGN_OR_RETURN(result.retrieved,
                           retriever.Retrieve({request.question, request.image_path}, request.retrieve, &result.notes));
  AnswerOptions answer_options = request.answer;
  answer_options.filter = request.retrieve.filter;
  result.extractive = AnswerExtractive(kb, result.retrieved, request.task, request.question, answer_options);
  result.status = result.extractive.status;
  FusedContext fused = FuseExtractive(kb, result.retrieved, request.context_words);
  result.context = fused.text;
  // The LLM answers single-landmark questions only, from that landmark's chunks; abstentions,
  // ambiguities and lists/superlatives are decided over the records, never generated.
  const bool decided = result.extractive.status != AnswerStatus::kAnswered || result.extractive.structured;
  if (client && !(request.task == Task::kVqa && decided)) {
    const ExtractiveAnswer& e = result.extractive;
    const bool named = !e.record_id.empty() && !e.sources.empty() && e.sources[0].name_score > 0;
    if (request.task == Task::kVqa && named) {
      RetrieveOptions one = request.retrieve;
      one.filter.record_id = e.record_id;
      GEORUNE_ASSIGN_OR_RETURN(result.retrieved,
                               retriever.Retrieve({request.question, request.image_path}, one, &result.notes));
      result.context = FuseExtractive(kb, result.retrieved, request.context_words).text;
    }
    if (request.llm_fuse && !result.retrieved.empty()) {
      GEORUNE_ASSIGN_OR_RETURN(result.context,
                               FuseWithLlm(*client, kb, result.retrieved, request.question, request.generate));
    }
    result.prompt = BuildPrompt(request.task, request.question, result.context);
    GEORUNE_ASSIGN_OR_RETURN(result.answer, Generate(*client, result.prompt, request.image_path, request.generate));
    result.generated = true;
    if (result.answer.find(kNoAnswerReply) != std::string::npos) result.status = AnswerStatus::kNotFound;
    return result;
  }
  result.answer = result.extractive.answer;
  return result;
}

}  // namespace georune::rag
