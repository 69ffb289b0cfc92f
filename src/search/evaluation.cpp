// EvaluationPass: a run's candidates scored on all cores, then ranked (see evaluation.h).
#include "search/evaluation.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "georune/common/diagnostic.h"
#include "georune/common/parallel.h"
#include "search/prune.h"

namespace georune::search {
namespace {

// Whether the candidates' image ids ascend with their position.
bool IdsAscending(const Archive& archive, const std::vector<uint32_t>& candidates) {
  for (size_t i = 1; i < candidates.size(); ++i) {
    if (!(archive.ImageId(candidates[i - 1]) < archive.ImageId(candidates[i]))) return false;
  }
  return true;
}

}  // namespace

bool Enabled(const SearchOptions& options, plan::Optimizer o) { return !options.disabled.count(plan::NameOf(o)); }

// Evaluation stops at 95 % of the budget: winding down (threads joining, memory released, the
// refusal printed) fits in the rest, so that the whole process ends within S plus 10 %.
Clock::time_point DeadlineOf(const SearchOptions& options, Clock::time_point start) {
  const auto budget_start = options.budget_start == Clock::time_point{} ? start : options.budget_start;
  return budget_start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(0.95 * options.query_budget_seconds));
}

// The classes the scene keeps (empty: all).
std::vector<bool> KeptClasses(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options) {
  if (options.reference || !Enabled(options, plan::Optimizer::kClassDomains)) return {};
  return plan::RelevantClasses(query, archive.ontology().ClassCount());
}

std::unique_ptr<reason::Evaluator> MakeEvaluator(const logic::BoundQuery& query, const SearchOptions& options,
                                                 Clock::time_point deadline,
                                                 std::shared_ptr<const plan::PhysicalPlan> physical) {
  std::unique_ptr<reason::Evaluator> e;
  if (options.reference) e = std::make_unique<reason::ReferenceEvaluator>(query, options.truth, options.image_budget);
  else e = std::make_unique<reason::PlannedEvaluator>(std::move(physical), options.truth, options.image_budget);
  e->SetDeadline(deadline, options.query_budget_seconds);
  return e;
}

reason::Scene SceneOf(const Archive& archive, uint32_t image, const reason::TruthParams& truth,
                      const std::vector<bool>& keep_class) {
  double gsd = archive.Gsd(image);
  if (std::isnan(gsd)) gsd = truth.default_gsd;
  return reason::BuildScene(archive.Entities(image), gsd, truth.min_conf, keep_class);
}

// An evaluation error, naming the image.
Status Blame(const Archive& archive, uint32_t image, const Status& st) {
  return st.Prefixed("image " + std::string(archive.ImageId(image)) + ": ");
}

void MoveExplanation(reason::ImageScore&& score, ImageResult* r) {
  r->witness = std::move(score.witness);
  for (auto& [atom, value] : score.atoms) r->atoms.push_back({std::move(atom), value});
}

EvaluationPass::EvaluationPass(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options,
                               std::vector<uint32_t> candidates, std::shared_ptr<const plan::PhysicalPlan> physical,
                               Clock::time_point start)
    : archive_(archive),
      query_(query),
      options_(options),
      candidates_(std::move(candidates)),
      physical_(std::move(physical)),
      keep_class_(KeptClasses(archive, query, options)),
      deadline_(DeadlineOf(options, start)),
      use_counts_(!options.reference && Enabled(options, plan::Optimizer::kClassCounts)),
      use_bounds_(options.top_k > 0 && !options.reference && Enabled(options, plan::Optimizer::kTopkBounds)),
      // With every image listed (no --top), each scored image is a result: explain it in the
      // same pass. With --top K, only the k results are explained, after ranking.
      explain_in_pass_(options.top_k == 0 && options.explain_results),
      // A thread for every 8 candidates at most: below that, starting threads costs more.
      threads_(
          !Enabled(options, plan::Optimizer::kParallel) ? 1 : WorkerCount(candidates_.size() / 8 + 1, options.threads)),
      ids_ascending_(IdsAscending(archive, candidates_)),
      scores_(candidates_.size(), 0.0),
      bound_(candidates_.size(), 1.0),
      explained_(explain_in_pass_ ? candidates_.size() : 0) {}

Status EvaluationPass::EvaluateAll() {
  std::vector<uint32_t> order(candidates_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  if (!use_bounds_) {
    Evaluate(order, order.size());
    return FirstError();
  }
  // a. A probe in id order with the trivial bound 1, reading nothing more: where k images
  //    score 1 (ground truth, crisp mode), nothing after them can enter.
  size_t probed = 0;
  if (ids_ascending_) {
    probed = std::min(order.size(), std::max<size_t>(4 * options_.top_k, 256));
    Evaluate(order, probed);
  }
  // b. Otherwise upper bounds from the class confidences of the rest, best bound first.
  if (settled_from_ == kNotSettled && !stop_ && probed < order.size()) {
    std::vector<uint32_t> rest(order.begin() + static_cast<std::ptrdiff_t>(probed), order.end());
    ComputeBounds(rest);
    if (Status st = FirstError(); !st.ok()) return st;
    SortByBound(&rest);
    Evaluate(rest, rest.size());
  }
  return FirstError();
}

std::vector<ImageResult> EvaluationPass::Rank(std::vector<size_t>* unexplained) {
  std::vector<size_t> order_ranked;  // candidate indices with a score above 0
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (scores_[i] > 0.0) order_ranked.push_back(i);
  }
  const auto before = [&](size_t x, size_t y) {
    if (scores_[x] != scores_[y]) return scores_[x] > scores_[y];
    return ids_ascending_ ? x < y : archive_.ImageId(candidates_[x]) < archive_.ImageId(candidates_[y]);
  };
  // Crisp listings are often in order already (every score 1, ids ascending).
  if (!std::is_sorted(order_ranked.begin(), order_ranked.end(), before))
    std::sort(order_ranked.begin(), order_ranked.end(), before);
  if (options_.top_k > 0 && order_ranked.size() > options_.top_k) order_ranked.resize(options_.top_k);
  std::vector<ImageResult> ranked(order_ranked.size());
  for (size_t k = 0; k < ranked.size(); ++k) {
    const size_t i = order_ranked[k];
    ranked[k].image = candidates_[i];
    ranked[k].image_id = std::string(archive_.ImageId(candidates_[i]));
    ranked[k].score = scores_[i];
    if (explain_in_pass_ && explained_[i]) MoveExplanation(std::move(*explained_[i]), &ranked[k]);
    else if (options_.explain_results) unexplained->push_back(k);
  }
  return ranked;
}

void EvaluationPass::Evaluate(const std::vector<uint32_t>& order, size_t limit) {
  std::atomic<size_t> next{0};
  settled_from_ = kNotSettled;
  RunOnThreads(threads_, [&]() { Worker(order, limit, next); });
}

void EvaluationPass::Worker(const std::vector<uint32_t>& order, size_t limit, std::atomic<size_t>& next) {
  auto evaluator = MakeEvaluator(query_, options_, deadline_, physical_);
  std::optional<ClassCountScorer> counts;
  if (use_counts_) {
    counts.emplace(query_, physical_, options_.truth, options_.image_budget, archive_.ontology().ClassCount(),
                   keep_class_, deadline_, options_.query_budget_seconds);
  }
  // Without --top K every candidate is evaluated, and a thread claims a run of them at a time,
  // so that the threads do not contend on the shared counters when images are cheap (scored
  // from the class counts). With --top K each claim is one image: the next unclaimed one is
  // what Offer tests for settling.
  const size_t claim = use_bounds_ ? 1 : kImagesPerClaim;
  uint64_t evaluated = 0;
  for (bool done = false; !done;) {
    const size_t first = next.fetch_add(claim);
    if (first >= limit) break;
    for (size_t pos = first; pos < std::min(first + claim, limit); ++pos) {
      const size_t i = order[pos];
      std::optional<double> value;
      if (stop_ || pos >= settled_from_ || !(value = ScoreImage(*evaluator, counts, i))) {
        done = true;
        break;
      }
      scores_[i] = *value;
      ++evaluated;
      if (use_bounds_ && *value > 0.0) Offer(*value, i, order, next);
    }
  }
  evaluated_.fetch_add(evaluated);
  FinishWorker(*evaluator, counts);
}

std::optional<double> EvaluationPass::ScoreImage(reason::Evaluator& evaluator, std::optional<ClassCountScorer>& counts,
                                                 size_t i) {
  const uint32_t image = candidates_[i];
  if (Clock::now() > deadline_) {
    Fail(i, PlainDiagnostic("the query ran past its time budget of " + std::to_string(options_.query_budget_seconds) +
                                " s while evaluating '" + logic::Print(query_) + "'",
                            "narrow the query, or raise its time budget")
                .With(Setting::kQueryBudget)
                .ToStatus(StatusCode::kTooComplex));
    return std::nullopt;
  }
  std::optional<Result<double>> counted = counts ? counts->Score(archive_, image) : std::nullopt;
  if (counted) {
    if (!counted->ok()) {
      Fail(i, Blame(archive_, image, counted->status()));
      return std::nullopt;
    }
    return **counted;
  }
  if (Status checked = archive_.CheckImage(image); !checked.ok()) {
    Fail(i, checked);
    return std::nullopt;
  }
  auto score = evaluator.Score(SceneOf(archive_, image, options_.truth, keep_class_), explain_in_pass_);
  if (!score.ok()) {
    Fail(i, Blame(archive_, image, score.status()));
    return std::nullopt;
  }
  const double value = score->value;
  if (explain_in_pass_ && value > 0.0) explained_[i] = std::move(score).value();
  return value;
}

void EvaluationPass::Offer(double value, size_t i, const std::vector<uint32_t>& order,
                           const std::atomic<size_t>& next) {
  std::lock_guard lock(mu_);
  top_.push_back({value, archive_.ImageId(candidates_[i])});
  std::push_heap(top_.begin(), top_.end(), Worse);
  if (top_.size() > options_.top_k) {
    std::pop_heap(top_.begin(), top_.end(), Worse);
    top_.pop_back();
  }
  const size_t upcoming = next.load();
  if (top_.size() == options_.top_k && upcoming < order.size()) {
    const size_t j = order[upcoming];
    const Kth& kth = top_.front();
    if (bound_[j] < kth.score || (bound_[j] == kth.score && archive_.ImageId(candidates_[j]) > kth.id))
      settled_from_ = std::min(settled_from_.load(), upcoming);
  }
}

void EvaluationPass::FinishWorker(reason::Evaluator& evaluator, const std::optional<ClassCountScorer>& counts) {
  if (counts) from_counts_.fetch_add(counts->scored());
  if (auto* planned = dynamic_cast<reason::PlannedEvaluator*>(&evaluator)) {
    std::lock_guard lock(mu_);
    reason::PlannedEvaluator::MergeStats(planned->stats(), &plan_stats_);
  }
}

void EvaluationPass::ComputeBounds(const std::vector<uint32_t>& rest) {
  ScoreBounder bounder(query_, options_.truth);
  const int class_count = archive_.ontology().ClassCount();
  std::atomic<size_t> next_bound{0};
  RunOnThreads(threads_, [&]() {
    std::vector<double> best(class_count);
    for (size_t r; (r = next_bound.fetch_add(1)) < rest.size() && !stop_;) {
      const size_t i = rest[r];
      Status checked = archive_.CheckImage(candidates_[i]);
      if (!checked.ok()) return Fail(i, checked);
      const EntitySpan span = archive_.Entities(candidates_[i]);
      std::fill(best.begin(), best.end(), 0.0);
      bool any = false;
      for (uint32_t e = 0; e < span.count; ++e) {
        if (span.score[e] < options_.truth.min_conf || span.class_id[e] >= class_count) continue;
        best[span.class_id[e]] = std::max<double>(best[span.class_id[e]], span.score[e]);
        any = true;
      }
      bound_[i] = bounder.Of(*query_.root, best, any);
    }
  });
}

void EvaluationPass::SortByBound(std::vector<uint32_t>* rest) const {
  if (ids_ascending_) {
    std::stable_sort(rest->begin(), rest->end(), [&](uint32_t a, uint32_t b) { return bound_[a] > bound_[b]; });
  } else {
    std::sort(rest->begin(), rest->end(), [&](uint32_t a, uint32_t b) {
      if (bound_[a] != bound_[b]) return bound_[a] > bound_[b];
      return archive_.ImageId(candidates_[a]) < archive_.ImageId(candidates_[b]);
    });
  }
}

void EvaluationPass::Fail(size_t index, Status st) {
  std::lock_guard lock(error_mu_);
  if (!first_error_ || index < first_error_->first) first_error_.emplace(index, std::move(st));
  stop_ = true;
}

}  // namespace georune::search
