// Internal to search: class-only formulas scored from the class index, without reading entities.
//
// A formula whose every atom is a class atom (or true/false) has, in crisp mode, a value that
// depends only on how many entities of each class the image holds (spec §4: a class atom is 1
// for a member, whatever its confidence; §3's distinctness counts entities). When the index
// also says that no entity of the image lies below min_conf (Archive::MinConfidence), those
// counts are exactly the scene's, and the value is that of a scene of placeholder entities with
// the same class counts, evaluated once per distinct count signature and memoised. Soft mode,
// or an image whose scores the index does not bound, is left to the per-image search.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/common/status.h"
#include "georune/logic/bound.h"
#include "georune/reason/params.h"

namespace georune::search {

// True when every atom of the formula is a class atom or a constant.
bool IsClassOnly(const logic::BoundQuery& query);

// Not thread safe: one per thread.
class ClassCountScorer {
 public:
  // `query` must outlive the scorer. Applies only to crisp truth. Evaluations stop at
  // `deadline` (kTooComplex quoting `budget_seconds`), as the per-image search does.
  ClassCountScorer(const logic::BoundQuery& query, const reason::TruthParams& truth, uint64_t image_budget,
                   const std::set<std::string>& disabled, int class_count,
                   std::chrono::steady_clock::time_point deadline, double budget_seconds);

  // The image's score from its class counts; nullopt when the counts do not decide it (soft
  // mode, or an entity of the image may lie below min_conf). Errors as the evaluator's.
  std::optional<Result<double>> Score(const Archive& archive, uint32_t image);

  uint64_t scored() const { return scored_; }            // images answered from the counts
  uint64_t evaluations() const { return evaluations_; }  // distinct signatures evaluated

 private:
  const logic::BoundQuery& query_;
  reason::TruthParams truth_;
  uint64_t image_budget_;
  std::set<std::string> disabled_;
  std::chrono::steady_clock::time_point deadline_;
  double budget_seconds_;
  bool applies_ = false;
  std::vector<int> type_of_class_;                        // class id → type (classes alike for every class atom)
  std::vector<int> representative_;                       // type → a class id of that type
  std::map<std::vector<uint32_t>, Result<double>> memo_;  // count per type → value
  std::vector<Archive::ClassCount> counts_;               // scratch
  std::vector<uint32_t> signature_;                       // scratch
  uint64_t scored_ = 0, evaluations_ = 0;
};

}  // namespace georune::search
