// The RSWK benchmark runner (`georune kb eval`): every question of the set through retrieval
// and the extractive answerer of a knowledge base, scored per question file.
//
// Per question: the retriever is asked for max(top_k, 8·K) chunks for each K of recall_k
// (ranks of records for recall@K and MRR), and the extractive answer is drawn from the first
// top_k of them. Per file ("kind"): n, recall@K of the gold record, MRR, mean ms/question and
// either classification accuracy (classification files) or the text metrics of `metrics`
// (exact match, BLEU-1..4, METEOR, ROUGE-L, CIDEr; text_metrics.h).
// The report is JSON: kb, records, chunks, questions, skipped_not_in_kb, params, by_file, and
// notes (only when retrieval had to scan exactly instead of using the HNSW graph).
// Errors of retrieval or scoring are returned as they are.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/eval/text_metrics.h"
#include "georune/rag/retrieve.h"
#include "georune/rag/rswk_bench.h"

namespace georune::eval {

struct RswkEvalOptions {
  rag::RetrieveOptions retrieve;  // top_k: the chunks an answer is drawn from
  std::vector<int> recall_k = {1, 5, 10};
  MetricsMode metrics = MetricsMode::kRsrag;
  // Recorded in the report (they shape the results but are applied by the caller).
  std::string kb_path;
  bool wordnet = true;
  size_t skipped = 0;  // questions left out by LoadRswkQuestions
};

struct RswkEvalResult {
  nlohmann::json report;
  // One object per question (id, question, gold, answer, field, record_rank, gold_record).
  std::vector<nlohmann::json> predictions;
};

Result<RswkEvalResult> RunRswkEval(const rag::KnowledgeBase& kb, const rag::Retriever& retriever,
                                   const std::vector<rag::BenchItem>& items, const RswkEvalOptions& options);

// The report as `georune kb eval` prints it in text: a title line, then one line per file.
std::string RswkEvalText(const nlohmann::json& report, const std::vector<int>& recall_k);

}  // namespace georune::eval
