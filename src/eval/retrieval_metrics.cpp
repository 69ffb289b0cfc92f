// Retrieval metrics (include/georune/eval/retrieval_metrics.h).
#include "georune/eval/retrieval_metrics.h"

#include <algorithm>

namespace georune::eval {

void SortRanking(std::vector<RankedImage>& ranking) {
  std::erase_if(ranking, [](const RankedImage& r) { return !(r.score > 0); });
  std::sort(ranking.begin(), ranking.end(), [](const RankedImage& a, const RankedImage& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.image < b.image;
  });
}

QueryMetrics ScoreRanking(const std::vector<RankedImage>& ranking, const std::unordered_set<std::string>& relevant,
                          size_t k, double tau_ret) {
  QueryMetrics m;
  if (k == 0) k = 1;
  m.relevant = relevant.size();
  m.ranked = ranking.size();
  size_t hits_so_far = 0, hits_at_k = 0;
  double sum_precision = 0;
  for (size_t i = 0; i < ranking.size(); ++i) {
    const bool rel = relevant.count(ranking[i].image) > 0;
    if (rel) {
      ++hits_so_far;
      sum_precision += static_cast<double>(hits_so_far) / static_cast<double>(i + 1);
    }
    if (i + 1 == k || (i + 1 < k && i + 1 == ranking.size())) hits_at_k = hits_so_far;
    if (ranking[i].score >= tau_ret) {
      ++m.retrieved;
      if (rel) ++m.hits;
    }
  }
  m.false_positives = m.retrieved - m.hits;
  m.p_at_k = static_cast<double>(hits_at_k) / static_cast<double>(k);
  m.precision = m.retrieved ? static_cast<double>(m.hits) / m.retrieved : 0.0;
  if (m.relevant > 0) {
    m.ap = sum_precision / static_cast<double>(m.relevant);
    m.r_at_k = static_cast<double>(hits_at_k) / m.relevant;
    m.recall = static_cast<double>(m.hits) / m.relevant;
  }
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

std::optional<double> Robustness(const std::map<int, double>& map_by_level) {
  if (map_by_level.size() < 2) return std::nullopt;
  const double base = map_by_level.begin()->second;
  if (!(base > 0)) return std::nullopt;
  double sum = 0;
  for (auto it = std::next(map_by_level.begin()); it != map_by_level.end(); ++it)
    sum += std::min(1.0, it->second / base);
  return sum / static_cast<double>(map_by_level.size() - 1);
}

}  // namespace georune::eval
