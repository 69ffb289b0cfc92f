// The API's routes, by area; each reads the shared State (which must outlive the server).
#pragma once

#include <httplib.h>

#include "server/state.h"

namespace georune::server {

// POST /v1/query, POST /v1/translate, GET /v1/archives, GET /v1/results.geojson and .csv.
void AddQueryRoutes(httplib::Server& http, const State& state);
// GET /v1/images/{archive}/{id}, …/thumbnail, …/overlay.png.
void AddImageRoutes(httplib::Server& http, const State& state);
// POST /v1/ask.
void AddAskRoutes(httplib::Server& http, const State& state);

}  // namespace georune::server
