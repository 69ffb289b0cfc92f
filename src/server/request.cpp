// Request reading and validation; running a query.
#include "server/request.h"

#include <cstdlib>
#include <set>

namespace georune::server {
namespace {

const std::set<std::string> kQueryKeys = {"text",   "q",     "logic",     "archive", "top",
                                          "offset", "crisp", "semantics", "explain"};
constexpr size_t kMaxTop = 1000;
constexpr size_t kMaxOffset = 1'000'000;

Status BadKey(const std::string& key, const std::string& want) {
  return Status::InvalidInput("request:" + key + ": " + want + " (hint: see docs/api.md)");
}

Status ReadSize(const nlohmann::json& j, const char* key, size_t lo, size_t hi, size_t* out) {
  if (!j.contains(key)) return Status::Ok();
  const auto& v = j[key];
  if (!v.is_number_integer() || v.get<long long>() < static_cast<long long>(lo) ||
      v.get<long long>() > static_cast<long long>(hi)) {
    return BadKey(
        key, "'" + std::string(key) + "' must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = v.get<size_t>();
  return Status::Ok();
}

Status ReadString(const nlohmann::json& j, const char* key, std::string* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_string()) return BadKey(key, "'" + std::string(key) + "' must be a string");
  *out = j[key].get<std::string>();
  return Status::Ok();
}

Status ReadBool(const nlohmann::json& j, const char* key, bool* out) {
  if (!j.contains(key)) return Status::Ok();
  if (!j[key].is_boolean()) return BadKey(key, "'" + std::string(key) + "' must be true or false");
  *out = j[key].get<bool>();
  return Status::Ok();
}

nlohmann::json ParamValue(const std::string& key, const std::string& value) {
  if (key == "top" || key == "offset" || key == "size") {
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (!value.empty() && *end == '\0') return n;
  }
  if (key == "crisp" || key == "explain" || key == "pixel_coords" || key == "footprints") {
    if (value == "1" || value == "true" || value.empty()) return true;
    if (value == "0" || value == "false") return false;
  }
  return value;
}

}  // namespace

Result<nlohmann::json> ParseBody(const httplib::Request& req) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidInput("body:byte " + std::to_string(e.byte) + ": the body is not valid JSON (" + e.what() +
                                ") (hint: send a JSON object, e.g. {\"logic\": \"plane(a)\"})");
  }
  if (!j.is_object()) {
    return Status::InvalidInput("body:byte 1: the body must be a JSON object (hint: e.g. {\"logic\": \"plane(a)\"})");
  }
  return j;
}

nlohmann::json ParamsAsJson(const httplib::Request& req) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : req.params) j[key] = ParamValue(key, value);
  return j;
}

Result<service::QueryRequest> QueryRequestFrom(const nlohmann::json& j, const ServerConfig& config,
                                               std::string* archive) {
  for (const auto& [key, value] : j.items()) {
    if (!kQueryKeys.count(key)) {
      return BadKey(key,
                    "unknown key '" + key + "' (keys: text, logic, archive, top, offset, crisp, semantics, explain)");
    }
  }
  service::QueryRequest r;
  GEORUNE_RETURN_IF_ERROR(ReadString(j, "text", &r.english));
  if (r.english.empty()) GEORUNE_RETURN_IF_ERROR(ReadString(j, "q", &r.english));
  GEORUNE_RETURN_IF_ERROR(ReadString(j, "logic", &r.logic));
  GEORUNE_RETURN_IF_ERROR(ReadString(j, "archive", archive));
  GEORUNE_RETURN_IF_ERROR(ReadString(j, "semantics", &r.semantics));
  GEORUNE_RETURN_IF_ERROR(ReadSize(j, "top", 1, kMaxTop, &r.top));
  GEORUNE_RETURN_IF_ERROR(ReadSize(j, "offset", 0, kMaxOffset, &r.offset));
  GEORUNE_RETURN_IF_ERROR(ReadBool(j, "crisp", &r.crisp));
  GEORUNE_RETURN_IF_ERROR(ReadBool(j, "explain", &r.explain));
  if (r.logic.empty() == r.english.empty()) {
    return Status::InvalidInput(
        "request: give either \"text\" (English) or \"logic\" (a formula), not both and not neither "
        "(hint: {\"text\": \"two planes near a hangar\"})");
  }
  r.query_budget_seconds = config.query_budget_seconds;
  r.threads = config.query_threads;
  return r;
}

Result<service::QueryAnswer> RunQuery(const State& state, const OpenArchive& archive,
                                      const service::QueryRequest& request) {
  if (request.english.empty()) return service::AnswerQuery(*archive.archive, request, nullptr);
  auto lease = state.translators->Acquire();
  if (!lease.ok()) return lease.status();
  return service::AnswerQuery(*archive.archive, request, lease->get());
}

Result<search::ImageResult> ExplainOne(const State& state, const OpenArchive& archive,
                                       const service::QueryRequest& request, uint32_t image) {
  if (request.english.empty()) return service::ExplainImage(*archive.archive, request, nullptr, image);
  auto lease = state.translators->Acquire();
  if (!lease.ok()) return lease.status();
  return service::ExplainImage(*archive.archive, request, lease->get(), image);
}

}  // namespace georune::server
