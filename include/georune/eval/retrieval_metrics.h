// Retrieval metrics of spec/logic.md §8 (project definitions; the RUNE paper names RRQC and
// RRIU without formulas we could read, so these are this project's definitions).
//
// A ranking is the list of images with score > 0, score descending then image id ascending
// (spec §5), exactly as search::Run and `georune query --all` return it. For a query with
// relevant (gold) set R:
//   P@k = |top k ∩ R| / k            (k fixed: fewer than k ranked images still divide by k)
//   R@k = |top k ∩ R| / |R|
//   AP  = (1/|R|) · Σ P@i over the ranks i that hold a relevant image
//         (relevant images never ranked contribute 0)
//   retrieved set = ranked images with score >= tau_ret (default 0.5);
//   precision = |ret ∩ R| / |ret| (0 when nothing is retrieved), recall = |ret ∩ R| / |R|,
//   F1 = 2PR/(P+R) (0 when P+R = 0).
// Queries with empty R are reported apart: their AP and recall are undefined; their measure
// is the number of false positives, |ret| (and the number ranked at all).
// mAP = mean AP over queries with non-empty R.
// Robustness (RRQC over complexity levels, RRIU over noise levels):
//   mean over levels l other than the lowest present l0 of min(1, mAP_l / mAP_l0);
//   undefined (nullopt) with fewer than two levels or mAP_l0 = 0.
// Pure functions; thread safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace georune::eval {

struct RankedImage {
  std::string image;
  double score = 0;
};

// Sorts score descending then image id ascending and drops scores <= 0 (spec §5 order).
void SortRanking(std::vector<RankedImage>& ranking);

struct QueryMetrics {
  size_t relevant = 0;   // |R|
  size_t ranked = 0;     // images with score > 0
  size_t retrieved = 0;  // images with score >= tau_ret
  size_t hits = 0;       // |retrieved ∩ R|
  double ap = 0, p_at_k = 0, r_at_k = 0, precision = 0, recall = 0, f1 = 0;
  size_t false_positives = 0;  // retrieved − hits (the measure of an empty-gold query)
};

// `ranking` must already be in spec order (SortRanking). k >= 1.
QueryMetrics ScoreRanking(const std::vector<RankedImage>& ranking, const std::unordered_set<std::string>& relevant,
                          size_t k = 10, double tau_ret = 0.5);

// RRQC / RRIU from mAP by level (key = complexity level or noise level).
std::optional<double> Robustness(const std::map<int, double>& map_by_level);

}  // namespace georune::eval
