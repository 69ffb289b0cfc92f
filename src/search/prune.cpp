// The archive stage: candidate pruning from the class index, and score upper bounds.
#include "search/prune.h"

#include <algorithm>
#include <map>

#include "georune/plan/analysis.h"
#include "georune/reason/relations.h"

namespace georune::search {
namespace {

using logic::BoundNode;
using logic::NodeKind;

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

}  // namespace

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

ScoreBounder::ScoreBounder(const logic::BoundQuery& query, const reason::TruthParams& truth)
    : var_classes_(plan::VariableClasses(query)), truth_(truth) {}

double ScoreBounder::Of(const BoundNode& node, const std::vector<double>& best, bool any_entity) const {
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

double ScoreBounder::Var(int var, const std::vector<double>& best, bool any_entity) const {
  const auto& classes = var_classes_[var];
  if (!classes) return any_entity ? 1.0 : 0.0;
  double v = 0.0;
  for (int c : *classes) v = std::max(v, c < static_cast<int>(best.size()) ? best[c] : 0.0);
  return truth_.crisp && v > 0.0 ? 1.0 : v;
}

}  // namespace georune::search
