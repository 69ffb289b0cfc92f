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
// AnswerExtractive(): the offline answerer, one file per kind of question.
//  - classify (answer.cpp): weighted vote over the categories of the retrieved chunks' records
//    (weight = retrieval score); when the question lists allowed categories ("following N
//    categories: A, B, …"), only those count (case-insensitive); empty when no record votes.
//  - caption (answer.cpp): a template filled from the best record: "NAME is a CATEGORY in
//    AREA, built in PERIOD. <first sentence of its historical background>".
//  - vqa naming a landmark (answer_vqa.cpp): the landmark is found by name (landmark_match.h:
//    folded, fuzzy, threshold `name_threshold`), not by retrieval rank; two equal matches are
//    "ambiguous" (both listed), none is "not_found" naming what was looked for. The field
//    comes from the lexicon (field_lexicon.h); a variable named by its code (ALBEDO,
//    LST_Day_1km) and a month ("January 2019") give the raw value; a variable in words gives
//    "The <label> (<CODE>) is <value>." (a second source of the same quantity is appended);
//    a world-knowledge field gives its text. A field the record lacks is "not_found". No
//    field asked: the record's sentence sharing most terms with the question.
//  - vqa lists and superlatives (structured_query.h): answered over the records' fields.
//  - vqa naming nothing the knowledge base knows, with no field asked and no capitalised
//    name: the retrieved sentence sharing most terms with the question (generic documents).
// `sources` says where each part of the answer came from.
//
// FuseWithLlm() and Generate() send chat requests through the shared
// llm::ChatClient (images as base64 data URLs, optional streaming).
// All functions are thread safe for distinct outputs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"
#include "georune/rag/knowledge_base.h"
#include "georune/rag/landmark_match.h"
#include "georune/rag/retrieve.h"

#include "georune/llm/chat_client.h"

namespace georune::rag {

enum class Task { kVqa, kCaption, kClassify };
// "vqa" | "caption" | "classify"; kInvalidInput otherwise.
Result<Task> ParseTask(std::string_view name);
const char* TaskName(Task task);

struct FusedContext {
  std::string text;
  std::vector<uint32_t> chunks;  // the chunks used, in context order
};

FusedContext FuseExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, size_t max_words = 400,
                            double lambda = 0.7);

inline constexpr const char* kContextHeader = "Retrieved context:";
std::string Instruction(Task task);
std::string BuildPrompt(Task task, std::string_view question, std::string_view context);
// What the LLM is told to reply when the context lacks the answer (Instruction(kVqa) says so);
// a reply containing it is "not_found".
inline constexpr const char* kNoAnswerReply = "The context does not contain the answer.";

// The world-knowledge field asked for ("Construction_Period", …), or "" when none is
// recognised (field_lexicon.h).
std::string DetectField(std::string_view question);

enum class AnswerStatus { kAnswered, kNotFound, kAmbiguous };
const char* StatusName(AnswerStatus status);  // "answered" | "not_found" | "ambiguous"

struct AnswerSource {
  std::string record_id;
  std::string name;
  std::string field;                      // the record's field or variable; "" for a vote or a sentence
  std::string value;                      // the value used (units kept)
  double name_score = 0;                  // landmark-name similarity; 0 when not named
  std::optional<double> retrieval_score;  // best retrieved chunk of the record, if any
};

struct ExtractiveAnswer {
  std::string answer;
  std::string record_id;  // the record the answer came from; "" when none or several
  std::string field;      // the field or variable used; "" for sentence fallback / vote
  AnswerStatus status = AnswerStatus::kAnswered;
  std::string looked_for;   // what was looked for (always set for not_found and ambiguous)
  bool structured = false;  // a list or superlative answered over the records' fields
  std::vector<AnswerSource> sources;
};

struct AnswerOptions {
  // The knowledge base's landmark names, folded once (LandmarkIndex(kb.records())); built per
  // question when null. Callers answering many questions share one.
  std::shared_ptr<const LandmarkIndex> names;
  double name_threshold = kNameThreshold;
  size_t list_limit = 20;  // most records a list or superlative answer shows
  vector::Filter filter;   // category and box restrict lists and superlatives too
};

ExtractiveAnswer AnswerExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, Task task,
                                  std::string_view question, const AnswerOptions& options = {});

struct GenerateOptions {
  std::string model;
  double temperature = 0;
  int max_tokens = 512;
  bool stream = false;
  std::function<bool(std::string_view)> on_delta;  // when streaming; may be empty
};
// The LLM's fusion of the retrieved chunks into one context (paper eq. 9).
Result<std::string> FuseWithLlm(llm::ChatClient& client, const KnowledgeBase& kb,
                                const std::vector<Retrieved>& retrieved, std::string_view question,
                                const GenerateOptions& options);
// The answer to `prompt`, with the image (if any) attached as a base64 data URL.
Result<std::string> Generate(llm::ChatClient& client, const std::string& prompt, const std::string& image_path,
                             const GenerateOptions& options);

}  // namespace georune::rag
