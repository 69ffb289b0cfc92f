// Read-only analyses of a bound query, used by the optimisers (plan/physical.h) to choose
// operators. Nothing here rewrites a formula or chooses anything.
//
//  - Class restrictions: the classes each variable can take, from the class atoms of the
//    conjunction its quantifier binds it in (forall: the antecedent); which classes a query can
//    use at all; on which classes a metric comparison is evaluated.
//  - SymmetricGroups: which variables are interchangeable. Swapping x and y maps the multiset of
//    conjuncts onto itself (aligned, clustered, parallel and perpendicular are symmetric in their
//    arguments, exactly: their truth depends on |θa − θb| or on the set; every other atom keeps
//    its argument order). Swaps that are automorphisms compose, so "interchangeable"
//    is an equivalence; the search binds the members of a group in increasing entity order only.
//  - FindArrangement: whether a set of variables with its conjuncts is an arrangement, "n
//    interchangeable entities, each passing the same one-variable conjuncts, that are aligned,
//    clustered, or both" — the shape that has an exact polynomial operator (reason/arrangement.h).
//    Further quantifier-free conjuncts over several of the variables (r32's pairwise `parallel`)
//    make it a restricted arrangement: the operator is then a necessary condition (crisp), and
//    the entities of no aligned/clustered set are dropped before enumerating.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "georune/logic/bound.h"

namespace georune::plan {

using ClassSet = std::optional<std::vector<int>>;  // sorted class ids; nullopt: every class

// The classes a conjunction allows for `var`: the intersection of its class atoms on var.
ClassSet Restriction(const std::vector<const logic::BoundNode*>& conjuncts, int var);
// The class restriction of each variable a quantifier binds (forall: from the antecedent).
std::vector<ClassSet> QuantifierRestrictions(const logic::BoundNode& quantifier);
// Restrictions of every variable quantified inside `node`, appended to `out`.
void NestedRestrictions(const logic::BoundNode& node, std::vector<ClassSet>* out);
// Whether no entity can be in both (false when either is every class).
bool Disjoint(const ClassSet& a, const ClassSet& b);
bool ContainsQuantifier(const logic::BoundNode& node);
// The conjuncts a quantifier's variables are restricted by (forall: its antecedent's).
std::vector<const logic::BoundNode*> BindingConjuncts(const logic::BoundNode& quantifier);
// Every quantifier of the tree, outermost first.
void ForEachQuantifier(const logic::BoundNode& node, const std::function<void(const logic::BoundNode&)>& f);

// The classes each variable can take (var id → classes), over the whole query.
std::vector<ClassSet> VariableClasses(const logic::BoundQuery& query);
// Classes whose entities a metric comparison (m, km, m2, ha) can be evaluated on; nullopt: any.
ClassSet MetricClasses(const logic::BoundQuery& query);
// Classes the query can use, indexed by class id: entities of other classes never change any
// value. Empty when every class matters (some variable is unrestricted).
std::vector<bool> RelevantClasses(const logic::BoundQuery& query, int class_count);

// A group id per variable of `vars` (positions with equal ids are interchangeable), from the
// conjuncts of the block binding them.
std::vector<int> SymmetricGroups(const std::vector<const logic::BoundNode*>& conjuncts, const std::vector<int>& vars);

struct Arrangement {
  bool aligned = false;     // aligned(all the variables) is a conjunct
  bool clustered = false;   // clustered(all the variables) is a conjunct
  size_t n = 0;             // how many variables
  bool restricted = false;  // further conjuncts tie several of the variables (e.g. parallel(a, b))
};

// `vars` and `conjuncts` are one component of a block (every conjunct uses only these variables
// of the block); `groups` from SymmetricGroups. An arrangement when: all variables form one
// group; each conjunct is quantifier-free and either on one variable, or aligned/clustered over
// exactly the variables (each once), or on several of them (restricted); at least one is
// aligned/clustered.
std::optional<Arrangement> FindArrangement(const std::vector<const logic::BoundNode*>& conjuncts,
                                           const std::vector<int>& vars, const std::vector<int>& groups);

// A text key of `node` with variable v printed as rename(v), arguments of symmetric relations
// sorted: equal keys mean equal truth under every binding.
std::string SymmetricKey(const logic::BoundNode& node, const std::vector<int>& rename);

}  // namespace georune::plan
