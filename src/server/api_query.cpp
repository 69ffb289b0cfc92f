// POST /v1/query, POST /v1/translate, GET /v1/archives, GET /v1/results.geojson and .csv.
#include <string>

#include "georune/geo/export.h"
#include "georune/geo/result_features.h"
#include "georune/service/query.h"
#include "server/errors.h"
#include "server/request.h"
#include "server/routes.h"

namespace georune::server {
namespace {

struct Answered {
  service::QueryAnswer answer;
  const OpenArchive* archive = nullptr;
  size_t offset = 0;
};

// Runs the query described by `j`; on failure the error is already in `res`.
std::optional<Answered> Answer(const State& state, const nlohmann::json& j, httplib::Response& res) {
  std::string archive_name;
  auto request = QueryRequestFrom(j, state.config, &archive_name);
  if (!request.ok()) return SendError(res, request.status()), std::nullopt;
  auto archive = state.FindArchive(archive_name);
  if (!archive.ok()) return SendError(res, archive.status()), std::nullopt;
  auto answer = RunQuery(state, **archive, *request);
  if (!answer.ok()) return SendError(res, answer.status()), std::nullopt;
  return Answered{std::move(answer).value(), *archive, request->offset};
}

void PostQuery(const State& state, const httplib::Request& req, httplib::Response& res) {
  auto body = ParseBody(req);
  if (!body.ok()) return SendError(res, body.status());
  if (auto a = Answer(state, *body, res)) SendJson(res, service::QueryAnswerJson(a->answer));
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
  nlohmann::ordered_json j = {{"text", (*body)["text"]},   {"logic", t->formula},   {"translator", t->translator},
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
    list.push_back({{"name", a.name},
                    {"images", a.archive->ImageCount()},
                    {"entities", a.archive->EntityCount()},
                    {"georeferenced", a.georeferenced},
                    {"ontology", ont.name()},
                    {"classes", classes}});
  }
  SendJson(res, {{"archives", list}, {"kb", state.kb != nullptr}});
}

// Removes the flag `key` from the parameters into `out`; kInvalidInput when it is not true/false.
Status TakeFlag(nlohmann::json& params, const char* key, bool* out) {
  if (!params.contains(key)) return Status::Ok();
  if (!params[key].is_boolean()) {
    return Status::InvalidInput("request:" + std::string(key) + ": '" + key + "' must be 1, 0, true or false " +
                                "(hint: see docs/api.md)");
  }
  *out = params[key].get<bool>();
  params.erase(key);
  return Status::Ok();
}

// Keeps only the result `image` of the answer (for its rank, returned 1-based);
// kNotFound when it is not among them.
Result<int> KeepOnly(service::QueryAnswer& answer, size_t offset, const std::string& image) {
  auto& results = answer.response.results;
  for (size_t i = 0; i < results.size() && i < answer.images.size(); ++i) {
    if (results[i].image_id != image) continue;
    results = {results[i]};
    answer.images = {answer.images[i]};
    return static_cast<int>(offset + i) + 1;
  }
  return Status::NotFound("image '" + image +
                          "' is not among these results (hint: give the top and offset of the "
                          "page that lists it)");
}

// The answer through the geo module's writer: the bytes of `georune query --format geojson|csv`
// with the same --pixel-coords, --footprints, --top and --offset; `image=ID` keeps that result only.
void GetExport(const State& state, const httplib::Request& req, httplib::Response& res, geo::ExportFormat format) {
  nlohmann::json params = ParamsAsJson(req);
  geo::ExportOptions options{format, false};
  bool footprints = false;
  for (const Status& s :
       {TakeFlag(params, "pixel_coords", &options.pixel_coords), TakeFlag(params, "footprints", &footprints)}) {
    if (!s.ok()) return SendError(res, s);
  }
  std::string image;
  if (params.contains("image")) {
    if (!params["image"].is_string())
      return SendError(res, Status::InvalidInput("request:image: 'image' must be an id"));
    image = params["image"].get<std::string>();
    params.erase("image");
  }
  auto a = Answer(state, params, res);
  if (!a) return;
  int first_rank = static_cast<int>(a->offset) + 1;
  if (!image.empty()) {
    auto rank = KeepOnly(a->answer, a->offset, image);
    if (!rank.ok()) return SendError(res, rank.status());
    first_rank = *rank;
  }
  auto features = geo::ResultFeatures(a->answer, footprints, first_rank);
  if (!features.ok()) return SendError(res, features.status());
  auto text = geo::FeaturesText(*features, geo::ResultGeoreferences(*a->archive->archive, a->answer), options);
  if (!text.ok()) return SendError(res, text.status());
  const bool geojson = format == geo::ExportFormat::kGeoJson;
  res.set_content(std::move(text).value(), geojson ? "application/geo+json" : "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 geojson ? "attachment; filename=\"results.geojson\"" : "attachment; filename=\"results.csv\"");
}

}  // namespace

void AddQueryRoutes(Router& http, const State& state) {
  http.Post("/v1/query", [&state](const httplib::Request& req, httplib::Response& res) { PostQuery(state, req, res); });
  http.Post("/v1/translate",
            [&state](const httplib::Request& req, httplib::Response& res) { PostTranslate(state, req, res); });
  http.Get("/v1/archives", [&state](const httplib::Request&, httplib::Response& res) { GetArchives(state, res); });
  http.Get("/v1/results.geojson", [&state](const httplib::Request& req, httplib::Response& res) {
    GetExport(state, req, res, geo::ExportFormat::kGeoJson);
  });
  http.Get("/v1/results.csv", [&state](const httplib::Request& req, httplib::Response& res) {
    GetExport(state, req, res, geo::ExportFormat::kCsv);
  });
}

}  // namespace georune::server
