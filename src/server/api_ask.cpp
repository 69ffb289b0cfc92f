// POST /v1/ask: {"question", "task", "top_k", "alpha", "tau"} → the RS-RAG answer with its
// retrieved chunks, scores and sources (offline, extractive: the server holds no LLM client).
#include "georune/rag/pipeline.h"
#include "server/errors.h"
#include "server/request.h"
#include "server/routes.h"

namespace georune::server {
namespace {

Result<rag::AskRequest> AskRequestFrom(const nlohmann::json& j) {
  static const std::set<std::string> kKeys = {"question", "task", "top_k", "alpha", "tau"};
  for (const auto& [key, value] : j.items()) {
    if (!kKeys.count(key)) {
      return Status::InvalidInput("request:" + key + ": unknown key '" + key +
                                  "' (hint: keys are question, task, top_k, alpha, tau)");
    }
  }
  rag::AskRequest r;
  if (!j.contains("question") || !j["question"].is_string() || j["question"].get<std::string>().empty()) {
    return Status::InvalidInput(
        "request:question: give {\"question\": TEXT} (hint: {\"question\": \"When was Salts Mill built?\"})");
  }
  r.question = j["question"].get<std::string>();
  auto task = rag::ParseTask(j.value("task", "vqa"));
  if (!task.ok()) return Status::InvalidInput("request:task: " + task.status().message());
  r.task = *task;
  if (j.contains("top_k")) {
    if (!j["top_k"].is_number_integer() || j["top_k"] < 1 || j["top_k"] > 50) {
      return Status::InvalidInput("request:top_k: 'top_k' must be an integer from 1 to 50 (hint: 5)");
    }
    r.retrieve.top_k = j["top_k"].get<size_t>();
  }
  if (j.contains("tau")) {
    if (!j["tau"].is_number_integer() || j["tau"] < 1 || j["tau"] > 1000) {
      return Status::InvalidInput("request:tau: 'tau' must be an integer from 1 to 1000 (hint: 20)");
    }
    r.retrieve.tau = j["tau"].get<size_t>();
  }
  if (j.contains("alpha")) {
    if (!j["alpha"].is_number() || j["alpha"] < 0 || j["alpha"] > 1) {
      return Status::InvalidInput("request:alpha: 'alpha' must be a number from 0 to 1 (hint: 0.5)");
    }
    r.retrieve.alpha = j["alpha"].get<double>();
  }
  return r;
}

// The CLI's `ask --format json` object (rag::AskResultJson), with the retrieval parameters and
// each retrieved record's category.
nlohmann::json AskJson(const rag::KnowledgeBase& kb, const rag::AskRequest& req, const rag::AskResult& res) {
  nlohmann::json j = rag::AskResultJson(kb, req.question, rag::TaskName(req.task), res);
  j["params"] = {{"alpha", req.retrieve.alpha}, {"tau", req.retrieve.tau}, {"top_k", req.retrieve.top_k}};
  for (auto& e : j["retrieved"]) {
    const int index = kb.RecordIndex(e["record_id"].get<std::string>());
    e["category"] = index >= 0 ? kb.records()[static_cast<size_t>(index)].category : "";
  }
  return j;
}

void PostAsk(const State& state, const httplib::Request& req, httplib::Response& res) {
  if (!state.kb) {
    return SendError(res, 404, {"this server has no knowledge base", "", "start the server with a knowledge base"});
  }
  auto body = ParseBody(req);
  if (!body.ok()) return SendError(res, body.status());
  auto ask = AskRequestFrom(*body);
  if (!ask.ok()) return SendError(res, ask.status());
  auto answer = rag::Ask(*state.kb->kb, *state.kb->retriever, *ask, nullptr);
  if (!answer.ok()) return SendError(res, answer.status());
  SendJson(res, AskJson(*state.kb->kb, *ask, *answer));
}

}  // namespace

void AddAskRoutes(Router& http, const State& state) {
  http.Post("/v1/ask", [&state](const httplib::Request& req, httplib::Response& res) { PostAsk(state, req, res); });
}

}  // namespace georune::server
