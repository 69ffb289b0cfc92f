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
      : archive_(archive), var_classes_(reason::VariableClasses(query)) {}

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
      : var_classes_(reason::VariableClasses(query)), truth_(truth) {}

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

Status CheckOptimisationNames(const SearchOptions& options) {
  const auto all = ListOptimizations();
  for (const auto& name : options.disabled) {
    if (std::none_of(all.begin(), all.end(), [&](const auto& o) { return o.first == name; })) {
      std::string names;
      for (const auto& o : all) names += (names.empty() ? "" : ", ") + o.first;
      return Status::InvalidInput("unknown optimisation '" + name + "' (hint: one of " + names + ")");
    }
  }
  return Status::Ok();
}

// Metric units need a gsd on every image holding entities they could be evaluated on (decided
// from the class index alone, so it is the same for every plan).
Status CheckMetricUnits(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options) {
  if (!query.uses_metric_units || !std::isnan(options.truth.default_gsd)) return Status::Ok();
  const auto metric_classes = reason::MetricClasses(query);
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

// The --explain text: the bound formula, pruning, the plan of every quantifier and what the
// searches did.
std::string DescribePlan(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options,
                         const reason::TruthParams& truth, const SearchStats& stats, bool use_index, bool use_bounds,
                         const std::vector<bool>& keep_class, const reason::PlannedEvaluator::Stats& plan_stats,
                         size_t threads) {
  std::string plan = "bound formula:\n  " + logic::Print(query) + "\n";
  plan += "semantics: " + std::string(reason::SemanticsName(truth.semantics)) + (truth.crisp ? ", crisp" : ", soft") +
          "; evaluator: " + (options.reference ? "reference" : "planned") + "\n";
  plan += "archive pruning (class-index" + std::string(use_index ? "" : ", off") +
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
  if (!options.reference) {
    reason::PlannedEvaluator describer(query, truth, options.image_budget, options.disabled);
    plan += "plan (what the searches did, over the " + std::to_string(stats.evaluated) + " images evaluated):\n" +
            describer.Describe(&plan_stats);
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
  if (options.reference || options.disabled.count("class-domains")) return {};
  return reason::RelevantClasses(query, archive.ontology().ClassCount());
}

std::unique_ptr<reason::Evaluator> MakeEvaluator(const logic::BoundQuery& query, const SearchOptions& options,
                                                 Clock::time_point deadline) {
  std::unique_ptr<reason::Evaluator> e;
  if (options.reference) e = std::make_unique<reason::ReferenceEvaluator>(query, options.truth, options.image_budget);
  else e = std::make_unique<reason::PlannedEvaluator>(query, options.truth, options.image_budget, options.disabled);
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
  std::vector<std::pair<std::string, std::string>> out = {
      {"class-index", "images that cannot hold the classes and counts the query needs are never opened"},
      {"class-counts",
       "crisp formulas of class atoms only are scored from the index's class counts, reading no entity"},
      {"parallel", "images are evaluated on all cores"},
      {"topk-bounds", "with a top-K limit, images are evaluated best upper bound first until none left can enter"},
  };
  for (const auto& o : reason::EvaluatorOptimizations()) out.push_back(o);
  return out;
}

Explainer::Explainer(const Archive& archive, const logic::BoundQuery& query, const SearchOptions& options)
    : archive_(archive),
      options_(options),
      keep_class_(KeptClasses(archive, query, options)),
      evaluator_(MakeEvaluator(query, options, DeadlineOf(options, Clock::now()))) {}

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
  if (Status st = CheckOptimisationNames(options); !st.ok()) return st;
  const bool use_index = !options.reference && !options.disabled.count("class-index");
  SearchResponse response;
  response.stats.images = archive.ImageCount();

  // 0. Metric units need a gsd on every image they could be evaluated on.
  if (Status st = CheckMetricUnits(archive, query, options); !st.ok()) return st;

  // 1. Archive-level pruning.
  const std::vector<uint32_t> candidates = PruneCandidates(archive, query, use_index);
  response.stats.candidates = candidates.size();

  // 2. Evaluation, one evaluator per thread; results kept per candidate for determinism.
  const std::vector<bool> keep_class = KeptClasses(archive, query, options);
  const reason::TruthParams& truth = options.truth;
  const auto deadline = DeadlineOf(options, start);
  auto make_evaluator = [&]() { return MakeEvaluator(query, options, deadline); };
  auto scene_of = [&](uint32_t image) { return SceneOf(archive, image, truth, keep_class); };
  // Class-only formulas in crisp mode: scores from the class index's counts (class_counts.h).
  // Images holding no kept class: the empty scene's value (class_counts.h).
  const bool use_counts = !options.reference && !options.disabled.count("class-counts");
  std::atomic<uint64_t> from_counts{0};

  std::vector<double> scores(candidates.size(), 0.0);
  // With every image listed (no --top), each scored image is a result: explain it in the same
  // pass. With --top K, only the k results are explained, after ranking.
  const bool explain_in_pass = options.top_k == 0 && options.explain_results;
  std::vector<std::optional<reason::ImageScore>> explained(explain_in_pass ? candidates.size() : 0);
  std::mutex error_mu;
  std::optional<std::pair<size_t, Status>> first_error;  // lowest candidate index wins
  std::atomic<bool> stop{false};
  auto fail = [&](size_t index, Status st) {
    std::lock_guard lock(error_mu);
    if (!first_error || index < first_error->first) first_error.emplace(index, std::move(st));
    stop = true;
  };
  // A thread for every 8 candidates at most: below that, starting threads costs more.
  const size_t threads =
      options.disabled.count("parallel") ? 1 : WorkerCount(candidates.size() / 8 + 1, options.threads);
  auto parallel = [&](const std::function<void()>& work) { RunOnThreads(threads, work); };

  // 2. Evaluation, one evaluator per thread, over an order of candidates. With --top K, the
  //    image next in order is compared with the k-th best score so far (which can only rise):
  //    once its upper bound is below it, or equal with a larger image id, no image left in the
  //    order can enter, and evaluation stops.
  const bool use_bounds = options.top_k > 0 && !options.reference && !options.disabled.count("topk-bounds");
  std::vector<double> bound(candidates.size(), 1.0);  // 1 bounds every score
  struct Kth {
    double score;
    std::string_view id;
  };
  auto worse = [](const Kth& a, const Kth& b) { return a.score != b.score ? a.score > b.score : a.id < b.id; };
  std::vector<Kth> top;  // a heap whose front is the worst of the best k
  std::mutex top_mu;
  std::atomic<uint64_t> evaluated{0};
  reason::PlannedEvaluator::Stats plan_stats;  // merged from the workers, for --explain
  std::atomic<bool> settled{false};
  // Evaluates order[0, limit); returns once done, settled or failed.
  auto evaluate = [&](const std::vector<uint32_t>& order, size_t limit) {
    std::atomic<size_t> next{0};
    settled = false;
    parallel([&]() {
      auto evaluator = make_evaluator();
      struct MergeOnExit {
        reason::Evaluator* e;
        std::mutex* mu;
        reason::PlannedEvaluator::Stats* into;
        ~MergeOnExit() {
          if (auto* planned = dynamic_cast<reason::PlannedEvaluator*>(e)) {
            std::lock_guard lock(*mu);
            reason::PlannedEvaluator::MergeStats(planned->stats(), into);
          }
        }
      } merge{evaluator.get(), &top_mu, &plan_stats};
      std::optional<ClassCountScorer> counts;
      if (use_counts) {
        counts.emplace(query, truth, options.image_budget, options.disabled, archive.ontology().ClassCount(),
                       keep_class, deadline, options.query_budget_seconds);
      }
      struct CountOnExit {
        std::optional<ClassCountScorer>* counts;
        std::atomic<uint64_t>* into;
        ~CountOnExit() {
          if (*counts) into->fetch_add((*counts)->scored());
        }
      } count_on_exit{&counts, &from_counts};
      for (;;) {
        if (stop || settled) return;
        const size_t pos = next.fetch_add(1);
        if (pos >= limit) return;
        const size_t i = order[pos];
        const uint32_t image = candidates[i];
        if (Clock::now() > deadline) {
          return fail(i, PlainDiagnostic("the query ran past its time budget of " +
                                             std::to_string(options.query_budget_seconds) + " s while evaluating '" +
                                             logic::Print(query) + "'",
                                         "narrow the query, or raise its time budget")
                             .With(Setting::kQueryBudget)
                             .ToStatus(StatusCode::kTooComplex));
        }
        std::optional<Result<double>> counted = counts ? counts->Score(archive, image) : std::nullopt;
        if (counted && !counted->ok()) return fail(i, Blame(archive, image, counted->status()));
        double value = 0;
        if (counted) {
          value = **counted;
        } else {
          Status checked = archive.CheckImage(image);
          if (!checked.ok()) return fail(i, checked);
          auto score = evaluator->Score(scene_of(image), explain_in_pass);
          if (!score.ok()) return fail(i, Blame(archive, image, score.status()));
          value = score->value;
          if (explain_in_pass && value > 0.0) explained[i] = std::move(score).value();
        }
        scores[i] = value;
        evaluated.fetch_add(1);
        if (!use_bounds || value <= 0.0) continue;
        std::lock_guard lock(top_mu);
        top.push_back({value, archive.ImageId(image)});
        std::push_heap(top.begin(), top.end(), worse);
        if (top.size() > options.top_k) {
          std::pop_heap(top.begin(), top.end(), worse);
          top.pop_back();
        }
        const size_t upcoming = next.load();
        if (top.size() == options.top_k && upcoming < order.size()) {
          const size_t j = order[upcoming];
          const Kth& kth = top.front();
          if (bound[j] < kth.score || (bound[j] == kth.score && archive.ImageId(candidates[j]) > kth.id))
            settled = true;
        }
      }
    });
  };
  std::vector<uint32_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  // Archives list their images in id order (ingest sorts them): then candidate order is id
  // order, and ranking compares positions instead of id strings.
  const bool ids_ascending = IdsAscending(archive, candidates);
  if (!use_bounds) {
    evaluate(order, order.size());
  } else {
    // a. A probe in id order with the trivial bound 1, reading nothing more: where k images
    //    score 1 (ground truth, crisp mode), nothing after them can enter.
    size_t probed = 0;
    if (ids_ascending) {
      probed = std::min(order.size(), std::max<size_t>(4 * options.top_k, 256));
      evaluate(order, probed);
    }
    // b. Otherwise upper bounds from the class confidences of the rest, best bound first.
    if (!settled && !stop && probed < order.size()) {
      std::vector<uint32_t> rest(order.begin() + static_cast<std::ptrdiff_t>(probed), order.end());
      Bounder bounder(query, truth);
      const int class_count = archive.ontology().ClassCount();
      std::atomic<size_t> next_bound{0};
      parallel([&]() {
        std::vector<double> best(class_count);
        for (size_t r; (r = next_bound.fetch_add(1)) < rest.size() && !stop;) {
          const size_t i = rest[r];
          Status checked = archive.CheckImage(candidates[i]);
          if (!checked.ok()) return fail(i, checked);
          const EntitySpan span = archive.Entities(candidates[i]);
          std::fill(best.begin(), best.end(), 0.0);
          bool any = false;
          for (uint32_t e = 0; e < span.count; ++e) {
            if (span.score[e] < truth.min_conf || span.class_id[e] >= class_count) continue;
            best[span.class_id[e]] = std::max<double>(best[span.class_id[e]], span.score[e]);
            any = true;
          }
          bound[i] = bounder.Of(*query.root, best, any);
        }
      });
      if (first_error) return first_error->second;
      if (ids_ascending) {
        std::stable_sort(rest.begin(), rest.end(), [&](uint32_t a, uint32_t b) { return bound[a] > bound[b]; });
      } else {
        std::sort(rest.begin(), rest.end(), [&](uint32_t a, uint32_t b) {
          if (bound[a] != bound[b]) return bound[a] > bound[b];
          return archive.ImageId(candidates[a]) < archive.ImageId(candidates[b]);
        });
      }
      evaluate(rest, rest.size());
    }
  }
  if (first_error) return first_error->second;
  response.stats.evaluated = evaluated.load();
  response.stats.from_counts = from_counts.load();

  // 3. Rank: score descending, then image id ascending; keep the top k.
  std::vector<size_t> order_ranked;  // candidate indices with a score above 0
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (scores[i] > 0.0) order_ranked.push_back(i);
  }
  std::sort(order_ranked.begin(), order_ranked.end(), [&](size_t x, size_t y) {
    if (scores[x] != scores[y]) return scores[x] > scores[y];
    return ids_ascending ? x < y : archive.ImageId(candidates[x]) < archive.ImageId(candidates[y]);
  });
  if (options.top_k > 0 && order_ranked.size() > options.top_k) order_ranked.resize(options.top_k);
  std::vector<ImageResult> ranked(order_ranked.size());
  std::vector<size_t> unexplained;  // positions in `ranked` the pass did not explain
  for (size_t k = 0; k < ranked.size(); ++k) {
    const size_t i = order_ranked[k];
    ranked[k].image = candidates[i];
    ranked[k].image_id = std::string(archive.ImageId(candidates[i]));
    ranked[k].score = scores[i];
    if (explain_in_pass && explained[i]) MoveExplanation(std::move(*explained[i]), &ranked[k]);
    else if (options.explain_results) unexplained.push_back(k);
  }

  // 4. Explain the results the pass did not: their witness and atom values.
  if (Status st = ExplainAll(archive, query, options, threads, &ranked, unexplained); !st.ok()) return st;
  response.results = std::move(ranked);
  response.stats.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  if (options.explain) {
    response.plan = DescribePlan(archive, query, options, truth, response.stats, use_index, use_bounds, keep_class,
                                 plan_stats, threads);
  }
  return response;
}

std::string PlanBeforeRun(const logic::BoundQuery& query, const SearchOptions& options) {
  std::string plan = "plan before running:\n  " + logic::Print(query) + "\n";
  if (options.reference) return plan + "  nested loops over every entity for every variable (reference)\n";
  reason::PlannedEvaluator describer(query, options.truth, options.image_budget, options.disabled);
  return plan + describer.Describe();
}

}  // namespace georune::search
