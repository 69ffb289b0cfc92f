// The HTTP API's request handler (server::Router::Handle, the pure function every /v1/ request
// goes through), over a small archive with a georeferenced image, built once.
// The input is a request as on the wire: "METHOD TARGET" on the first line, then header lines
// "Name: value", an empty line, and the body. The target's path and query are decoded as httplib
// decodes them. Every reply must have a status from 200 to 599, and an error reply must be the
// JSON of docs/api.md.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "georune/archive/archive.h"
#include "georune/ontology/ontology.h"
#include "server/routes.h"
#include "server/state.h"

using namespace georune;

namespace {

EntityRecord Entity(const char* cls, float score, double x, double y, double w, double h) {
  EntityRecord e;
  e.class_id = *Ontology::Default().FindClass(cls);
  e.score = score;
  e.corners = {x, y, x + w, y, x + w, y + h, x, y + h};
  return e;
}

ImageRecord Image(const char* id, int32_t width, int32_t height, double gsd, std::vector<EntityRecord> entities) {
  ImageRecord r;
  r.id = id;
  r.width = width;
  r.height = height;
  r.gsd = gsd;
  r.entities = std::move(entities);
  return r;
}

std::vector<ImageRecord> Images() {
  ImageRecord g = Image("G1", 64, 48, 2.0, {Entity("plane", 0.9f, 2, 2, 10, 8), Entity("plane", 0.8f, 20, 2, 10, 8)});
  g.geotransform = std::array<double, 6>{500000, 2, 0, 4982950, 0, -2};
  g.crs_wkt = "EPSG:32633";
  ImageRecord p =
      Image("P2", 100, 80, 0.5, {Entity("plane", 0.7f, 2, 2, 10, 8), Entity("ship", 0.95f, 40, 40, 20, 10)});
  ImageRecord s = Image("P3", 100, 80, std::nan(""), {Entity("ship", 0.6f, 10, 10, 20, 10)});
  return {g, p, s};
}

struct World {
  std::unique_ptr<server::State> state;
  std::unique_ptr<server::Router> router;
};

World& TheWorld() {
  static World w = [] {
    const std::string dir = fuzz::Folder("http_archive");
    IngestOptions quiet;
    quiet.show_progress = false;
    if (!AppendToArchive(dir, Ontology::Default(), Images(), quiet).ok()) std::abort();
    server::ServerConfig config;
    config.body_limit = 4096;
    config.query_budget_seconds = 2;
    config.query_threads = 1;
    config.translator.use_wordnet = false;
    auto state = server::OpenState(config, {{dir}, ""});
    if (!state.ok()) std::abort();
    World out{std::move(state).value(), nullptr};
    out.router = server::ApiRouter(*out.state);
    return out;
  }();
  return w;
}

// Parses the input as a request; false when it has no first line.
bool ParseRequest(std::string_view in, httplib::Request& req) {
  const size_t eol = in.find('\n');
  if (eol == std::string_view::npos) return false;
  const std::string line(in.substr(0, eol));
  in.remove_prefix(eol + 1);
  const size_t sp = line.find(' ');
  req.method = line.substr(0, sp);
  const std::string target = sp == std::string::npos ? "/" : line.substr(sp + 1);
  const size_t q = target.find('?');
  req.path = httplib::detail::decode_url(target.substr(0, q), false);
  if (q != std::string::npos) httplib::detail::parse_query_text(target.substr(q + 1), req.params);
  while (!in.empty()) {
    const size_t end = in.find('\n');
    const std::string_view header = in.substr(0, end);
    in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
    if (header.empty()) break;
    const size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.emplace(std::string(header.substr(0, colon)), std::string(value));
  }
  req.body = std::string(in);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  httplib::Request req;
  if (!ParseRequest(std::string_view(reinterpret_cast<const char*>(data), size), req)) return 0;
  httplib::Response res;
  world.router->Handle(req, res);
  if (res.status < 200 || res.status > 599) std::abort();
  if (res.status >= 400) {
    const auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("error") || !j.contains("where") || !j.contains("hint") ||
        j["status"] != res.status) {
      std::abort();
    }
  }
  return 0;
}
