// GeoJSON and CSV writers for a query answer.
#include "server/export.h"

#include <nlohmann/json.hpp>


namespace georune::server {
namespace {

// Calls fn(rank, result, image, entity) for each witness entity, in rank order.
template <typename Fn>
void ForEachEntity(const service::QueryAnswer& a, size_t offset, Fn fn) {
  const auto& results = a.response.results;
  for (size_t i = 0; i < results.size() && i < a.images.size(); ++i) {
    for (const auto& e : a.images[i].entities) fn(offset + i + 1, results[i], e);
  }
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string ResultsGeoJson(const service::QueryAnswer& answer, const std::string& archive, size_t offset) {
  nlohmann::ordered_json features = nlohmann::ordered_json::array();
  ForEachEntity(answer, offset, [&](size_t rank, const search::ImageResult& r, const service::WitnessEntity& e) {
    nlohmann::ordered_json ring = nlohmann::ordered_json::array();
    for (int k = 0; k <= 4; ++k) ring.push_back({e.corners[2 * (k % 4)], e.corners[2 * (k % 4) + 1]});
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Polygon"}, {"coordinates", {ring}}}},
                        {"properties",
                         {{"rank", rank}, {"image", r.image_id}, {"score", r.score}, {"variable", e.variable},
                          {"entity", e.id}, {"class", e.class_name}, {"confidence", e.confidence}}}});
  });
  nlohmann::ordered_json j = {{"type", "FeatureCollection"},
                              {"georune", {{"archive", archive}, {"query", answer.text}, {"logic", answer.logic},
                                           {"coordinates", "pixel"}}},
                              {"features", features}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ResultsCsv(const service::QueryAnswer& answer, const std::string& archive, size_t offset) {
  std::string out = "archive,rank,image,score,variable,entity,class,confidence,x1,y1,x2,y2,x3,y3,x4,y4\n";
  ForEachEntity(answer, offset, [&](size_t rank, const search::ImageResult& r, const service::WitnessEntity& e) {
    out += CsvField(archive) + "," + std::to_string(rank) + "," + CsvField(r.image_id) + "," +
           nlohmann::json(r.score).dump() + "," + CsvField(e.variable) + "," + std::to_string(e.id) + "," +
           CsvField(e.class_name) + "," + nlohmann::json(e.confidence).dump();
    for (double c : e.corners) out += "," + nlohmann::json(c).dump();
    out += "\n";
  });
  return out;
}

}  // namespace georune::server
