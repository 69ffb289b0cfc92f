// Router: the checks before routing, the route table, and errors for what no route answers.
#include "server/errors.h"
#include "server/routes.h"

namespace georune::server {
namespace {

// Compares without an early exit, so that timing does not tell how much of a key matched.
bool SameKey(const std::string& given, const std::string& key) {
  if (given.size() != key.size()) return false;  // the length is no secret
  unsigned char diff = 0;
  for (size_t i = 0; i < key.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ key[i]);
  return diff == 0;
}

}  // namespace

bool HasApiKey(const ServerConfig& config, const httplib::Request& req) {
  if (config.api_key.empty()) return true;
  if (req.has_header("X-API-Key")) return SameKey(req.get_header_value("X-API-Key"), config.api_key);
  const std::string auth = req.get_header_value("Authorization");
  return auth.rfind("Bearer ", 0) == 0 && SameKey(auth.substr(7), config.api_key);
}

void RefuseWithoutApiKey(httplib::Response& res) {
  SendError(res, 401,
            {"missing or wrong API key", "", "send the header X-API-Key: KEY (or Authorization: Bearer KEY)"});
}

void Router::Add(const char* method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, std::regex(pattern), std::move(handler)});
}

void Router::Handle(httplib::Request& req, httplib::Response& res) const {
  const std::string route = req.method + " " + req.path;
  if (req.path.rfind("/v1/", 0) != 0) return SendError(res, 404, {"no such route: " + route, "", "see docs/api.md"});
  if (!HasApiKey(config_, req)) return RefuseWithoutApiKey(res);
  if (req.body.size() > config_.body_limit) {
    return SendError(res, 413,
                     {"the request body is over the limit of " + std::to_string(config_.body_limit) + " bytes", "",
                      "send a smaller body"});
  }
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::string allowed;
  for (const Route& r : routes_) {
    std::smatch m;
    if (!std::regex_match(req.path, m, r.pattern)) continue;
    if (r.method != method) {
      allowed += (allowed.empty() ? "" : ", ") + r.method;
      continue;
    }
    req.matches = std::move(m);
    res.status = 200;
    try {
      r.handler(req, res);
    } catch (...) {
      res = httplib::Response();
      SendError(res, 500, {"internal error", "", "please report it"});
    }
    return;
  }
  if (allowed.empty()) return SendError(res, 404, {"no such route: " + route, "", "see docs/api.md"});
  res.set_header("Allow", allowed);
  SendError(res, 405, {"the route " + req.path + " takes " + allowed + ", not " + req.method, "", "see docs/api.md"});
}

std::unique_ptr<Router> ApiRouter(const State& state) {
  auto router = std::make_unique<Router>(state.config);
  AddQueryRoutes(*router, state);
  AddImageRoutes(*router, state);
  AddAskRoutes(*router, state);
  return router;
}

}  // namespace georune::server
