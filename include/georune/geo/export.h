// Query results as GIS files, written by GDAL/OGR: GeoJSON (RFC 7946), CSV, GeoPackage,
// FlatGeobuf.
//
// One feature per witness entity of each result (or, with `footprints`, one per result image),
// with the properties image, rank, score, variable, class, confidence, entity, atoms (a JSON
// array text) and coords ("lonlat" or "pixel"). Geometry: the entity's polygon (its hull
// corners; a polygon entity's own polygon, holes included), or the image rectangle for a
// footprint. RFC 7946 orientation in lon/lat: shells counter-clockwise, holes clockwise.
//
// Coordinates: a georeferenced image's features are written in WGS84 longitude/latitude.
// An image without a georeference has only pixel coordinates (x right, y down), written only
// where the file can say so: GeoPackage and FlatGeobuf in a local engineering CRS ("pixel"),
// CSV with coords = "pixel". GeoJSON must be WGS84 (RFC 7946), so it refuses such images
// unless `pixel_coords` is set, which writes every feature in pixels (coords = "pixel") and
// leaves RFC 7946 mode off. A GeoPackage that holds both kinds has two layers: "results"
// (WGS84) and "results_pixel".
//
// The file is written to a temporary name beside `path` and renamed over it, so a failure
// leaves any earlier file as it was. An empty `path` writes GeoJSON or CSV to standard output
// (kInvalidInput for GeoPackage and FlatGeobuf, which need a file).
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"
#include "georune/geo/georeference.h"

namespace georune::geo {

enum class ExportFormat { kGeoJson, kCsv, kGpkg, kFlatGeobuf };

// "geojson", "csv", "gpkg", "fgb"; kInvalidInput otherwise.
Result<ExportFormat> ParseExportFormat(std::string_view name);

struct ExportFeature {
  std::string image;
  int rank = 0;  // 1-based
  double score = 0;
  std::string variable;    // "" for a footprint
  std::string class_name;  // "" for a footprint
  double confidence = 0;
  int entity = -1;                          // index in its image; -1 for a footprint
  std::string atoms_json;                   // JSON array of {"atom", "value"}
  std::vector<std::array<double, 2>> ring;  // pixel coordinates, not closed
  // A polygon entity's geometry instead of `ring`: its parts, each the shell then its holes
  // (rings in pixel coordinates, closed or not). A layer holding an entity of several parts is
  // a MultiPolygon layer.
  std::vector<std::vector<std::vector<std::array<double, 2>>>> parts;
};

struct ExportOptions {
  ExportFormat format = ExportFormat::kGeoJson;
  bool pixel_coords = false;  // write every feature in pixel coordinates
};

// The georeference of an image by id, or nullptr when it has none.
using GeoreferenceLookup = std::function<const Georeference*(std::string_view image)>;

Status WriteFeatures(const std::string& path, const std::vector<ExportFeature>& features,
                     const GeoreferenceLookup& georef, const ExportOptions& options);

// The same GeoJSON or CSV as text, the bytes WriteFeatures writes to standard output: written by
// GDAL into a private /vsimem/ file (thread safe), read back and removed. kInvalidInput for
// GeoPackage and FlatGeobuf, and as WriteFeatures for the features.
Result<std::string> FeaturesText(const std::vector<ExportFeature>& features, const GeoreferenceLookup& georef,
                                 const ExportOptions& options);

}  // namespace georune::geo
