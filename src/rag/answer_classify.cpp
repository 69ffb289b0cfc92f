// AnswerClassify (answer_parts.h): the classify task of the extractive answerer.
#include <algorithm>
#include <map>

#include "answer_parts.h"
#include "georune/common/text.h"

namespace georune::rag {
namespace {

// The allowed categories of "... following N categories: A, B, C." (empty when not listed).
std::vector<std::string> AllowedCategories(std::string_view question) {
  std::vector<std::string> allowed;
  const size_t pos = AsciiLower(question).find("categories:");
  if (pos == std::string::npos) return allowed;
  std::string list(question.substr(pos + 11));
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    while (!item.empty() && (item.back() == '.' || item.back() == ' ')) item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    if (!item.empty()) allowed.push_back(item);
    start = end + 1;
  }
  return allowed;
}

}  // namespace

ExtractiveAnswer AnswerClassify(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                                std::string_view question) {
  ExtractiveAnswer ans;
  if (retrieved.empty()) {
    ans.status = AnswerStatus::kNotFound;
    ans.looked_for = "a record matching the query";
    return ans;
  }
  const std::vector<std::string> allowed = AllowedCategories(question);
  std::map<std::string, double> votes;
  std::map<std::string, std::string> display;
  for (const auto& r : retrieved) {
    const int ri = kb.RecordIndex(r.record_id);
    if (ri < 0) continue;
    std::string cat = kb.records()[size_t(ri)].category;
    if (cat.empty()) continue;
    if (!allowed.empty()) {
      auto it = std::find_if(allowed.begin(), allowed.end(),
                             [&](const std::string& a) { return AsciiLower(a) == AsciiLower(cat); });
      if (it == allowed.end()) continue;
      cat = *it;
    }
    votes[AsciiLower(cat)] += std::max(0.0, r.score) + 1e-9;
    display[AsciiLower(cat)] = cat;
    const Record& voter = kb.records()[size_t(ri)];
    const bool listed = std::any_of(ans.sources.begin(), ans.sources.end(),
                                    [&](const AnswerSource& x) { return x.record_id == voter.id; });
    if (!listed) ans.sources.push_back({voter.id, voter.name, "Category", cat, 0, r.score});
  }
  double best = -1;
  for (const auto& [c, v] : votes) {
    if (v > best) {
      best = v;
      ans.answer = display[c];
    }
  }
  ans.field = "Category";
  if (votes.empty()) ans.status = AnswerStatus::kNotFound;
  ans.looked_for = "the category of the retrieved records";
  return ans;
}

}  // namespace georune::rag
