// Context fusion, prompt construction and answers (RS-RAG §IV, eqs. 9–11).
//
// FuseExtractive(): the offline Knowledge-Conditioned Context Fusion. Retrieved chunks are
// deduplicated (identical normalised text, or term-set Jaccard >= 0.9 with a chunk already
// kept), then picked greedily by maximal marginal relevance, MMR = λ·rel − (1−λ)·max sim to the
// picked ones (rel = the chunk's retrieval score normalised by the best; sim = cosine of hashed
// text embeddings; λ = 0.7), until `max_words` words are used (the first pick always fits).
// The context lists the picked chunks as "[n] NAME (type): text", one a line.
//
// BuildPrompt(): Concat[instruction φ, question q_T, header ψ ("Retrieved context:"), context R],
// joined by newlines; φ depends on the task.
//
// AnswerExtractive(): the offline answerer.
//  - classify: weighted vote over the categories of the retrieved chunks' records (weight =
//    retrieval score); when the question lists allowed categories ("following N categories:
//    A, B, …"), only those count (case-insensitive); empty when no retrieved record votes.
//  - vqa: the best record (highest chunk score) and the asked field, found by keywords
//    (DetectField) after the record's own name is removed from the question; a remote-sensing
//    variable named in the question (ALBEDO, LST_Day_1km, …) and a month ("January 2019") are
//    matched against the record's variables and monthly values (the raw value is the answer);
//    a variable described in words ("soil moisture", "wind speed", …) is answered as a
//    sentence "The <label> is <value>.". When no field matches, the
//    sentence of the retrieved chunks sharing most terms with the question.
//  - caption: a template filled from the best record: "NAME is a CATEGORY in AREA, built in
//    PERIOD. <first sentence of its historical background>".
// The answer is empty when nothing was retrieved.
//
// With GEORUNE_HAVE_LLM, FuseWithLlm() and Generate() send chat requests through the shared
// llm::ChatClient (images as base64 data URLs, optional streaming).
// All functions are thread safe for distinct outputs.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"
#include "georune/rag/knowledge_base.h"
#include "georune/rag/retrieve.h"

#ifdef GEORUNE_HAVE_LLM
#include "georune/llm/chat_client.h"
#endif

namespace georune::rag {

enum class Task { kVqa, kCaption, kClassify };
// "vqa" | "caption" | "classify"; kInvalidInput otherwise.
Result<Task> ParseTask(std::string_view name);
const char* TaskName(Task task);

struct FusedContext {
  std::string text;
  std::vector<uint32_t> chunks;  // the chunks used, in context order
};

FusedContext FuseExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                            size_t max_words = 400, double lambda = 0.7);

inline constexpr const char* kContextHeader = "Retrieved context:";
std::string Instruction(Task task);
std::string BuildPrompt(Task task, std::string_view question, std::string_view context);

// The record field asked for ("Construction_Period", …), or "" when none is recognised.
std::string DetectField(std::string_view question);

struct ExtractiveAnswer {
  std::string answer;
  std::string record_id;  // the record the answer came from; "" when none
  std::string field;      // the field or variable used; "" for sentence fallback / vote
};

ExtractiveAnswer AnswerExtractive(const KnowledgeBase& kb,
                                  const std::vector<Retrieved>& retrieved, Task task,
                                  std::string_view question);

#ifdef GEORUNE_HAVE_LLM
struct GenerateOptions {
  std::string model;
  double temperature = 0;
  int max_tokens = 512;
  bool stream = false;
  std::function<bool(std::string_view)> on_delta;  // when streaming; may be empty
};
// The LLM's fusion of the retrieved chunks into one context (paper eq. 9).
Result<std::string> FuseWithLlm(llm::ChatClient& client, const KnowledgeBase& kb,
                                const std::vector<Retrieved>& retrieved,
                                std::string_view question, const GenerateOptions& options);
// The answer to `prompt`, with the image (if any) attached as a base64 data URL.
Result<std::string> Generate(llm::ChatClient& client, const std::string& prompt,
                             const std::string& image_path, const GenerateOptions& options);
#endif

}  // namespace georune::rag
