// Internal to search: the execute stage over the archive. EvaluationPass scores a run's
// candidates on all cores and ranks them; the per-image steps it shares with search::Explainer
// (the evaluator of a run, the scene of an image, errors naming the image) are declared here too.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/plan/optimizer.h"
#include "georune/plan/physical.h"
#include "georune/reason/planner.h"
#include "georune/search/search.h"
#include "search/class_counts.h"

namespace georune::search {

using Clock = std::chrono::steady_clock;

// Whether optimiser `o` is on (not named in options.disabled).
bool Enabled(const SearchOptions& options, plan::Optimizer o);
// When evaluation stops: 95 % of the query budget after options.budget_start (or `start`).
Clock::time_point DeadlineOf(const SearchOptions& options, Clock::time_point start);
// The classes a scene keeps (empty: all).
std::vector<bool> KeptClasses(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options);
// The run's evaluator: the reference loops, or the planned evaluator executing `physical`.
std::unique_ptr<reason::Evaluator> MakeEvaluator(const logic::BoundQuery& query, const SearchOptions& options,
                                                 Clock::time_point deadline,
                                                 std::shared_ptr<const plan::PhysicalPlan> physical);
// The scene of a checked image (Archive::CheckImage), with the default gsd where it has none.
reason::Scene SceneOf(const Archive& archive, uint32_t image, const reason::TruthParams& truth,
                      const std::vector<bool>& keep_class);
// An evaluation error, naming the image.
Status Blame(const Archive& archive, uint32_t image, const Status& st);
// Moves a score's witness and atom values into a result.
void MoveExplanation(reason::ImageScore&& score, ImageResult* r);

// One run's evaluation of its candidates (the execute stage over the archive), in named steps:
// evaluate in id order (every image), or for --top K a probe in id order then the rest best
// upper bound first until no image left can enter; then rank. Scores are kept per candidate
// for determinism; the first error by candidate position wins.
class EvaluationPass {
 public:
  EvaluationPass(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options,
                 std::vector<uint32_t> candidates, std::shared_ptr<const plan::PhysicalPlan> physical,
                 Clock::time_point start);

  // Scores the candidates (all, or enough for the top k).
  Status EvaluateAll();

  // Score descending, then image id ascending; the top k, each explained where the pass did.
  // `unexplained`: positions of the results still to explain.
  std::vector<ImageResult> Rank(std::vector<size_t>* unexplained);

  size_t candidates() const { return candidates_.size(); }
  uint64_t evaluated() const { return evaluated_.load(); }
  uint64_t from_counts() const { return from_counts_.load(); }
  size_t threads() const { return threads_; }
  bool use_bounds() const { return use_bounds_; }
  const std::vector<bool>& keep_class() const { return keep_class_; }
  const reason::PlannedEvaluator::Stats& plan_stats() const { return plan_stats_; }

 private:
  // Evaluates order[0, limit) on all threads; returns once done, settled or failed.
  void Evaluate(const std::vector<uint32_t>& order, size_t limit);

  // One thread's loop: its evaluator (and class-count scorer) take the next image in order.
  void Worker(const std::vector<uint32_t>& order, size_t limit, std::atomic<size_t>& next);

  // The image's score (from the class counts when they decide it); nullopt after recording an
  // error (past the deadline, a damaged block, an evaluation refused).
  std::optional<double> ScoreImage(reason::Evaluator& evaluator, std::optional<ClassCountScorer>& counts, size_t i);

  // With --top K: keeps the k best scores so far (a heap whose front is the k-th) and settles
  // once the image next in order cannot enter: its bound below the k-th score, or equal with a
  // larger image id. Settling skips that position and every later one, never an image already
  // claimed: a slower thread may still be scoring one before it.
  void Offer(double value, size_t i, const std::vector<uint32_t>& order, const std::atomic<size_t>& next);

  // A worker's statistics join the run's: the plan's counters and the images from the counts.
  void FinishWorker(reason::Evaluator& evaluator, const std::optional<ClassCountScorer>& counts);

  // Upper bounds of the scores of `rest` from each image's best confidence per class.
  void ComputeBounds(const std::vector<uint32_t>& rest);

  void SortByBound(std::vector<uint32_t>* rest) const;

  void Fail(size_t index, Status st);

  Status FirstError() const { return first_error_ ? first_error_->second : Status::Ok(); }

  struct Kth {
    double score;
    std::string_view id;
  };
  static bool Worse(const Kth& a, const Kth& b) { return a.score != b.score ? a.score > b.score : a.id < b.id; }

  static constexpr size_t kImagesPerClaim = 64;  // per claim of a worker, without --top K

  const Archive& archive_;
  const logic::BoundQuery& query_;
  const SearchOptions& options_;
  const std::vector<uint32_t> candidates_;
  const std::shared_ptr<const plan::PhysicalPlan> physical_;
  const std::vector<bool> keep_class_;
  const Clock::time_point deadline_;
  const bool use_counts_, use_bounds_, explain_in_pass_;
  const size_t threads_;
  const bool ids_ascending_;
  std::vector<double> scores_;
  std::vector<double> bound_;  // 1 bounds every score
  std::vector<std::optional<reason::ImageScore>> explained_;
  std::mutex mu_;                                        // top_, plan_stats_
  std::vector<Kth> top_;                                 // a heap whose front is the worst of the best k
  reason::PlannedEvaluator::Stats plan_stats_;           // merged from the workers, for --explain
  std::atomic<uint64_t> evaluated_{0}, from_counts_{0};  // added once per worker
  // Read before every image by every worker, written rarely: a cache line of their own.
  alignas(64) std::atomic<bool> stop_{false};
  // The first position in order that no longer needs scoring (kNotSettled: none).
  static constexpr size_t kNotSettled = std::numeric_limits<size_t>::max();
  std::atomic<size_t> settled_from_{kNotSettled};
  std::mutex error_mu_;
  std::optional<std::pair<size_t, Status>> first_error_;  // lowest candidate index wins
};

}  // namespace georune::search
