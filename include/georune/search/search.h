// Running a bound query over an archive: candidate pruning, evaluation, ranking, witnesses.
//
// Run() scores every image (spec §5), returns them ranked by score descending then image id
// ascending, each with its witness (the best assignment of entities to the query's variables)
// and the value of each atom under it. Only images with score > 0 are listed; `top_k` > 0
// keeps the first k. The answer does not depend on the options in `disabled` nor on
// `reference` (spec §6): those change only the time taken.
//
// Errors: kInvalidInput for metric units on an image without gsd (and no default gsd);
// kTooComplex when a budget runs out, naming the part of the formula to blame.
// Thread safety: Run() may be called concurrently on one Archive.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/logic/bound.h"
#include "georune/reason/params.h"

namespace georune::reason {
class Evaluator;
}

namespace georune::search {

struct SearchOptions {
  reason::TruthParams truth;
  size_t top_k = 10;                   // 0 = every image with score > 0
  bool reference = false;              // plain nested-loop evaluation (spec §6)
  std::set<std::string> disabled;      // optimisations switched off by name (see ListOptimizations)
  uint64_t image_budget = 50'000'000;  // assignments tried per image before kTooComplex
  double query_budget_seconds = 30.0;  // wall time before kTooComplex
  // When the budget started (the process start, for a CLI); the default: when Run() starts.
  std::chrono::steady_clock::time_point budget_start{};
  int threads = 0;       // 0 = all cores
  bool explain = false;  // fill SearchResponse::plan
  // Fill each result's witness and atoms. Off, results carry image, id and score only, and an
  // Explainer fills the rows a caller prints (streaming large answers).
  bool explain_results = true;
};

// Names accepted in SearchOptions::disabled, with a line describing each.
std::vector<std::pair<std::string, std::string>> ListOptimizations();

struct AtomValue {
  std::string atom;  // canonical print with the witness's variables, e.g. "near(a, b)"
  double value = 0;
};

struct ImageResult {
  uint32_t image = 0;
  std::string image_id;
  double score = 0;
  std::vector<std::pair<std::string, int>> witness;  // variable name → entity id in its image
  std::vector<AtomValue> atoms;
};

struct SearchStats {
  uint64_t images = 0;       // in the archive
  uint64_t candidates = 0;   // left after archive-level pruning
  uint64_t evaluated = 0;    // actually evaluated
  uint64_t from_counts = 0;  // of those, scored from the class index's counts (class-counts)
  double ms = 0;
};

struct SearchResponse {
  std::vector<ImageResult> results;
  SearchStats stats;
  std::string plan;  // when SearchOptions::explain
};

Result<SearchResponse> Run(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options);

// Explains results of Run() one at a time: the witness and atom values Run() gives with
// explain_results (the same evaluator on the image's scene). Not thread safe: one per thread.
// `archive` and `query` must outlive it.
class Explainer {
 public:
  Explainer(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options);
  ~Explainer();
  // Fills result->witness and result->atoms (result->image and score as Run() set them).
  // kInternal when the image's value disagrees with result->score; kTooComplex past the budget.
  Status Explain(ImageResult* result);

 private:
  const Archive& archive_;
  SearchOptions options_;
  std::vector<bool> keep_class_;
  std::unique_ptr<reason::Evaluator> evaluator_;
};

// The plan Run() will follow, before running it (for --explain): the bound formula, the archive
// stage's optimisers, and the physical plan (plan/physical.h) with estimates from the archive's
// class statistics. Run()'s SearchResponse::plan then repeats the plan with what each operator
// did.
std::string PlanBeforeRun(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options);

}  // namespace georune::search
