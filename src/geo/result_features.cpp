// ResultFeatures: witness entities (or image footprints) of an answer as export features.
#include "georune/geo/result_features.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "georune/common/geometry.h"

namespace georune::geo {
namespace {

std::string AtomsJson(const search::ImageResult& res) {
  nlohmann::ordered_json atoms = nlohmann::ordered_json::array();
  for (const auto& atom : res.atoms) atoms.push_back({{"atom", atom.atom}, {"value", atom.value}});
  return atoms.dump();
}

std::vector<std::array<double, 2>> EntityRing(const Corners& corners) {
  const ConvexPolygon hull = ConvexHullOfCorners(corners);
  std::vector<std::array<double, 2>> ring;
  if (hull.n >= 3) {
    for (int k = 0; k < hull.n; ++k) ring.push_back({hull.points[k].x, hull.points[k].y});
  } else {
    for (int k = 0; k < 4; ++k) ring.push_back({corners[2 * k], corners[2 * k + 1]});
  }
  return ring;
}

ExportFeature Base(const search::ImageResult& res, int rank) {
  ExportFeature f;
  f.image = res.image_id;
  f.rank = rank;
  f.score = res.score;
  f.atoms_json = AtomsJson(res);
  return f;
}

}  // namespace

std::optional<Georeference> StoredGeoreference(const Archive& archive, uint32_t image) {
  const georune::Georeference stored = archive.GeoreferenceOf(image);
  if (!stored.has_geotransform || stored.crs_wkt.empty()) return std::nullopt;
  return Georeference{stored.geotransform, std::string(stored.crs_wkt)};
}

GeoreferenceLookup ResultGeoreferences(const Archive& archive, const service::QueryAnswer& answer) {
  auto by_image = std::make_shared<std::map<std::string, Georeference, std::less<>>>();
  for (const auto& res : answer.response.results) {
    if (auto g = StoredGeoreference(archive, res.image)) by_image->emplace(res.image_id, std::move(*g));
  }
  // shared_ptr: the lookup is a copyable std::function that owns the map it reads.
  return [by_image](std::string_view id) -> const Georeference* {
    auto it = by_image->find(id);
    return it == by_image->end() ? nullptr : &it->second;
  };
}

Result<std::vector<ExportFeature>> ResultFeatures(const Archive& archive, const service::QueryAnswer& answer,
                                                  bool footprints, int first_rank) {
  std::vector<ExportFeature> features;
  int rank = first_rank;
  for (const auto& res : answer.response.results) {
    if (footprints) {
      const double w = archive.Width(res.image), h = archive.Height(res.image);
      if (w <= 0 || h <= 0) {
        return Status::InvalidInput("image '" + res.image_id + "' has no known size, so it has no footprint");
      }
      ExportFeature f = Base(res, rank++);
      f.ring = {{0, 0}, {w, 0}, {w, h}, {0, h}};
      features.push_back(std::move(f));
      continue;
    }
    GEORUNE_RETURN_IF_ERROR(archive.CheckImage(res.image));
    const EntitySpan entities = archive.Entities(res.image);
    for (const auto& [variable, entity] : res.witness) {
      if (entity < 0 || static_cast<uint32_t>(entity) >= entities.count) {
        return Status::Internal("witness " + variable + "=" + std::to_string(entity) + " of image '" + res.image_id +
                                "' is not one of its entities");
      }
      ExportFeature f = Base(res, rank);
      f.variable = variable;
      f.entity = entity;
      f.class_name = archive.ontology().Class(entities.class_id[entity]).name;
      f.confidence = entities.score[entity];
      f.ring = EntityRing(entities.CornersOf(entity));
      features.push_back(std::move(f));
    }
    ++rank;
  }
  return features;
}

}  // namespace georune::geo
