// search::Run: prune the archive with the per-class index, evaluate candidates on all cores,
// rank, and explain the results.
#include "georune/search/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "georune/common/diagnostic.h"
#include "georune/common/parallel.h"
#include "georune/plan/optimizer.h"
#include "georune/plan/physical.h"
#include "georune/reason/planner.h"
#include "georune/reason/relations.h"
#include "georune/reason/scene.h"
#include "search/class_counts.h"

namespace georune::search {
namespace {

using logic::BoundNode;
using logic::NodeKind;
using Clock = std::chrono::steady_clock;

// Which images can have a score above 0: a bitmap (nullopt = every image) and, per class set,
// how many entities an image needs (distinct variables of the same classes need distinct
// entities). Derived from positive existential structure only: NOT, forall and exists<= prune
// nothing.
struct Requirement {
  std::optional<roaring::Roaring> images;
  std::vector<std::pair<std::vector<int>, uint32_t>> counts;  // class set → minimum entities
};

class Pruner {
 public:
  Pruner(const Archive& archive, const logic::BoundQuery& query)
      : archive_(archive), var_classes_(plan::VariableClasses(query)) {}

  Requirement Of(const BoundNode& node) {
    switch (node.kind) {
      case NodeKind::kConst: {
        Requirement r;
        if (!node.value) r.images = roaring::Roaring();
        return r;
      }
      case NodeKind::kExists: return Block(node.vars, *node.children[0]);
      case NodeKind::kAtLeast:
      case NodeKind::kExactly: {
        if (node.count <= 0) return {};
        return Block(std::vector<int>(1, node.vars[0]), *node.children[0], static_cast<uint32_t>(node.count));
      }
      case NodeKind::kAnd: {
        Requirement r;
        for (const auto& c : node.children) Intersect(&r, Of(*c));
        return r;
      }
      case NodeKind::kOr: {
        Requirement r;
        r.images = roaring::Roaring();
        for (const auto& c : node.children) {
          Requirement cr = Of(*c);
          Filter(&cr);
          if (!cr.images) return {};
          *r.images |= *cr.images;
        }
        return r;
      }
      default: return {};  // NOT, forall, exists<=, implication: any image may score
    }
  }

  // Applies count requirements to the bitmap (an image must hold enough entities per class set).
  void Filter(Requirement* r) {
    if (r->counts.empty()) return;
    if (!r->images) {
      // Seed with the images holding the first class set.
      r->images = ClassImages(r->counts.front().first);
    }
    roaring::Roaring kept;
    for (uint32_t image : *r->images) {
      bool ok = true;
      for (const auto& [classes, need] : r->counts) {
        if (need <= 1) continue;
        uint32_t have = 0;
        for (int c : classes) have += archive_.CountInImage(image, c);
        if (have < need) {
          ok = false;
          break;
        }
      }
      if (ok) kept.add(image);
    }
    r->images = std::move(kept);
    r->counts.clear();
  }

 private:
  roaring::Roaring ClassImages(const std::vector<int>& classes) {
    roaring::Roaring out;
    for (int c : classes) out |= archive_.ImagesWithClass(c);
    return out;
  }

  static void Intersect(Requirement* into, Requirement other) {
    if (other.images) {
      if (into->images) *into->images &= *other.images;
      else into->images = std::move(other.images);
    }
    for (auto& c : other.counts) into->counts.push_back(std::move(c));
  }

  Requirement Block(const std::vector<int>& vars, const BoundNode& body, uint32_t count_each = 1) {
    const std::vector<const BoundNode*> conjuncts = logic::Conjuncts(body);
    Requirement r;
    std::map<std::vector<int>, uint32_t> per_set;
    for (int v : vars) {
      const auto& set = var_classes_[v];
      if (!set) continue;
      per_set[*set] += count_each;
      Intersect(&r, Requirement{ClassImages(*set), {}});
    }
    for (auto& [set, need] : per_set) r.counts.emplace_back(set, need);
    // Positive quantified conjuncts (e.g. `… AND exists>=3 z: …`) add their own requirement.
    for (const BoundNode* c : conjuncts) {
      if (c->kind == NodeKind::kExists || c->kind == NodeKind::kAtLeast || c->kind == NodeKind::kExactly ||
          c->kind == NodeKind::kAnd || c->kind == NodeKind::kOr) {
        Intersect(&r, Of(*c));
      }
    }
    return r;
  }

  const Archive& archive_;
  std::vector<std::optional<std::vector<int>>> var_classes_;
};

// An upper bound of an image's score from its class confidences (spec §5 is monotone in every
// class atom, and every other atom is at most 1): exists → AND of its variables' best
// confidences; counting → that AND n times; AND/OR of bounds; anything else 1.
class Bounder {
 public:
  Bounder(const logic::BoundQuery& query, const reason::TruthParams& truth)
      : var_classes_(plan::VariableClasses(query)), truth_(truth) {}

  // `best[c]`: the highest confidence of class c in the image (0 if absent, ≥ min_conf only).
  double Of(const BoundNode& node, const std::vector<double>& best, bool any_entity) const {
    const reason::Semantics s = truth_.semantics;
    switch (node.kind) {
      case NodeKind::kConst: return node.value ? 1.0 : 0.0;
      case NodeKind::kExists: {
        double v = 1.0;
        for (int var : node.vars) v = reason::And(s, v, Var(var, best, any_entity));
        for (const BoundNode* c : logic::Conjuncts(*node.children[0])) v = reason::And(s, v, Of(*c, best, any_entity));
        return v;
      }
      case NodeKind::kAtLeast:
      case NodeKind::kExactly: {
        double v = 1.0, each = Var(node.vars[0], best, any_entity);
        for (long i = 0; i < node.count && v > 0; ++i) v = reason::And(s, v, each);
        return v;
      }
      case NodeKind::kAnd: {
        double v = 1.0;
        for (const auto& c : node.children) v = reason::And(s, v, Of(*c, best, any_entity));
        return v;
      }
      case NodeKind::kOr: {
        double v = 0.0;
        for (const auto& c : node.children) v = reason::Or(s, v, Of(*c, best, any_entity));
        return v;
      }
      default: return 1.0;
    }
  }

 private:
  double Var(int var, const std::vector<double>& best, bool any_entity) const {
    const auto& classes = var_classes_[var];
    if (!classes) return any_entity ? 1.0 : 0.0;
    double v = 0.0;
    for (int c : *classes) v = std::max(v, c < static_cast<int>(best.size()) ? best[c] : 0.0);
    return truth_.crisp && v > 0.0 ? 1.0 : v;
  }

  std::vector<std::optional<std::vector<int>>> var_classes_;
  reason::TruthParams truth_;
};

bool Enabled(const SearchOptions& options, plan::Optimizer o) { return !options.disabled.count(plan::NameOf(o)); }

Status CheckOptimisationNames(const SearchOptions& options) {
  for (const auto& name : options.disabled) {
    if (!plan::ParseOptimizer(name)) {
      std::string names;
      for (const auto& o : plan::Optimizers()) names += (names.empty() ? "" : ", ") + std::string(o.name);
      return Status::InvalidInput("unknown optimisation '" + name + "' (hint: one of " + names + ")");
    }
  }
  return Status::Ok();
}

// Metric units need a gsd on every image holding entities they could be evaluated on (decided
// from the class index alone, so it is the same for every plan).
Status CheckMetricUnits(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options) {
  if (!query.uses_metric_units || !std::isnan(options.truth.default_gsd)) return Status::Ok();
  const auto metric_classes = plan::MetricClasses(query);
  for (uint32_t image = 0; image < archive.ImageCount(); ++image) {
    if (!std::isnan(archive.Gsd(image))) continue;
    bool holds = false;
    if (!metric_classes) {
      holds = archive.Entities(image).count > 0;
    } else {
      for (int c : *metric_classes) holds |= archive.CountInImage(image, c) > 0;
    }
    if (holds) {
      return PlainDiagnostic("image " + std::string(archive.ImageId(image)) +
                                 " has no gsd, and the query compares its entities in metric units",
                             "assume a default gsd (metres per pixel), or use px units")
          .With(Setting::kDefaultGsd)
          .ToStatus();
    }
  }
  return Status::Ok();
}

// The images that can score above 0 (every image without the class index), ascending.
std::vector<uint32_t> PruneCandidates(const Archive& archive, const logic::BoundQuery& query, bool use_index) {
  std::vector<uint32_t> candidates;
  if (use_index) {
    Pruner pruner(archive, query);
    Requirement req = pruner.Of(*query.root);
    pruner.Filter(&req);
    if (req.images) {
      candidates.reserve(req.images->cardinality());
      for (uint32_t i : *req.images) candidates.push_back(i);
      return candidates;
    }
  }
  candidates.resize(archive.ImageCount());
  for (uint32_t i = 0; i < archive.ImageCount(); ++i) candidates[i] = i;
  return candidates;
}

// What the archive stage did (--explain, after the run): pruning, top-k bounds, class counts,
// classes read.
std::string DescribeArchiveStage(const Archive& archive, const SearchStats& stats, bool use_index, bool use_bounds,
                                 const std::vector<bool>& keep_class) {
  std::string plan = "archive pruning (class-index" + std::string(use_index ? "" : ", off") +
                     "): " + std::to_string(stats.candidates) + " of " + std::to_string(stats.images) +
                     " images are candidates, " + std::to_string(stats.images - stats.candidates) + " skipped\n";
  if (use_bounds) {
    plan += "top-k by upper bounds (topk-bounds): " + std::to_string(stats.evaluated) + " of " +
            std::to_string(stats.candidates) + " candidates evaluated, " +
            std::to_string(stats.candidates - stats.evaluated) + " skipped by their bound\n";
  }
  if (stats.from_counts > 0) {
    plan += "from the class index (class-counts): " + std::to_string(stats.from_counts) + " of " +
            std::to_string(stats.evaluated) + " images scored from the index's class counts, no entity read\n";
  }
  if (!keep_class.empty()) {
    plan += "classes read:";
    for (size_t c = 0; c < keep_class.size(); ++c) {
      if (keep_class[c]) plan += " " + archive.ontology().Class(static_cast<int>(c)).name;
    }
    plan += "\n";
  }
  return plan;
}

// The --explain text after the run: the bound formula, the archive stage, the physical plan and
// what each of its operators did.
std::string DescribePlan(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options,
                         const SearchStats& stats, bool use_index, bool use_bounds, const std::vector<bool>& keep_class,
                         const plan::PhysicalPlan* physical, const reason::PlannedEvaluator::Stats& plan_stats,
                         size_t threads) {
  const reason::TruthParams& truth = options.truth;
  std::string plan = "bound formula:\n  " + logic::Print(query) + "\n";
  plan += "semantics: " + std::string(reason::SemanticsName(truth.semantics)) + (truth.crisp ? ", crisp" : ", soft") +
          "; evaluator: " + (options.reference ? "reference" : "planned") + "\n";
  plan += DescribeArchiveStage(archive, stats, use_index, use_bounds, keep_class);
  if (physical) {
    plan += "physical plan:\n" + plan::PrintPlan(*physical);
    plan += "what each operator did, over the " + std::to_string(stats.evaluated) + " images evaluated:\n" +
            reason::PlannedEvaluator::DescribeRun(*physical, plan_stats);
  } else {
    plan += "plan: nested loops over every entity for every variable (reference)\n";
  }
  return plan + "threads: " + std::to_string(threads) + "\n";
}

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

// The optimise stage for a run: the physical plan every evaluator of the run executes. With
// `archive`, scans carry estimates from its class statistics (for --explain only).
std::shared_ptr<const plan::PhysicalPlan> PlanOf(const logic::BoundQuery& query, const SearchOptions& options,
                                                 const Archive* archive) {
  std::optional<plan::ClassStatistics> stats;
  if (archive) {
    const ArchiveStats a = archive->Stats();
    stats = plan::ClassStatistics{a.images, a.entities_per_class, a.images_per_class};
  }
  return plan::BuildPlan(query, plan::OptimizerSet::Without(options.disabled), options.truth.crisp,
                         stats ? &*stats : nullptr);
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

// Whether the candidates' image ids ascend with their position.
bool IdsAscending(const Archive& archive, const std::vector<uint32_t>& candidates) {
  for (size_t i = 1; i < candidates.size(); ++i) {
    if (!(archive.ImageId(candidates[i - 1]) < archive.ImageId(candidates[i]))) return false;
  }
  return true;
}

void MoveExplanation(reason::ImageScore&& score, ImageResult* r) {
  r->witness = std::move(score.witness);
  for (auto& [atom, value] : score.atoms) r->atoms.push_back({std::move(atom), value});
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ListOptimizations() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const plan::OptimizerInfo& o : plan::Optimizers()) out.emplace_back(o.name, o.what);
  return out;
}

Explainer::Explainer(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options)
    : archive_(archive),
      options_(options),
      keep_class_(KeptClasses(archive, query, options)),
      evaluator_(MakeEvaluator(query, options, DeadlineOf(options, Clock::now()),
                               options.reference ? nullptr : PlanOf(query, options, nullptr))) {}

Explainer::~Explainer() = default;

Status Explainer::Explain(ImageResult* result) {
  GEORUNE_RETURN_IF_ERROR(archive_.CheckImage(result->image));
  auto score = evaluator_->Score(SceneOf(archive_, result->image, options_.truth, keep_class_), true);
  if (!score.ok()) return Blame(archive_, result->image, score.status());
  if (score->value != result->score) {
    return PlainDiagnostic("image " + result->image_id + ": explained with value " + std::to_string(score->value) +
                               ", ranked with " + std::to_string(result->score) +
                               " (a plan disagrees with the evaluator)",
                           "switch off the class-counts optimisation, and report it")
        .With(Setting::kDisabledOptimisations)
        .ToStatus(StatusCode::kInternal);
  }
  result->witness.clear();
  result->atoms.clear();
  MoveExplanation(std::move(score).value(), result);
  return Status::Ok();
}

namespace {

// Explains ranked[k] for every k in `which`, on `threads` threads.
Status ExplainAll(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options, size_t threads,
                  std::vector<ImageResult>* ranked, const std::vector<size_t>& which) {
  if (which.empty()) return Status::Ok();
  std::vector<Status> errors(which.size(), Status::Ok());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  RunOnThreads(std::min(threads, which.size()), [&]() {
    Explainer explainer(archive, query, options);
    for (size_t j; !failed && (j = next.fetch_add(1)) < which.size();) {
      errors[j] = explainer.Explain(&(*ranked)[which[j]]);
      if (!errors[j].ok()) failed = true;
    }
  });
  for (const Status& st : errors) {
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// One run's evaluation of its candidates (the execute stage over the archive), in named steps:
// evaluate in id order (every image), or for --top K a probe in id order then the rest best
// upper bound first until no image left can enter; then rank. Scores are kept per candidate
// for determinism; the first error by candidate position wins.
class Pass {
 public:
  Pass(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options,
       std::vector<uint32_t> candidates, std::shared_ptr<const plan::PhysicalPlan> physical, Clock::time_point start)
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
        threads_(!Enabled(options, plan::Optimizer::kParallel)
                     ? 1
                     : WorkerCount(candidates_.size() / 8 + 1, options.threads)),
        ids_ascending_(IdsAscending(archive, candidates_)),
        scores_(candidates_.size(), 0.0),
        bound_(candidates_.size(), 1.0),
        explained_(explain_in_pass_ ? candidates_.size() : 0) {}

  // Scores the candidates (all, or enough for the top k).
  Status EvaluateAll() {
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
    if (!settled_ && !stop_ && probed < order.size()) {
      std::vector<uint32_t> rest(order.begin() + static_cast<std::ptrdiff_t>(probed), order.end());
      ComputeBounds(rest);
      if (Status st = FirstError(); !st.ok()) return st;
      SortByBound(&rest);
      Evaluate(rest, rest.size());
    }
    return FirstError();
  }

  // Score descending, then image id ascending; the top k, each explained where the pass did.
  // `unexplained`: positions of the results still to explain.
  std::vector<ImageResult> Rank(std::vector<size_t>* unexplained) {
    std::vector<size_t> order_ranked;  // candidate indices with a score above 0
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (scores_[i] > 0.0) order_ranked.push_back(i);
    }
    std::sort(order_ranked.begin(), order_ranked.end(), [&](size_t x, size_t y) {
      if (scores_[x] != scores_[y]) return scores_[x] > scores_[y];
      return ids_ascending_ ? x < y : archive_.ImageId(candidates_[x]) < archive_.ImageId(candidates_[y]);
    });
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

  size_t candidates() const { return candidates_.size(); }
  uint64_t evaluated() const { return evaluated_.load(); }
  uint64_t from_counts() const { return from_counts_.load(); }
  size_t threads() const { return threads_; }
  bool use_bounds() const { return use_bounds_; }
  const std::vector<bool>& keep_class() const { return keep_class_; }
  const reason::PlannedEvaluator::Stats& plan_stats() const { return plan_stats_; }

 private:
  // Evaluates order[0, limit) on all threads; returns once done, settled or failed.
  void Evaluate(const std::vector<uint32_t>& order, size_t limit) {
    std::atomic<size_t> next{0};
    settled_ = false;
    RunOnThreads(threads_, [&]() { Worker(order, limit, next); });
  }

  // One thread's loop: its evaluator (and class-count scorer) take the next image in order.
  void Worker(const std::vector<uint32_t>& order, size_t limit, std::atomic<size_t>& next) {
    auto evaluator = MakeEvaluator(query_, options_, deadline_, physical_);
    std::optional<ClassCountScorer> counts;
    if (use_counts_) {
      counts.emplace(query_, options_.truth, options_.image_budget, options_.disabled, archive_.ontology().ClassCount(),
                     keep_class_, deadline_, options_.query_budget_seconds);
    }
    for (;;) {
      if (stop_ || settled_) break;
      const size_t pos = next.fetch_add(1);
      if (pos >= limit) break;
      const size_t i = order[pos];
      std::optional<double> value = ScoreImage(*evaluator, counts, i);
      if (!value) break;
      scores_[i] = *value;
      evaluated_.fetch_add(1);
      if (use_bounds_ && *value > 0.0) Offer(*value, i, order, next);
    }
    FinishWorker(*evaluator, counts);
  }

  // The image's score (from the class counts when they decide it); nullopt after recording an
  // error (past the deadline, a damaged block, an evaluation refused).
  std::optional<double> ScoreImage(reason::Evaluator& evaluator, std::optional<ClassCountScorer>& counts, size_t i) {
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

  // With --top K: keeps the k best scores so far (a heap whose front is the k-th) and settles
  // once the image next in order cannot enter: its bound below the k-th score, or equal with a
  // larger image id.
  void Offer(double value, size_t i, const std::vector<uint32_t>& order, const std::atomic<size_t>& next) {
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
        settled_ = true;
    }
  }

  // A worker's statistics join the run's: the plan's counters and the images from the counts.
  void FinishWorker(reason::Evaluator& evaluator, const std::optional<ClassCountScorer>& counts) {
    if (counts) from_counts_.fetch_add(counts->scored());
    if (auto* planned = dynamic_cast<reason::PlannedEvaluator*>(&evaluator)) {
      std::lock_guard lock(mu_);
      reason::PlannedEvaluator::MergeStats(planned->stats(), &plan_stats_);
    }
  }

  // Upper bounds of the scores of `rest` from each image's best confidence per class.
  void ComputeBounds(const std::vector<uint32_t>& rest) {
    Bounder bounder(query_, options_.truth);
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

  void SortByBound(std::vector<uint32_t>* rest) const {
    if (ids_ascending_) {
      std::stable_sort(rest->begin(), rest->end(), [&](uint32_t a, uint32_t b) { return bound_[a] > bound_[b]; });
    } else {
      std::sort(rest->begin(), rest->end(), [&](uint32_t a, uint32_t b) {
        if (bound_[a] != bound_[b]) return bound_[a] > bound_[b];
        return archive_.ImageId(candidates_[a]) < archive_.ImageId(candidates_[b]);
      });
    }
  }

  void Fail(size_t index, Status st) {
    std::lock_guard lock(error_mu_);
    if (!first_error_ || index < first_error_->first) first_error_.emplace(index, std::move(st));
    stop_ = true;
  }

  Status FirstError() const { return first_error_ ? first_error_->second : Status::Ok(); }

  struct Kth {
    double score;
    std::string_view id;
  };
  static bool Worse(const Kth& a, const Kth& b) { return a.score != b.score ? a.score > b.score : a.id < b.id; }

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
  std::mutex mu_;                               // top_, plan_stats_
  std::vector<Kth> top_;                        // a heap whose front is the worst of the best k
  reason::PlannedEvaluator::Stats plan_stats_;  // merged from the workers, for --explain
  std::atomic<uint64_t> evaluated_{0}, from_counts_{0};
  std::atomic<bool> stop_{false}, settled_{false};
  std::mutex error_mu_;
  std::optional<std::pair<size_t, Status>> first_error_;  // lowest candidate index wins
};

}  // namespace

Result<SearchResponse> Run(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options) {
  const auto start = Clock::now();
  // 0. The request: known optimiser names; metric units need a gsd wherever they apply.
  if (Status st = CheckOptimisationNames(options); !st.ok()) return st;
  if (Status st = CheckMetricUnits(archive, query, options); !st.ok()) return st;
  const bool use_index = !options.reference && Enabled(options, plan::Optimizer::kClassIndex);
  SearchResponse response;
  response.stats.images = archive.ImageCount();

  // 1. The physical plan (optimise), shared by every evaluator of the run.
  std::shared_ptr<const plan::PhysicalPlan> physical =
      options.reference ? nullptr : PlanOf(query, options, options.explain ? &archive : nullptr);

  // 2. Archive-level pruning, then 3. evaluation of the candidates and 4. ranking.
  Pass pass(archive, query, options, PruneCandidates(archive, query, use_index), physical, start);
  response.stats.candidates = pass.candidates();
  if (Status st = pass.EvaluateAll(); !st.ok()) return st;
  response.stats.evaluated = pass.evaluated();
  response.stats.from_counts = pass.from_counts();
  std::vector<size_t> unexplained;
  std::vector<ImageResult> ranked = pass.Rank(&unexplained);

  // 5. Explain the results the pass did not: their witness and atom values.
  if (Status st = ExplainAll(archive, query, options, pass.threads(), &ranked, unexplained); !st.ok()) return st;
  response.results = std::move(ranked);
  response.stats.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (options.explain) {
    response.plan = DescribePlan(archive, query, options, response.stats, use_index, pass.use_bounds(),
                                 pass.keep_class(), physical.get(), pass.plan_stats(), pass.threads());
  }
  return response;
}

std::string PlanBeforeRun(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options) {
  std::string plan = "plan before running:\n  " + logic::Print(query) + "\n";
  if (options.reference) return plan + "  nested loops over every entity for every variable (reference)\n";
  auto on = [&](plan::Optimizer o) { return Enabled(options, o); };
  auto tag = [&](plan::Optimizer o) { return std::string(" [") + plan::NameOf(o) + (on(o) ? "]" : ", off]"); };
  plan += "archive stage:\n";
  plan += "  prune: images without the classes and counts the formula needs are skipped" +
          tag(plan::Optimizer::kClassIndex) + "\n";
  if (IsClassOnly(query) && options.truth.crisp) {
    plan += "  class-only formula: scored from the index's class counts, no entity read" +
            tag(plan::Optimizer::kClassCounts) + "\n";
  } else {
    plan += "  images holding none of the classes the formula reads: the empty scene's value, no entity read" +
            tag(plan::Optimizer::kClassCounts) + "\n";
  }
  if (options.top_k > 0) {
    plan += "  top " + std::to_string(options.top_k) + ": images best upper bound first, until none left can enter" +
            tag(plan::Optimizer::kTopkBounds) + "\n";
  }
  plan += "  images evaluated on " + std::string(on(plan::Optimizer::kParallel) ? "all cores" : "one thread") +
          tag(plan::Optimizer::kParallel) + "\n";
  return plan + "physical plan (per image):\n" + plan::PrintPlan(*PlanOf(query, options, &archive));
}

}  // namespace georune::search
