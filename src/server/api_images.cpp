// GET /v1/images/{archive}/{id}, …/thumbnail?size=N, …/overlay.png?size=N&witness=a:12,b:7 (or
// &logic=… / &q=…: the query's witness on this image).
// The image is found by its id in the archive's records; its file path comes only from there.
#include <cstdlib>
#include <sstream>

#include "georune/geo/georeference.h"
#include "georune/geo/result_features.h"
#include "server/errors.h"
#include "server/render.h"
#include "server/request.h"
#include "server/routes.h"

namespace georune::server {
namespace {

struct Target {
  const OpenArchive* archive = nullptr;
  uint32_t image = 0;
};

// The archive and image named by the path's two captures; on failure the error is in `res`.
std::optional<Target> Find(const State& state, const httplib::Request& req, httplib::Response& res) {
  auto archive = state.FindArchive(req.matches[1]);
  if (!archive.ok()) return SendError(res, archive.status()), std::nullopt;
  const auto it = (*archive)->by_id.find(std::string(req.matches[2]));
  if (it == (*archive)->by_id.end()) {
    SendError(res, Status::NotFound("no image '" + std::string(req.matches[2]) + "' in archive '" + (*archive)->name +
                                    "' (hint: ids are those of query results)"));
    return std::nullopt;
  }
  const Status checked = (*archive)->archive->CheckImage(it->second);
  if (!checked.ok()) return SendError(res, checked), std::nullopt;
  return Target{*archive, it->second};
}

// An integer parameter in [lo, hi], `fallback` when absent; nullopt (and 400 in `res`) otherwise.
std::optional<int> IntParam(const httplib::Request& req, httplib::Response& res, const char* key, int fallback, int lo,
                            int hi) {
  if (!req.has_param(key)) return fallback;
  const std::string v = req.get_param_value(key);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi) {
    SendError(res, 400,
              {"'" + std::string(key) + "' must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi),
               "request:" + std::string(key), "e.g. ?" + std::string(key) + "=256"});
    return std::nullopt;
  }
  return static_cast<int>(n);
}

// "a:12,b:7" → {12: "a", 7: "b"}; a bare id gets no label.
std::optional<std::map<int, std::string>> ParseWitness(const std::string& text, uint32_t count,
                                                       httplib::Response& res) {
  std::map<int, std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto colon = item.rfind(':');
    const std::string label = colon == std::string::npos ? "" : item.substr(0, colon);
    const std::string id = colon == std::string::npos ? item : item.substr(colon + 1);
    char* end = nullptr;
    const long n = std::strtol(id.c_str(), &end, 10);
    if (id.empty() || *end != '\0' || n < 0 || n >= static_cast<long>(count)) {
      SendError(res, 400,
                {"witness entry '" + item + "' is not VARIABLE:ENTITY with an entity of this image (it has " +
                     std::to_string(count) + ")",
                 "request:witness", "e.g. ?witness=a:12,b:7"});
      return std::nullopt;
    }
    out[static_cast<int>(n)] = label;
  }
  return out;
}

// The witness of the query in the URL (logic=, q= or text=, with crisp and semantics) on this
// image, as labels for RenderRequest::highlight; the header X-Georune-Witness lists it.
std::optional<std::map<int, std::string>> QueryWitness(const State& state, const Target& t, const httplib::Request& req,
                                                       httplib::Response& res) {
  nlohmann::json params = ParamsAsJson(req);
  for (const char* key : {"size", "witness"}) params.erase(key);
  std::string archive;
  auto request = QueryRequestFrom(params, state.config, &archive);
  if (!request.ok()) return SendError(res, request.status()), std::nullopt;
  auto explained = ExplainOne(state, *t.archive, *request, t.image);
  if (!explained.ok()) return SendError(res, explained.status()), std::nullopt;
  std::map<int, std::string> out;
  std::string header;
  for (const auto& [var, id] : explained->witness) {
    out[id] = var;
    header += (header.empty() ? "" : ",") + var + ":" + std::to_string(id);
  }
  res.set_header("X-Georune-Witness", header);
  res.set_header("X-Georune-Score", nlohmann::json(explained->score).dump());
  return out;
}

// The image's georeference for a map: the CRS, the geotransform and the image's corners
// (top-left, top-right, bottom-right, bottom-left of the pixel grid) in WGS84 [lon, lat];
// null when it has none.
Result<nlohmann::ordered_json> GeoreferenceJson(const Archive& a, uint32_t image) {
  const auto georef = geo::StoredGeoreference(a, image);
  if (!georef) return nlohmann::ordered_json();
  auto transform = geo::MapTransform::Make(*georef);
  if (!transform.ok()) return transform.status();
  const double w = a.Width(image), h = a.Height(image);
  nlohmann::ordered_json corners = nlohmann::ordered_json::array();
  for (const auto& [col, row] : {std::pair{0.0, 0.0}, {w, 0.0}, {w, h}, {0.0, h}}) {
    auto ll = transform->PixelToLonLat(col, row);
    if (!ll.ok()) return ll.status();
    corners.push_back({ll->lon, ll->lat});
  }
  return nlohmann::ordered_json{{"crs", georef->crs}, {"geotransform", georef->geotransform}, {"corners", corners}};
}

void GetImage(const State& state, const httplib::Request& req, httplib::Response& res) {
  auto t = Find(state, req, res);
  if (!t) return;
  const Archive& a = *t->archive->archive;
  const EntitySpan span = a.Entities(t->image);
  nlohmann::ordered_json entities = nlohmann::ordered_json::array();
  for (uint32_t i = 0; i < span.count; ++i) {
    entities.push_back({{"id", i},
                        {"class", a.ontology().Class(span.class_id[i]).name},
                        {"confidence", span.score[i]},
                        {"difficult", span.difficult[i] != 0},
                        {"corners", span.CornersOf(i)}});
  }
  const double gsd = a.Gsd(t->image);
  auto georef = GeoreferenceJson(a, t->image);
  if (!georef.ok()) return SendError(res, georef.status());
  SendJson(res, {{"archive", t->archive->name},
                 {"image", a.ImageId(t->image)},
                 {"width", a.Width(t->image)},
                 {"height", a.Height(t->image)},
                 {"gsd", std::isnan(gsd) ? nlohmann::ordered_json() : nlohmann::ordered_json(gsd)},
                 {"path", a.ImagePath(t->image)},
                 {"georeference", *georef},
                 {"entities", entities}});
}

void GetPicture(const State& state, const httplib::Request& req, httplib::Response& res, bool overlay) {
  auto t = Find(state, req, res);
  if (!t) return;
  RenderRequest r;
  r.file = state.ImageFile(*t->archive, t->image);
  r.boxes = overlay;
  auto size = overlay ? IntParam(req, res, "size", 1024, 16, 4096) : IntParam(req, res, "size", 256, 16, 1024);
  if (!size) return;
  r.max_side = *size;
  if (overlay && req.has_param("witness")) {
    auto w = ParseWitness(req.get_param_value("witness"), t->archive->archive->Entities(t->image).count, res);
    if (!w) return;
    r.highlight = std::move(*w);
  } else if (overlay && (req.has_param("logic") || req.has_param("q") || req.has_param("text"))) {
    auto w = QueryWitness(state, *t, req, res);
    if (!w) return;
    r.highlight = std::move(*w);
  }
  Rendered picture = RenderImage(*t->archive->archive, t->image, r);
  res.set_header("X-Georune-Source", picture.source);
  res.set_header("X-Georune-Scale", std::to_string(picture.scale));
  res.set_header("Cache-Control", "max-age=300");
  res.set_content(std::string(picture.png.begin(), picture.png.end()), "image/png");
}

}  // namespace

void AddImageRoutes(Router& http, const State& state) {
  http.Get(R"(/v1/images/([^/]+)/([^/]+))",
           [&state](const httplib::Request& req, httplib::Response& res) { GetImage(state, req, res); });
  http.Get(R"(/v1/images/([^/]+)/([^/]+)/thumbnail)",
           [&state](const httplib::Request& req, httplib::Response& res) { GetPicture(state, req, res, false); });
  http.Get(R"(/v1/images/([^/]+)/([^/]+)/overlay\.png)",
           [&state](const httplib::Request& req, httplib::Response& res) { GetPicture(state, req, res, true); });
}

}  // namespace georune::server
