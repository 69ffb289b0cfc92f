// The evaluator base (scoring, explanation, budget) and the reference evaluator.
#include "georune/reason/evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "georune/common/diagnostic.h"
#include "georune/reason/relations.h"

namespace georune::reason {
namespace {

using logic::BoundNode;
using logic::NodeKind;

// Thrown inside an evaluator when its budget runs out; caught in Score(), never escapes.
struct BudgetExhausted {
  const BoundNode* blame;
  bool out_of_time;
};

bool IsAtom(NodeKind k) { return k == NodeKind::kClass || k == NodeKind::kRelation || k == NodeKind::kCompare; }

}  // namespace

double FoldLargest(Semantics s, std::vector<std::pair<double, int>>& values, long n, std::vector<int>* chosen) {
  if (n <= 0) return 1.0;
  if (static_cast<long>(values.size()) < n) return 0.0;
  std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  double v = 1.0;
  for (long i = 0; i < n; ++i) {
    v = And(s, v, values[i].first);
    if (chosen) chosen->push_back(values[i].second);
  }
  return v;
}

Evaluator::Evaluator(const logic::BoundQuery& query, const TruthParams& params, uint64_t budget)
    : query_(query), params_(params), budget_(budget) {}

void Evaluator::Reset(const Scene& scene) {
  scene_ = &scene;
  steps_ = 0;
}

void Evaluator::Step(const BoundNode& blame) {
  if (++steps_ > budget_) throw BudgetExhausted{&blame, false};
  if ((steps_ & 255) == 0 && Clock::now() > deadline_) throw BudgetExhausted{&blame, true};
}

double Evaluator::Atom(const BoundNode& node, const Env& env) const {
  const auto& ents = scene_->entities;
  switch (node.kind) {
    case NodeKind::kClass: return ClassTruth(node, ents[env.entity[node.vars[0]]], params_);
    case NodeKind::kRelation:
    case NodeKind::kCompare: {
      const SceneEntity* args[16];
      std::vector<const SceneEntity*> many;
      const SceneEntity** ptr = args;
      if (node.vars.size() > 16) {
        many.resize(node.vars.size());
        ptr = many.data();
      }
      for (size_t i = 0; i < node.vars.size(); ++i) ptr[i] = &ents[env.entity[node.vars[i]]];
      std::span<const SceneEntity* const> span(ptr, node.vars.size());
      return node.kind == NodeKind::kRelation ? RelationTruth(node.relation, span, params_)
                                              : CompareTruth(node, span, scene_->gsd, params_);
    }
    case NodeKind::kConst: return node.value ? 1.0 : 0.0;
    default: return 0.0;
  }
}

namespace {

// Builds the explanation: the witness (variables bound on the way down through quantifiers in
// positive position) and the value of every atom whose variables are bound.
class Explainer {
 public:
  Explainer(Evaluator& eval, const logic::BoundQuery& query, const Scene& scene, ImageScore* out)
      : eval_(eval), query_(query), scene_(scene), out_(out) {}

  void Run(const BoundNode& node, Env& env, bool positive) {
    if (IsAtom(node.kind) || node.kind == NodeKind::kConst) {
      if (node.kind == NodeKind::kConst) return;
      for (int v : node.vars) {
        if (env.entity[v] < 0) return;
      }
      out_->atoms.emplace_back(logic::PrintNode(query_, node), eval_.Eval(node, env));
      return;
    }
    switch (node.kind) {
      case NodeKind::kAnd:
      case NodeKind::kOr:
        for (const auto& c : node.children) Run(*c, env, positive);
        return;
      case NodeKind::kNot: Run(*node.children[0], env, false); return;
      case NodeKind::kImplies:
        Run(*node.children[0], env, false);
        Run(*node.children[1], env, positive);
        return;
      default: break;
    }
    // A quantifier.
    const bool simple = node.kind == NodeKind::kExists || node.kind == NodeKind::kForall;
    const bool counting = node.kind == NodeKind::kAtLeast || node.kind == NodeKind::kExactly;
    if (positive && counting) {
      // The entities counted: x[1], x[2], … in the witness.
      std::vector<int> chosen;
      double value = eval_.Best(node, env, &chosen);
      const std::string& name = query_.var_names[node.vars[0]];
      for (size_t i = 0; i < chosen.size(); ++i) {
        out_->witness.emplace_back(name + "[" + std::to_string(i + 1) + "]", scene_.entities[chosen[i]].id);
      }
      out_->atoms.emplace_back(logic::PrintNode(query_, node), value);
      return;
    }
    if (!positive || !simple) {
      out_->atoms.emplace_back(logic::PrintNode(query_, node), eval_.Eval(node, env));
      return;
    }
    std::vector<int> best;
    eval_.Best(node, env, &best);
    if (best.size() != node.vars.size()) {
      out_->atoms.emplace_back(logic::PrintNode(query_, node), eval_.Eval(node, env));
      return;
    }
    for (size_t i = 0; i < best.size(); ++i) {
      env.Bind(node.vars[i], best[i]);
      out_->witness.emplace_back(query_.var_names[node.vars[i]], scene_.entities[best[i]].id);
    }
    Run(*node.children[0], env, positive);
    for (size_t i = best.size(); i-- > 0;) env.Unbind(node.vars[i]);
  }

 private:
  Evaluator& eval_;
  const logic::BoundQuery& query_;
  const Scene& scene_;
  ImageScore* out_;
};

}  // namespace

Result<ImageScore> Evaluator::Score(const Scene& scene, bool explain) {
  Reset(scene);
  Env env;
  env.entity.assign(query_.var_names.size(), -1);
  ImageScore out;
  try {
    const BoundNode& root = *query_.root;
    Explainer explainer(*this, query_, scene, &out);
    if (explain && (root.kind == NodeKind::kExists || root.kind == NodeKind::kForall)) {
      // One search gives both the value and the witness of the top quantifier.
      std::vector<int> best;
      out.value = Best(root, env, &best);
      if (out.value > 0 && best.size() == root.vars.size()) {
        for (size_t i = 0; i < best.size(); ++i) {
          env.Bind(root.vars[i], best[i]);
          out.witness.emplace_back(query_.var_names[root.vars[i]], scene.entities[best[i]].id);
        }
        explainer.Run(*root.children[0], env, true);
      } else if (out.value > 0) {
        out.atoms.emplace_back(logic::PrintNode(query_, root), out.value);
      }
    } else {
      out.value = Eval(root, env);
      if (explain && out.value > 0) explainer.Run(root, env, true);
    }
  } catch (const BudgetExhausted& e) {
    if (e.out_of_time) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", deadline_seconds_);
      return PlainDiagnostic("the query ran past its time budget of " + std::string(seconds) +
                                 " s while enumerating '" + logic::PrintNode(query_, *e.blame) + "'",
                             "narrow that part with class atoms or fewer variables, use crisp (exact) "
                             "arrangement operators, or raise the query's time budget")
          .With(Setting::kCrisp)
          .With(Setting::kQueryBudget)
          .ToStatus(StatusCode::kTooComplex);
    }
    return PlainDiagnostic("the query is too complex for this image: more than " + std::to_string(budget_) +
                               " assignments tried while evaluating '" + logic::PrintNode(query_, *e.blame) + "'",
                           "narrow it with class atoms, or raise the evaluation budget per image")
        .With(Setting::kImageBudget)
        .ToStatus(StatusCode::kTooComplex);
  }
  return out;
}

double Evaluator::Eval(const BoundNode& node, Env& env) {
  switch (node.kind) {
    case NodeKind::kConst:
    case NodeKind::kClass:
    case NodeKind::kRelation:
    case NodeKind::kCompare: return EvalAtom(node, env);
    case NodeKind::kNot: return Not(Eval(*node.children[0], env));
    case NodeKind::kAnd: {
      double v = 1.0;
      for (const auto& c : node.children) {
        v = And(params_.semantics, v, Eval(*c, env));
        if (v == 0.0) break;  // 0 absorbs in every semantics
      }
      return v;
    }
    case NodeKind::kOr: {
      double v = 0.0;
      for (const auto& c : node.children) {
        v = Or(params_.semantics, v, Eval(*c, env));
        if (v == 1.0) break;  // 1 absorbs in every semantics
      }
      return v;
    }
    case NodeKind::kImplies: {
      double a = Eval(*node.children[0], env);
      if (a == 0.0) return 1.0;
      return Or(params_.semantics, Not(a), Eval(*node.children[1], env));
    }
    default: return Best(node, env, nullptr);
  }
}

double Evaluator::CountValue(const BoundNode& q, std::vector<std::pair<double, int>>& values,
                             std::vector<int>* chosen) const {
  const Semantics s = params_.semantics;
  switch (q.kind) {
    case NodeKind::kAtLeast: return FoldLargest(s, values, q.count, chosen);
    case NodeKind::kAtMost: return Not(FoldLargest(s, values, q.count + 1, chosen));
    default: {
      auto copy = values;
      double at_least = FoldLargest(s, values, q.count, chosen);
      double at_most = Not(FoldLargest(s, copy, q.count + 1, nullptr));
      return And(s, at_least, at_most);
    }
  }
}

// ---------------------------------------------------------------- reference evaluator

double ReferenceEvaluator::Best(const BoundNode& node, Env& env, std::vector<int>* best) {
  if (node.kind != NodeKind::kExists && node.kind != NodeKind::kForall) return Count(node, env, best);
  Track track;
  track.want_max = node.kind == NodeKind::kExists;
  double v = Loop(node, 0, env, &track);
  // A witness only where it says something: an exists above 0, a forall below 1.
  const bool telling = track.any && (track.want_max ? track.value > 0.0 : track.value < 1.0);
  if (best) *best = telling ? track.tuple : std::vector<int>{};
  return v;
}

// Nested loops over the quantifier's variables; `track` keeps the first best full assignment
// (exists: the first maximum; forall: the first minimum, up to ties of ClearlyBetter) in loop
// order, which is the canonical witness (evaluator.h).
double ReferenceEvaluator::Loop(const BoundNode& q, size_t i, Env& env, Track* track) {
  const BoundNode& body = *q.children[0];
  const bool exists = track->want_max;
  if (i == q.vars.size()) {
    Step(q);
    double v = Eval(body, env);
    if (!track->any || ClearlyBetter(v, track->value, exists)) {
      track->any = true;
      track->value = v;
      track->tuple = track->current;
    }
    return v;
  }
  const int var = q.vars[i];
  double result = exists ? 0.0 : 1.0;
  const int n = static_cast<int>(scene_->entities.size());
  for (int e = 0; e < n; ++e) {
    if (env.IsBound(e)) continue;
    env.Bind(var, e);
    track->current.push_back(e);
    bool rejected = false;
    // exists: short-circuit of the conjunction at a 0 conjunct whose variables are all bound.
    if (exists && body.kind == NodeKind::kAnd && i + 1 < q.vars.size()) {
      for (const auto& c : body.children) {
        if (!IsAtom(c->kind)) continue;
        bool ready = std::find(c->vars.begin(), c->vars.end(), var) != c->vars.end();
        for (int cv : c->vars) ready &= env.entity[cv] >= 0;
        if (ready && Atom(*c, env) == 0.0) {
          rejected = true;
          Step(q);
          break;
        }
      }
    }
    if (!rejected) {
      double v = Loop(q, i + 1, env, track);
      result = exists ? std::max(result, v) : std::min(result, v);
    }
    track->current.pop_back();
    env.Unbind(var);
    if (exists ? result >= 1.0 : result <= 0.0) break;
  }
  return result;
}

double ReferenceEvaluator::Count(const BoundNode& q, Env& env, std::vector<int>* chosen) {
  const int var = q.vars[0];
  std::vector<std::pair<double, int>> values;
  const int n = static_cast<int>(scene_->entities.size());
  for (int e = 0; e < n; ++e) {
    if (env.IsBound(e)) continue;
    Step(q);
    env.Bind(var, e);
    double v = Eval(*q.children[0], env);
    env.Unbind(var);
    if (v > 0) values.emplace_back(v, e);
  }
  return CountValue(q, values, chosen);
}

}  // namespace georune::reason
