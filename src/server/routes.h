// The API as a pure function: a request (method, path, URL parameters, headers, body) in, a
// response (status, headers, body) out; no sockets. The server sends every /v1/ request through
// Router::Handle; fuzz/fuzz_http_request.cpp calls it directly.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "server/state.h"

namespace georune::server {

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit Router(const ServerConfig& config) : config_(config) {}
  // Routes for a method; `pattern` must match the whole path, its groups land in req.matches.
  void Get(const std::string& pattern, Handler handler) { Add("GET", pattern, std::move(handler)); }
  void Post(const std::string& pattern, Handler handler) { Add("POST", pattern, std::move(handler)); }

  // Answers `req` (method, path, params, headers, body; sets req.matches). In order: a path
  // outside /v1/ 404, a missing or wrong API key 401, a body over the limit 413, no route 404,
  // a route without this method 405 (HEAD is GET), a handler's exception 500; otherwise the
  // handler's reply (200 unless it says otherwise). Errors are JSON (errors.h).
  void Handle(httplib::Request& req, httplib::Response& res) const;

 private:
  struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
  };
  void Add(const char* method, const std::string& pattern, Handler handler);
  const ServerConfig& config_;
  std::vector<Route> routes_;
};

// True when the server needs no key or `req` carries it (X-API-Key or Authorization: Bearer);
// compared in constant time.
bool HasApiKey(const ServerConfig& config, const httplib::Request& req);
// Answers 401 with the documented error (docs/api.md).
void RefuseWithoutApiKey(httplib::Response& res);

// Every route of the API over `state`, which must outlive the router.
std::unique_ptr<Router> ApiRouter(const State& state);

// The routes by area.
// POST /v1/query, POST /v1/translate, GET /v1/archives, GET /v1/results.geojson and .csv.
void AddQueryRoutes(Router& http, const State& state);
// GET /v1/images/{archive}/{id}, …/thumbnail, …/overlay.png.
void AddImageRoutes(Router& http, const State& state);
// POST /v1/ask.
void AddAskRoutes(Router& http, const State& state);

}  // namespace georune::server
