// AnswerCaption (answer_parts.h): the caption task of the extractive answerer.
#include "answer_parts.h"
#include "georune/common/text.h"

namespace georune::rag {

// "NAME is a CATEGORY in AREA, built in PERIOD. FIRST SENTENCE OF ITS HISTORY" from the best
// retrieved record (results are sorted by score); the parts it lacks are left out.
ExtractiveAnswer AnswerCaption(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved) {
  ExtractiveAnswer ans;
  if (retrieved.empty()) {
    ans.status = AnswerStatus::kNotFound;
    ans.looked_for = "a record matching the query";
    return ans;
  }
  const int ri = kb.RecordIndex(retrieved.front().record_id);
  if (ri < 0) return ans;
  const Record* rec = &kb.records()[size_t(ri)];
  ans.record_id = rec->id;
  std::string cap = rec->name;
  if (!rec->category.empty()) cap += " is a " + AsciiLower(rec->category);
  else cap += " is a site";
  auto area = rec->fields.find("Area");
  if (area != rec->fields.end()) cap += " in " + area->second;
  auto period = rec->fields.find("Construction_Period");
  if (period != rec->fields.end()) cap += ", built in " + period->second;
  cap += ".";
  auto hist = rec->fields.find("Historical_Background");
  if (hist != rec->fields.end()) {
    auto s = Sentences(hist->second);
    if (!s.empty()) cap += " " + s.front();
  }
  ans.answer = cap;
  ans.field = "caption_template";
  ans.sources.push_back({rec->id, rec->name, "caption_template", cap, 0, retrieved.front().score});
  return ans;
}

}  // namespace georune::rag
