// Status → HTTP error JSON.
#include "server/errors.h"

#include <regex>

#include "georune/common/diagnostic.h"
#include "georune/common/text.h"

namespace georune::server {

ErrorParts SplitMessage(const std::string& message) {
  ErrorParts parts;
  std::string text = message;
  if (const auto line = text.rfind("\n  hint: "); line != std::string::npos) {
    parts.hint = std::string(TrimAsciiSpace(text.substr(line + 9)));
    text.erase(line);
  } else if (const auto hint = text.rfind("(hint: "); hint != std::string::npos) {
    const auto close = text.rfind(')');
    const auto end = close != std::string::npos && close > hint ? close : text.size();
    parts.hint = std::string(TrimAsciiSpace(text.substr(hint + 7, end - hint - 7)));
    text.erase(hint, end - hint + (end < text.size() ? 1 : 0));
  }
  static const std::regex kWhere(R"(^(body:byte \d+|request:\w+|[^\s:]+:\d+(?::\d+)?): )");
  std::smatch m;
  if (std::regex_search(text, m, kWhere)) {
    parts.where = m[1];
    text = m.suffix();
  }
  parts.error = std::string(TrimAsciiSpace(text));
  return parts;
}

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

ErrorParts PartsOf(const Status& status) {
  const Diagnostic* d = status.diagnostic();
  if (!d) return SplitMessage(status.message());
  return {d->message + d->Caret(), d->Where(), d->hint};
}

void SendError(httplib::Response& res, const Status& status) {
  SendError(res, HttpStatusFor(status.code()), PartsOf(status));
}

}  // namespace georune::server
