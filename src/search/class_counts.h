// Internal to search: class-only formulas scored from the class index, without reading entities.
//
// A formula whose every atom is a class atom (or true/false) has, in crisp mode, a value that
// depends only on how many entities of each class the image holds (spec §4: a class atom is 1
// for a member, whatever its confidence; §3's distinctness counts entities). When the index
// also says that no entity of the image lies below min_conf (Archive::MinConfidence), those
// counts are exactly the scene's, and the value is that of a scene of placeholder entities with
// the same class counts, evaluated once per distinct count signature and memoised. A count
// beyond the largest quantifier count plus the number of variables decides nothing more, so
// signatures are capped there (few distinct signatures, small placeholder scenes). Soft mode,
// or an image whose scores the index does not bound, is left to the per-image search.
//
// Any formula, in any mode: an image that holds no entity of a class the scene keeps (the
// class index says so) has an empty scene, so its value is the empty scene's, evaluated once
// (`NOT exists s: ship(s) AND …` over every image reads only the images with ships or harbors).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/common/status.h"
#include "georune/logic/bound.h"
#include "georune/plan/physical.h"
#include "georune/reason/params.h"
#include "georune/reason/scene.h"

namespace georune::search {

// True when every atom of the formula is a class atom or a constant.
bool IsClassOnly(const logic::BoundQuery& query);

// Not thread safe: one per thread.
class ClassCountScorer {
 public:
  // `plan` is the run's physical plan of `query`, which every evaluation executes.
  // `keep_class`: the classes the per-image search keeps in a scene (search's KeptClasses;
  // empty = all). Evaluations stop at `deadline` (kTooComplex quoting `budget_seconds`), as
  // the per-image search does.
  ClassCountScorer(const logic::BoundQuery& query, std::shared_ptr<const plan::PhysicalPlan> plan,
                   const reason::TruthParams& truth, uint64_t image_budget, int class_count,
                   const std::vector<bool>& keep_class, std::chrono::steady_clock::time_point deadline,
                   double budget_seconds);

  // The image's score from the class index; nullopt when it does not decide it (the image
  // holds an entity of a kept class, and the formula is not class-only in crisp mode or an
  // entity of the image may lie below min_conf). Errors as the evaluator's.
  std::optional<Result<double>> Score(const Archive& archive, uint32_t image);

  uint64_t scored() const { return scored_; }            // images answered from the index
  uint64_t evaluations() const { return evaluations_; }  // distinct signatures evaluated

 private:
  // Whether the index says the image holds an entity of a kept class.
  bool HoldsKeptClass(const Archive& archive, uint32_t image);
  // The planned evaluator's value of a scene of placeholders (or of none).
  Result<double> Evaluate(reason::Scene scene);

  std::shared_ptr<const plan::PhysicalPlan> plan_;
  reason::TruthParams truth_;
  uint64_t image_budget_;
  std::chrono::steady_clock::time_point deadline_;
  double budget_seconds_;
  bool applies_ = false;                                  // class-only formula, crisp truth
  std::vector<bool> keep_class_;                          // as given, empty = all classes
  std::optional<roaring::Roaring> kept_images_;           // images holding a kept class (built on first use)
  std::optional<Result<double>> empty_value_;             // the empty scene's value (on first use)
  std::vector<int> type_of_class_;                        // class id → type (classes alike for every class atom)
  std::vector<int> representative_;                       // type → a class id of that type
  uint32_t count_cap_ = 0;                                // counts beyond it decide nothing more
  std::map<std::vector<uint32_t>, Result<double>> memo_;  // capped count per type → value
  std::vector<Archive::ClassCount> counts_;               // scratch
  std::vector<uint32_t> signature_;                       // scratch
  uint64_t scored_ = 0, evaluations_ = 0;
};

}  // namespace georune::search
