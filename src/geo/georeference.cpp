// MapTransform through OGR/PROJ; world files.
#include "georune/geo/georeference.h"

#include <geodesic.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace georune::geo {

struct MapTransform::Impl {
  Georeference georef;
  OGRSpatialReference source;
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
  bool geographic = false;
  double metres_per_unit = 1;  // projected CRS
  geod_geodesic geodesic{};    // geographic CRS
};

MapTransform::MapTransform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MapTransform::MapTransform(MapTransform&&) noexcept = default;
MapTransform& MapTransform::operator=(MapTransform&&) noexcept = default;
MapTransform::~MapTransform() = default;

Result<MapTransform> MapTransform::Make(const Georeference& georef) {
  const auto& gt = georef.geotransform;
  if (!(std::isfinite(gt[1] * gt[5] - gt[2] * gt[4])) || gt[1] * gt[5] - gt[2] * gt[4] == 0) {
    return Status::InvalidInput("the geotransform is not invertible (pixel size 0)");
  }
  CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);  // failures are returned, not printed
  auto impl = std::make_unique<Impl>();
  impl->georef = georef;
  if (georef.crs.empty() || impl->source.SetFromUserInput(georef.crs.c_str()) != OGRERR_NONE) {
    return Status::InvalidInput("unreadable CRS '" + georef.crs.substr(0, 80) +
                                "' (hint: give WKT or an EPSG code such as EPSG:32633)");
  }
  impl->source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  impl->to_wgs84.reset(OGRCreateCoordinateTransformation(&impl->source, &wgs84));
  if (!impl->to_wgs84)
    return Status::InvalidInput("no transformation from '" + georef.crs.substr(0, 80) + "' to WGS84");
  impl->geographic = impl->source.IsGeographic();
  if (impl->geographic) {
    OGRErr err = OGRERR_NONE;
    const double a = impl->source.GetSemiMajor(&err);
    const double inv_f = impl->source.GetInvFlattening(&err);
    geod_init(&impl->geodesic, a, inv_f == 0 ? 0 : 1 / inv_f);
  } else {
    impl->metres_per_unit = impl->source.GetLinearUnits();
  }
  return MapTransform(std::move(impl));
}

std::pair<double, double> MapTransform::PixelToMap(double col, double row) const {
  const auto& gt = impl_->georef.geotransform;
  return {gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]};
}

Result<LonLat> MapTransform::PixelToLonLat(double col, double row) const {
  auto [x, y] = PixelToMap(col, row);
  if (!impl_->to_wgs84->Transform(1, &x, &y)) {
    return Status::InvalidInput("pixel (" + std::to_string(col) + ", " + std::to_string(row) +
                                ") lies outside the area its CRS can be transformed from");
  }
  return LonLat{x, y};
}

bool MapTransform::IsGeographic() const { return impl_->geographic; }

double MapTransform::MetresPerPixel(double col, double row) const {
  const auto& gt = impl_->georef.geotransform;
  if (!impl_->geographic) {
    const double step_col = std::hypot(gt[1], gt[4]) * impl_->metres_per_unit;
    const double step_row = std::hypot(gt[2], gt[5]) * impl_->metres_per_unit;
    return std::sqrt(step_col * step_row);
  }
  auto geodesic_length = [&](double c1, double r1, double c2, double r2) {
    auto [lon1, lat1] = PixelToMap(c1, r1);
    auto [lon2, lat2] = PixelToMap(c2, r2);
    double s12 = 0;
    geod_inverse(&impl_->geodesic, lat1, lon1, lat2, lon2, &s12, nullptr, nullptr);
    return s12;
  };
  return std::sqrt(geodesic_length(col, row, col + 1, row) * geodesic_length(col, row, col, row + 1));
}

Result<std::array<double, 6>> ReadWorldFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open the world file");
  double v[6];
  std::string line;
  for (int i = 0; i < 6; ++i) {
    if (!std::getline(in, line)) {
      return Status::InvalidInput(path + ":" + std::to_string(i + 1) +
                                  ": a world file has six lines (A, D, B, E, C, F); this one ends early");
    }
    size_t used = 0;
    try {
      v[i] = std::stod(line, &used);
    } catch (...) {
      used = 0;
    }
    while (used < line.size() && std::isspace(static_cast<unsigned char>(line[used]))) ++used;
    if (used == 0 || used != line.size() || !std::isfinite(v[i])) {
      return Status::InvalidInput(path + ":" + std::to_string(i + 1) + ": '" + line.substr(0, 40) +
                                  "' is not a number (hint: a world file holds one number per line)");
    }
  }
  const double a = v[0], d = v[1], b = v[2], e = v[3], c = v[4], f = v[5];
  // (c, f) is the centre of the top-left pixel; GDAL's origin is its corner.
  return std::array<double, 6>{c - 0.5 * a - 0.5 * b, a, b, f - 0.5 * d - 0.5 * e, d, e};
}

std::string FindWorldFile(const std::string& image_path) {
  namespace fs = std::filesystem;
  fs::path p(image_path);
  const std::string ext = p.extension().string();  // ".tif"
  std::vector<std::string> candidates;
  if (ext.size() >= 3) candidates.push_back(std::string(".") + ext[1] + ext.back() + "w");
  if (ext.size() >= 2) candidates.push_back(ext + "w");
  candidates.push_back(".wld");
  for (const auto& c : candidates) {
    fs::path w = p;
    w.replace_extension(c);
    std::error_code ec;
    if (fs::is_regular_file(w, ec)) return w.string();
  }
  return "";
}

}  // namespace georune::geo
