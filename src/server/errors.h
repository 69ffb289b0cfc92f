// Errors at the HTTP edge: a Status (whose message is the CLI's located diagnostic) becomes an
// HTTP status and the JSON {"error", "where", "hint", "status"} of docs/api.md.
#pragma once

#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "georune/common/diagnostic.h"
#include "georune/common/status.h"

namespace georune::server {

// 400 invalid input, 404 not found, 504 budget exhausted, 502 outside service, 500 otherwise.
int HttpStatusFor(StatusCode code);

// Sets `res` to the error's status and JSON body.
void SendError(httplib::Response& res, int http_status, const ErrorParts& parts);
void SendError(httplib::Response& res, const Status& status);

// Sets `res` to 200 (or `http_status`) and the JSON body.
void SendJson(httplib::Response& res, const nlohmann::ordered_json& body, int http_status = 200);

}  // namespace georune::server
