// ReadGeoreferenceFile: georeferences by image id from JSON Lines.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "georune/geo/georeference.h"

namespace georune::geo {
namespace {

constexpr size_t kMaxLine = 1 << 20;  // a WKT CRS is a few kB; anything near 1 MiB is not a georeference

Result<Georeference> ParseLine(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput("not a JSON object");
  if (!j.contains("image") || !j["image"].is_string() || j["image"].get<std::string>().empty()) {
    return Status::InvalidInput("\"image\" must be a non-empty string");
  }
  const auto& gt = j.value("geotransform", nlohmann::json());
  if (!gt.is_array() || gt.size() != 6) {
    return Status::InvalidInput(
        "\"geotransform\" must be an array of six numbers (GDAL order: x0, dx, rx, y0, ry, dy)");
  }
  Georeference g;
  for (int i = 0; i < 6; ++i) {
    if (!gt[i].is_number()) return Status::InvalidInput("\"geotransform\" must hold six numbers");
    g.geotransform[i] = gt[i].get<double>();
  }
  const auto& crs = j.value("crs", nlohmann::json());
  if (crs.is_number_integer()) g.crs = "EPSG:" + std::to_string(crs.get<long long>());
  else if (crs.is_string()) g.crs = crs.get<std::string>();
  if (g.crs.empty()) return Status::InvalidInput("\"crs\" must be an EPSG code or a WKT string");
  auto checked = MapTransform::Make(g);
  if (!checked.ok()) return checked.status();
  return g;
}

}  // namespace

Result<std::vector<std::pair<std::string, Georeference>>> ReadGeoreferenceFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open the georeference file");
  std::vector<std::pair<std::string, Georeference>> out;
  std::set<std::string> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (line.size() > kMaxLine) return Status::InvalidInput(where + "line longer than 1 MiB");
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto georef = ParseLine(line);
    if (!georef.ok()) {
      return Status::InvalidInput(
          where + georef.status().message() +
          "\n  hint: {\"image\": \"P0001\", \"geotransform\": [500000, 0.5, 0, 4000000, 0, -0.5], "
          "\"crs\": \"EPSG:32633\"}");
    }
    std::string image = nlohmann::json::parse(line)["image"].get<std::string>();
    if (!seen.insert(image).second) return Status::InvalidInput(where + "image '" + image + "' is georeferenced twice");
    out.emplace_back(std::move(image), std::move(georef).value());
  }
  if (in.bad()) return Status::IoError(path + ": read failed");
  return out;
}

}  // namespace georune::geo
