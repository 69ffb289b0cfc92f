// Georeference of an image: pixel → map → WGS84, and metres per pixel on the ground.
//
// Entities stay in pixel space inside the engine (spec §1); map coordinates are derived here,
// through GDAL/OGR and PROJ. A Georeference is GDAL's affine geotransform
//   x_map = gt[0] + col·gt[1] + row·gt[2],   y_map = gt[3] + col·gt[4] + row·gt[5]
// (col, row in pixels, origin at the top-left corner of the top-left pixel) and the CRS of the
// map coordinates, as WKT, "EPSG:n" or any other definition OGR's SetFromUserInput accepts.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "georune/common/status.h"

namespace georune::geo {

struct Georeference {
  std::array<double, 6> geotransform{0, 1, 0, 0, 0, 1};
  std::string crs;  // WKT, "EPSG:n", PROJ string…; never empty in a valid georeference
};

struct LonLat {
  double lon = 0, lat = 0;  // degrees, WGS84 (EPSG:4326 in longitude, latitude order)
};

// Transforms of one image's pixels. Immutable once made; safe to share between threads only
// for MetresPerPixel (PROJ transform objects are not thread-safe: make one per thread for
// ToLonLat).
class MapTransform {
 public:
  // kInvalidInput for a CRS OGR cannot read, or a geotransform that is not invertible.
  static Result<MapTransform> Make(const Georeference& georef);
  MapTransform(MapTransform&&) noexcept;
  MapTransform& operator=(MapTransform&&) noexcept;
  ~MapTransform();

  std::pair<double, double> PixelToMap(double col, double row) const;
  // kInvalidInput where PROJ cannot transform the point (outside the CRS's area).
  Result<LonLat> PixelToLonLat(double col, double row) const;
  // Ground metres per pixel at pixel (col, row): the geometric mean of the ground lengths of
  // one pixel step along columns and rows. Projected CRS: map units × the CRS's metres per
  // unit; geographic CRS: geodesic lengths on the CRS's ellipsoid.
  double MetresPerPixel(double col, double row) const;
  bool IsGeographic() const;

 private:
  struct Impl;
  explicit MapTransform(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A world file (.tfw, .pgw, .jgw, .wld…): six lines A, D, B, E, C, F where C, F are the map
// coordinates of the CENTRE of the top-left pixel. kInvalidInput naming file and line.
Result<std::array<double, 6>> ReadWorldFile(const std::string& path);
// The world file beside an image (same stem; the extension's first and last letters + "w",
// then ".wld"), or "" when none exists.
std::string FindWorldFile(const std::string& image_path);

// A georeference file (`ingest --georef`): JSON Lines, one image per line,
//   {"image": "P0001", "geotransform": [x0, dx, rx, y0, ry, dy], "crs": "EPSG:32633"}
// where "crs" is "EPSG:n", an integer EPSG code, or WKT. Blank lines are skipped. Every
// georeference is checked (MapTransform::Make). kInvalidInput names the file and line, for a
// malformed line, a bad CRS or geotransform, or an image named twice.
Result<std::vector<std::pair<std::string, Georeference>>> ReadGeoreferenceFile(const std::string& path);

}  // namespace georune::geo
