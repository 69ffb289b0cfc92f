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

Result<std::vector<ExportFeature>> ResultFeatures(const service::QueryAnswer& answer, bool footprints, int first_rank) {
  const auto& results = answer.response.results;
  if (answer.images.size() != results.size()) {
    return Status::Internal("the answer lists " + std::to_string(results.size()) + " results but " +
                            std::to_string(answer.images.size()) + " result images");
  }
  std::vector<ExportFeature> features;
  for (size_t i = 0; i < results.size(); ++i) {
    const int rank = first_rank + static_cast<int>(i);
    const service::ResultImage& image = answer.images[i];
    if (footprints) {
      const double w = image.width, h = image.height;
      if (w <= 0 || h <= 0) {
        return Status::InvalidInput("image '" + results[i].image_id + "' has no known size, so it has no footprint");
      }
      ExportFeature f = Base(results[i], rank);
      f.ring = {{0, 0}, {w, 0}, {w, h}, {0, h}};
      features.push_back(std::move(f));
      continue;
    }
    for (const service::WitnessEntity& e : image.entities) {
      ExportFeature f = Base(results[i], rank);
      f.variable = e.variable;
      f.entity = e.id;
      f.class_name = e.class_name;
      f.confidence = e.confidence;
      f.ring = EntityRing(e.corners);
      for (const PolygonRings& part : e.polygon) {
        auto& rings = f.parts.emplace_back();
        for (const Ring& r : part) {
          auto& out = rings.emplace_back();
          for (const Vec2& p : r) out.push_back({p.x, p.y});
        }
      }
      features.push_back(std::move(f));
    }
  }
  return features;
}

}  // namespace georune::geo
