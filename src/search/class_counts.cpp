// ClassCountScorer: class-only formulas from the class index (see class_counts.h).
#include "search/class_counts.h"

#include <algorithm>
#include <utility>

#include "georune/reason/planner.h"
#include "georune/reason/scene.h"

namespace georune::search {
namespace {

using logic::BoundNode;
using logic::NodeKind;

bool ClassOnlyNode(const BoundNode& n) {
  if (n.kind == NodeKind::kRelation || n.kind == NodeKind::kCompare) return false;
  for (const auto& c : n.children) {
    if (!ClassOnlyNode(*c)) return false;
  }
  return true;
}

void CollectClassAtoms(const BoundNode& n, std::vector<const BoundNode*>* out) {
  if (n.kind == NodeKind::kClass) out->push_back(&n);
  for (const auto& c : n.children) CollectClassAtoms(*c, out);
}

long LargestCount(const BoundNode& n) {
  long most = n.kind == NodeKind::kAtLeast || n.kind == NodeKind::kAtMost || n.kind == NodeKind::kExactly ? n.count : 0;
  for (const auto& c : n.children) most = std::max(most, LargestCount(*c));
  return most;
}

// How many entities of a type can matter. A quantifier's variable finds, among the entities of
// a type, all of them but those the other variables hold (spec §3: distinct variables, distinct
// entities), so at least count − variables. With count ≥ largest quantifier count + variables
// + 1, that is more than any quantifier compares with, whatever the other variables hold, so
// every comparison and every existence test comes out as with the true count.
uint32_t CountThatDecides(const logic::BoundQuery& query) {
  const long cap = LargestCount(*query.root) + static_cast<long>(query.var_names.size()) + 1;
  return static_cast<uint32_t>(std::min<long>(cap, long{1} << 30));  // no overflow when adding two
}

}  // namespace

bool IsClassOnly(const logic::BoundQuery& query) { return ClassOnlyNode(*query.root); }

ClassCountScorer::ClassCountScorer(const logic::BoundQuery& query, std::shared_ptr<const plan::PhysicalPlan> plan,
                                   const reason::TruthParams& truth, uint64_t image_budget, int class_count,
                                   const std::vector<bool>& keep_class, std::chrono::steady_clock::time_point deadline,
                                   double budget_seconds)
    : plan_(std::move(plan)),
      truth_(truth),
      image_budget_(image_budget),
      deadline_(deadline),
      budget_seconds_(budget_seconds),
      keep_class_(keep_class) {
  applies_ = truth.crisp && IsClassOnly(query);
  if (!applies_) return;
  count_cap_ = CountThatDecides(query);
  // Two classes are alike when every class atom of the query treats them the same.
  std::vector<const BoundNode*> atoms;
  CollectClassAtoms(*query.root, &atoms);
  std::map<std::vector<bool>, int> types;
  type_of_class_.resize(class_count);
  for (int c = 0; c < class_count; ++c) {
    std::vector<bool> member;
    member.reserve(atoms.size());
    for (const BoundNode* a : atoms) {
      member.push_back(a->any_class || std::binary_search(a->class_ids.begin(), a->class_ids.end(), c));
    }
    auto [it, added] = types.emplace(std::move(member), static_cast<int>(representative_.size()));
    if (added) representative_.push_back(c);
    type_of_class_[c] = it->second;
  }
}

std::optional<Result<double>> ClassCountScorer::Score(const Archive& archive, uint32_t image) {
  if (!applies_ || static_cast<double>(archive.MinConfidence(image)) < truth_.min_conf) {
    if (HoldsKeptClass(archive, image)) return std::nullopt;
    ++scored_;
    if (!empty_value_) empty_value_ = Evaluate(reason::Scene{});
    return *empty_value_;
  }
  archive.ClassCountsOf(image, &counts_);
  signature_.assign(representative_.size(), 0);
  for (const auto& cc : counts_) {
    if (cc.class_id < 0 || cc.class_id >= static_cast<int>(type_of_class_.size())) return std::nullopt;
    uint32_t& n = signature_[type_of_class_[cc.class_id]];
    n = std::min(n + std::min(cc.count, count_cap_), count_cap_);
  }
  ++scored_;
  auto found = memo_.find(signature_);
  if (found != memo_.end()) return found->second;
  // A scene of placeholder entities with the same counts per type (no geometry is read).
  reason::Scene scene;
  for (size_t t = 0; t < signature_.size(); ++t) {
    for (uint32_t k = 0; k < signature_[t]; ++k) {
      const double x = 4.0 * static_cast<double>(scene.entities.size());
      scene.entities.push_back(reason::MakeSceneEntity(static_cast<int>(scene.entities.size()), representative_[t], 1.0,
                                                       Corners{x, 0, x + 1, 0, x + 1, 1, x, 1}));
    }
  }
  return memo_.emplace(signature_, Evaluate(std::move(scene))).first->second;
}

bool ClassCountScorer::HoldsKeptClass(const Archive& archive, uint32_t image) {
  if (!kept_images_) {
    kept_images_.emplace();
    for (int c = 0; c < archive.ontology().ClassCount(); ++c) {
      if (keep_class_.empty() || (c < static_cast<int>(keep_class_.size()) && keep_class_[c]))
        *kept_images_ |= archive.ImagesWithClass(c);
    }
  }
  return kept_images_->contains(image);
}

Result<double> ClassCountScorer::Evaluate(reason::Scene scene) {
  scene.gsd = 1.0;  // no geometry is read: every entity is a placeholder, or there is none
  reason::PlannedEvaluator evaluator(plan_, truth_, image_budget_);
  evaluator.SetDeadline(deadline_, budget_seconds_);
  auto score = evaluator.Score(scene, false);
  ++evaluations_;
  return score.ok() ? Result<double>(score->value) : Result<double>(score.status());
}

}  // namespace georune::search
