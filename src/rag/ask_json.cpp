// AskResultJson: an answer as `georune ask --format json` prints it.
#include "georune/rag/pipeline.h"

namespace georune::rag {
namespace {

nlohmann::json SourcesJson(const ExtractiveAnswer& e) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : e.sources) {
    out.push_back({{"record_id", s.record_id},
                   {"name", s.name},
                   {"field", s.field},
                   {"value", s.value},
                   {"name_score", s.name_score},
                   {"retrieval_score", s.retrieval_score ? nlohmann::json(*s.retrieval_score) : nlohmann::json()}});
  }
  return out;
}

nlohmann::json RetrievedJson(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : retrieved) {
    const auto& rec = kb.records()[size_t(kb.RecordIndex(r.record_id))];
    nlohmann::json e = {{"rank", r.rank},           {"record_id", r.record_id},   {"name", rec.name},
                        {"chunk", r.chunk},         {"chunk_type", r.chunk_type}, {"score", r.score},
                        {"rank_text", r.rank_text}, {"rank_image", r.rank_image}, {"text", kb.chunks()[r.chunk].text}};
    e["s_text"] = r.s_text ? nlohmann::json(*r.s_text) : nlohmann::json();
    e["s_image"] = r.s_image ? nlohmann::json(*r.s_image) : nlohmann::json();
    out.push_back(e);
  }
  return out;
}

}  // namespace

nlohmann::json AskResultJson(const KnowledgeBase& kb, std::string_view question, std::string_view task,
                             const AskResult& res) {
  nlohmann::json j;
  j["question"] = question;
  j["task"] = task;
  j["answer"] = res.answer;
  j["status"] = StatusName(res.status);
  j["looked_for"] = res.extractive.looked_for;
  j["structured"] = res.extractive.structured;
  j["sources"] = SourcesJson(res.extractive);
  j["prompt"] = res.prompt.empty() ? nlohmann::json() : nlohmann::json(res.prompt);
  j["context"] = res.context;
  j["generated"] = res.generated;
  j["answer_source"] = {{"record_id", res.extractive.record_id}, {"field", res.extractive.field}};
  j["retrieved"] = RetrievedJson(kb, res.retrieved);
  if (!res.notes.empty()) j["notes"] = res.notes;
  return j;
}

}  // namespace georune::rag
