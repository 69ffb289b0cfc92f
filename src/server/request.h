// Reading requests: a JSON body, URL parameters, and the query request they describe — one
// validation path for POST /v1/query, the exports and the overlay.
#pragma once

#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "georune/common/status.h"
#include "georune/service/query.h"
#include "server/state.h"

namespace georune::server {

// The body as a JSON object; kInvalidInput located at "body:byte N" when it is not one.
Result<nlohmann::json> ParseBody(const httplib::Request& req);

// URL parameters as a JSON object: numbers for numeric-looking keys in `numeric`, true/false
// for `flags`, strings otherwise.
nlohmann::json ParamsAsJson(const httplib::Request& req);

// A query request from {"text"|"logic", "archive", "top", "offset", "crisp", "semantics",
// "explain"} ("q" is accepted as "text" in URLs); kInvalidInput for an unknown key or a value of
// the wrong type or range. `archive` receives the archive name (empty = the first).
Result<service::QueryRequest> QueryRequestFrom(const nlohmann::json& j, const ServerConfig& config,
                                               std::string* archive);

// Runs a request on the named archive (translating English with a pooled translator).
Result<service::QueryAnswer> RunQuery(const State& state, const OpenArchive& archive,
                                      const service::QueryRequest& request);

// The request's query on one image of the archive (service::ExplainImage).
Result<search::ImageResult> ExplainOne(const State& state, const OpenArchive& archive,
                                       const service::QueryRequest& request, uint32_t image);

}  // namespace georune::server
