// Status → HTTP error JSON.
#include "server/errors.h"

namespace georune::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidInput: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kTooComplex: return 504;
    case StatusCode::kUnavailable: return 502;
    default: return 500;
  }
}

void SendJson(httplib::Response& res, const nlohmann::ordered_json& body, int http_status) {
  res.status = http_status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void SendError(httplib::Response& res, int http_status, const ErrorParts& parts) {
  nlohmann::ordered_json j;
  j["error"] = parts.error;
  j["where"] = parts.where;
  j["hint"] = parts.hint;
  j["status"] = http_status;
  SendJson(res, j, http_status);
}

void SendError(httplib::Response& res, const Status& status) {
  SendError(res, HttpStatusFor(status.code()), PartsOf(status));
}

}  // namespace georune::server
