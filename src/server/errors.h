// Errors at the HTTP edge: a Status (whose message is the CLI's located diagnostic) becomes an
// HTTP status and the JSON {"error", "where", "hint", "status"} of docs/api.md.
#pragma once

#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "georune/common/status.h"

namespace georune::server {

struct ErrorParts {
  std::string error;  // what went wrong (the caret display of a query error included)
  std::string where;  // "query:1:14", "body:byte 17", "file:line"…; empty when nowhere
  std::string hint;   // how to fix it; may be empty
};

// Splits a message "WHERE: MESSAGE … (hint: HINT)" or "…\n  hint: HINT" into its parts.
ErrorParts SplitMessage(const std::string& message);

// The parts of a failure: those of its Diagnostic when it has one, else SplitMessage's.
ErrorParts PartsOf(const Status& status);

// 400 invalid input, 404 not found, 504 budget exhausted, 502 outside service, 500 otherwise.
int HttpStatusFor(StatusCode code);

// Sets `res` to the error's status and JSON body.
void SendError(httplib::Response& res, int http_status, const ErrorParts& parts);
void SendError(httplib::Response& res, const Status& status);

// Sets `res` to 200 (or `http_status`) and the JSON body.
void SendJson(httplib::Response& res, const nlohmann::ordered_json& body, int http_status = 200);

}  // namespace georune::server
