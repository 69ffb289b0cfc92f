// Internal to search: the archive stage, decided from the per-class index before any entity is
// read. PruneCandidates lists the images that can score above 0; ScoreBounder bounds an image's
// score from its best confidence per class (for --top K, best bound first).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/logic/bound.h"
#include "georune/reason/params.h"

namespace georune::search {

// The images that can score above 0, ascending: with `use_index`, those holding the classes
// and counts the formula's positive existential structure needs; otherwise every image.
std::vector<uint32_t> PruneCandidates(const Archive& archive, const logic::BoundQuery& query, bool use_index);

// An upper bound of an image's score from its class confidences (spec §5 is monotone in every
// class atom, and every other atom is at most 1): exists → AND of its variables' best
// confidences; counting → that AND n times; AND/OR of bounds; anything else 1.
class ScoreBounder {
 public:
  ScoreBounder(const logic::BoundQuery& query, const reason::TruthParams& truth);

  // `best[c]`: the highest confidence of class c in the image (0 if absent, ≥ min_conf only);
  // `any_entity`: whether the image holds an entity at all.
  double Of(const logic::BoundNode& node, const std::vector<double>& best, bool any_entity) const;

 private:
  double Var(int var, const std::vector<double>& best, bool any_entity) const;

  std::vector<std::optional<std::vector<int>>> var_classes_;
  reason::TruthParams truth_;
};

}  // namespace georune::search
