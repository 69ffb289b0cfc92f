// POST /v1/query, POST /v1/translate, GET /v1/archives, GET /v1/results.geojson and .csv.
#include <string>

#include "georune/service/query.h"
#include "server/errors.h"
#include "server/export.h"
#include "server/request.h"
#include "server/routes.h"

namespace georune::server {
namespace {

// Runs the query described by `j`; on failure the error is already in `res`.
std::optional<service::QueryAnswer> Answer(const State& state, const nlohmann::json& j, httplib::Response& res,
                                           std::string* archive_name, size_t* offset = nullptr) {
  auto request = QueryRequestFrom(j, state.config, archive_name);
  if (!request.ok()) return SendError(res, request.status()), std::nullopt;
  auto archive = state.FindArchive(*archive_name);
  if (!archive.ok()) return SendError(res, archive.status()), std::nullopt;
  *archive_name = (*archive)->name;
  auto answer = RunQuery(state, **archive, *request);
  if (!answer.ok()) return SendError(res, answer.status()), std::nullopt;
  if (offset) *offset = request->offset;
  return std::move(answer).value();
}

void PostQuery(const State& state, const httplib::Request& req, httplib::Response& res) {
  auto body = ParseBody(req);
  if (!body.ok()) return SendError(res, body.status());
  std::string archive;
  if (auto answer = Answer(state, *body, res, &archive)) SendJson(res, service::QueryAnswerJson(*answer));
}

void PostTranslate(const State& state, const httplib::Request& req, httplib::Response& res) {
  auto body = ParseBody(req);
  if (!body.ok()) return SendError(res, body.status());
  if (!body->contains("text") || !(*body)["text"].is_string()) {
    return SendError(res, Status::InvalidInput("request:text: give {\"text\": ENGLISH} (hint: {\"text\": \"a bridge "
                                                "with no vehicles on it\"})"));
  }
  std::string name = body->value("archive", "");
  auto archive = state.FindArchive(name);
  if (!archive.ok()) return SendError(res, archive.status());
  auto lease = state.translators->Acquire();
  if (!lease.ok()) return SendError(res, lease.status());
  auto t = lease->get()->Translate((*body)["text"].get<std::string>(), (*archive)->archive->ontology());
  if (!t.ok()) return SendError(res, t.status());
  nlohmann::ordered_json j = {{"text", (*body)["text"]}, {"logic", t->formula},   {"translator", t->translator},
                              {"agreement", t->agreement}, {"samples", t->samples}, {"votes", t->votes}};
  if (!t->note.empty()) j["note"] = t->note;
  SendJson(res, j);
}

void GetArchives(const State& state, httplib::Response& res) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& a : state.archives) {
    const auto& ont = a.archive->ontology();
    nlohmann::ordered_json classes = nlohmann::ordered_json::array();
    for (const auto& c : ont.classes()) classes.push_back(c.name);
    list.push_back({{"name", a.name}, {"images", a.archive->ImageCount()}, {"entities", a.archive->EntityCount()},
                    {"ontology", ont.name()}, {"classes", classes}});
  }
  SendJson(res, {{"archives", list}, {"kb", state.kb != nullptr}});
}

void GetExport(const State& state, const httplib::Request& req, httplib::Response& res, bool geojson) {
  std::string archive;
  size_t offset = 0;
  auto answer = Answer(state, ParamsAsJson(req), res, &archive, &offset);
  if (!answer) return;
  if (geojson) {
    res.set_content(ResultsGeoJson(*answer, archive, offset), "application/geo+json");
    res.set_header("Content-Disposition", "attachment; filename=\"results.geojson\"");
  } else {
    res.set_content(ResultsCsv(*answer, archive, offset), "text/csv; charset=utf-8");
    res.set_header("Content-Disposition", "attachment; filename=\"results.csv\"");
  }
}

}  // namespace

void AddQueryRoutes(httplib::Server& http, const State& state) {
  http.Post("/v1/query", [&state](const httplib::Request& req, httplib::Response& res) { PostQuery(state, req, res); });
  http.Post("/v1/translate",
            [&state](const httplib::Request& req, httplib::Response& res) { PostTranslate(state, req, res); });
  http.Get("/v1/archives", [&state](const httplib::Request&, httplib::Response& res) { GetArchives(state, res); });
  http.Get("/v1/results.geojson",
           [&state](const httplib::Request& req, httplib::Response& res) { GetExport(state, req, res, true); });
  http.Get("/v1/results.csv",
           [&state](const httplib::Request& req, httplib::Response& res) { GetExport(state, req, res, false); });
}

}  // namespace georune::server
