// QueryAnswerJson: formats.md's result object, keys in its order.
#include "georune/service/query.h"

namespace georune::service {
namespace {

nlohmann::ordered_json EntityJson(const WitnessEntity& e) {
  nlohmann::ordered_json j = {{"variable", e.variable},
                              {"id", e.id},
                              {"class", e.class_name},
                              {"confidence", e.confidence},
                              {"corners", e.corners}};
  if (!e.polygon.empty()) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const PolygonRings& part : e.polygon) {
      nlohmann::ordered_json rings = nlohmann::ordered_json::array();
      for (const Ring& ring : part) {
        nlohmann::ordered_json points = nlohmann::ordered_json::array();
        for (const Vec2& p : ring) points.push_back({p.x, p.y});
        rings.push_back(std::move(points));
      }
      parts.push_back(std::move(rings));
    }
    j["polygon"] = std::move(parts);
  }
  return j;
}

}  // namespace

nlohmann::ordered_json QueryResultJson(const search::ImageResult& res, const ResultImage& image) {
  nlohmann::ordered_json witness = nlohmann::ordered_json::object();
  for (const auto& [var, id] : res.witness) witness[var] = id;
  nlohmann::ordered_json atoms = nlohmann::ordered_json::array();
  for (const auto& atom : res.atoms) atoms.push_back({{"atom", atom.atom}, {"value", atom.value}});
  nlohmann::ordered_json entities = nlohmann::ordered_json::array();
  for (const auto& e : image.entities) entities.push_back(EntityJson(e));
  return {{"image", res.image_id}, {"score", res.score}, {"witness", witness},   {"atoms", atoms},
          {"entities", entities},  {"path", image.path}, {"width", image.width}, {"height", image.height}};
}

nlohmann::ordered_json QueryHeaderJson(const QueryAnswer& a) {
  nlohmann::ordered_json j;
  j["query"] = a.text;
  j["logic"] = a.logic;
  j["echo"] = a.echo;
  j["semantics"] = a.semantics;
  j["mode"] = a.crisp ? "crisp" : "soft";
  if (a.translation) {
    j["translation"] = {{"translator", a.translation->translator},
                        {"agreement", a.translation->agreement},
                        {"samples", a.translation->samples}};
  }
  return j;
}

nlohmann::ordered_json QueryStatsJson(const search::SearchStats& s) {
  return {{"images", s.images}, {"candidates", s.candidates}, {"evaluated", s.evaluated}, {"ms", s.ms}};
}

nlohmann::ordered_json QueryAnswerJson(const QueryAnswer& a) {
  nlohmann::ordered_json j = QueryHeaderJson(a);
  j["results"] = nlohmann::ordered_json::array();
  const auto& results = a.response.results;
  for (size_t i = 0; i < results.size(); ++i) {
    j["results"].push_back(QueryResultJson(results[i], i < a.images.size() ? a.images[i] : ResultImage{}));
  }
  j["stats"] = QueryStatsJson(a.response.stats);
  if (a.explain) j["plan"] = a.response.plan;
  return j;
}

}  // namespace georune::service
