// search::Run, in named stages: check the request → plan (optimise) → prune the archive
// (prune.h) → evaluate and rank (evaluation.h) → explain the results.
#include "georune/search/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include "georune/common/diagnostic.h"
#include "georune/common/parallel.h"
#include "georune/plan/optimizer.h"
#include "georune/plan/physical.h"
#include "georune/reason/planner.h"
#include "search/class_counts.h"
#include "search/evaluation.h"
#include "search/prune.h"

namespace georune::search {
namespace {

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
  EvaluationPass pass(archive, query, options, PruneCandidates(archive, query, use_index), physical, start);
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
