// WriteFeatures: OGR layers for query results.
#include "georune/geo/export.h"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "georune/common/files.h"

namespace georune::geo {
namespace {

struct FormatInfo {
  const char* driver;
  const char* extension;
  bool streamable;  // can be written to standard output
};

FormatInfo InfoOf(ExportFormat f) {
  switch (f) {
    case ExportFormat::kGeoJson: return {"GeoJSON", ".geojson", true};
    case ExportFormat::kCsv: return {"CSV", ".csv", true};
    case ExportFormat::kGpkg: return {"GPKG", ".gpkg", false};
    case ExportFormat::kFlatGeobuf: return {"FlatGeobuf", ".fgb", false};
  }
  return {"", "", false};
}

enum class Coords { kLonLat, kPixel };

// A local engineering CRS: image columns to the east, rows to the south, in pixels.
constexpr const char* kPixelCrsWkt =
    "ENGCRS[\"image pixels (x right, y down)\",EDATUM[\"image\"],CS[Cartesian,2],"
    "AXIS[\"column (x)\",east,ORDER[1],LENGTHUNIT[\"pixel\",1]],"
    "AXIS[\"row (y)\",south,ORDER[2],LENGTHUNIT[\"pixel\",1]]]";

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

// Which coordinates each feature is written in, after the format's rules.
Result<std::vector<Coords>> ChooseCoords(const std::vector<ExportFeature>& features, const GeoreferenceLookup& georef,
                                         const ExportOptions& options) {
  std::vector<Coords> coords;
  coords.reserve(features.size());
  for (const auto& f : features) {
    const bool pixel = options.pixel_coords || georef(f.image) == nullptr;
    if (pixel && !options.pixel_coords && options.format == ExportFormat::kGeoJson) {
      return Status::InvalidInput("image '" + f.image +
                                  "' has no georeference, and GeoJSON (RFC 7946) holds only WGS84 coordinates "
                                  "(hint: export pixel coordinates, marked as such, or write GeoPackage or CSV)");
    }
    coords.push_back(pixel ? Coords::kPixel : Coords::kLonLat);
  }
  if (options.format == ExportFormat::kFlatGeobuf && !coords.empty() &&
      std::find(coords.begin(), coords.end(), coords.front()) != coords.end() &&
      std::find(coords.begin(), coords.end(), coords.front() == Coords::kPixel ? Coords::kLonLat : Coords::kPixel) !=
          coords.end()) {
    return Status::InvalidInput(
        "FlatGeobuf holds one coordinate system, and these results mix georeferenced images with images that have "
        "none (hint: export pixel coordinates for all, or write GeoPackage)");
  }
  return coords;
}

OGRSpatialReference SrsOf(Coords c) {
  OGRSpatialReference srs;
  if (c == Coords::kLonLat) {
    srs.SetWellKnownGeogCS("WGS84");
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  } else {
    srs.importFromWkt(kPixelCrsWkt);
  }
  return srs;
}

Result<OGRLayer*> CreateLayer(GDALDataset& ds, ExportFormat format, const char* name, Coords coords, bool multi) {
  char** opts = nullptr;
  if (format == ExportFormat::kGeoJson && coords == Coords::kLonLat) {
    opts = CSLSetNameValue(opts, "RFC7946", "YES");
    opts = CSLSetNameValue(opts, "COORDINATE_PRECISION", "10");
  }
  if (format == ExportFormat::kCsv) {
    opts = CSLSetNameValue(opts, "GEOMETRY", "AS_WKT");
    opts = CSLSetNameValue(opts, "STRING_QUOTING", "IF_NEEDED");
  }
  OGRSpatialReference srs = SrsOf(coords);
  const bool with_srs = format != ExportFormat::kCsv && !(format == ExportFormat::kGeoJson && coords == Coords::kPixel);
  OGRLayer* layer = ds.CreateLayer(name, with_srs ? &srs : nullptr, multi ? wkbMultiPolygon : wkbPolygon, opts);
  CSLDestroy(opts);
  if (layer == nullptr) return Status::IoError(std::string("GDAL could not create the layer: ") + CPLGetLastErrorMsg());
  const std::pair<const char*, OGRFieldType> fields[] = {
      {"image", OFTString},    {"rank", OFTInteger}, {"score", OFTReal},
      {"variable", OFTString}, {"class", OFTString}, {"confidence", OFTReal},
      {"entity", OFTInteger},  {"atoms", OFTString}, {"coords", OFTString}};
  for (const auto& [field, type] : fields) {
    OGRFieldDefn defn(field, type);
    if (layer->CreateField(&defn) != OGRERR_NONE) {
      return Status::IoError(std::string("GDAL could not create the field ") + field + ": " + CPLGetLastErrorMsg());
    }
  }
  return layer;
}

using PixelRing = std::vector<std::array<double, 2>>;

// Ring in output coordinates, closed; in lon/lat a shell counter-clockwise, a hole clockwise
// (RFC 7946).
Result<OGRLinearRing> RingOf(const ExportFeature& f, const PixelRing& pixels, bool hole, Coords coords,
                             const MapTransform* transform) {
  OGRLinearRing ring;
  for (const auto& [x, y] : pixels) {
    if (coords == Coords::kPixel) {
      ring.addPoint(x, y);
      continue;
    }
    auto ll = transform->PixelToLonLat(x, y);
    if (!ll.ok()) return Status::InvalidInput("image '" + f.image + "': " + ll.status().message());
    ring.addPoint(ll->lon, ll->lat);
  }
  ring.closeRings();
  if (coords == Coords::kLonLat && ring.isClockwise() != hole) ring.reverseWindingOrder();
  return ring;
}

// The feature's geometry: a polygon (the ring, or a polygon entity's single part), or a
// multipolygon when `multi` (every feature of a MultiPolygon layer).
Result<std::unique_ptr<OGRGeometry>> GeometryOf(const ExportFeature& f, bool multi, Coords coords,
                                                const MapTransform* transform) {
  std::vector<std::vector<PixelRing>> parts = f.parts;
  if (parts.empty()) parts.push_back({f.ring});
  auto collection = std::make_unique<OGRMultiPolygon>();
  for (const auto& part : parts) {
    OGRPolygon polygon;
    for (size_t k = 0; k < part.size(); ++k) {
      auto ring = RingOf(f, part[k], k > 0, coords, transform);
      if (!ring.ok()) return ring.status();
      polygon.addRing(&*ring);
    }
    if (!multi) return std::unique_ptr<OGRGeometry>(polygon.clone());
    collection->addGeometry(&polygon);
  }
  return std::unique_ptr<OGRGeometry>(std::move(collection));
}

Status AddFeature(OGRLayer& layer, const ExportFeature& f, bool multi, Coords coords, const MapTransform* transform) {
  OGRFeature feature(layer.GetLayerDefn());
  feature.SetField("image", f.image.c_str());
  feature.SetField("rank", f.rank);
  feature.SetField("score", f.score);
  feature.SetField("variable", f.variable.c_str());
  feature.SetField("class", f.class_name.c_str());
  feature.SetField("confidence", f.confidence);
  feature.SetField("entity", f.entity);
  feature.SetField("atoms", f.atoms_json.c_str());
  feature.SetField("coords", coords == Coords::kLonLat ? "lonlat" : "pixel");
  auto geometry = GeometryOf(f, multi, coords, transform);
  if (!geometry.ok()) return geometry.status();
  feature.SetGeometry(geometry->get());
  if (layer.CreateFeature(&feature) != OGRERR_NONE) {
    return Status::IoError(std::string("GDAL could not write a feature: ") + CPLGetLastErrorMsg());
  }
  return Status::Ok();
}

// Writes every feature into `ds`, one layer per coordinate kind in use.
Status WriteLayers(GDALDataset& ds, const std::vector<ExportFeature>& features, const std::vector<Coords>& coords,
                   const GeoreferenceLookup& georef, const ExportOptions& options) {
  std::map<Coords, OGRLayer*> layers;
  std::map<std::string, MapTransform, std::less<>> transforms;
  const bool one_layer = options.format == ExportFormat::kCsv;
  const bool multi =
      std::any_of(features.begin(), features.end(), [](const ExportFeature& f) { return f.parts.size() > 1; });
  for (size_t i = 0; i < features.size(); ++i) {
    const Coords c = coords[i];
    const Coords layer_key = one_layer ? Coords::kPixel : c;
    if (!layers.count(layer_key)) {
      const bool both = std::count(coords.begin(), coords.end(), Coords::kPixel) != 0 &&
                        std::count(coords.begin(), coords.end(), Coords::kLonLat) != 0;
      const char* name = (!one_layer && both && c == Coords::kPixel) ? "results_pixel" : "results";
      auto layer = CreateLayer(ds, options.format, name, one_layer ? Coords::kPixel : c, multi);
      if (!layer.ok()) return layer.status();
      layers[layer_key] = *layer;
    }
    const MapTransform* transform = nullptr;
    if (c == Coords::kLonLat) {
      auto it = transforms.find(features[i].image);
      if (it == transforms.end()) {
        auto made = MapTransform::Make(*georef(features[i].image));
        if (!made.ok()) return Status::InvalidInput("image '" + features[i].image + "': " + made.status().message());
        it = transforms.emplace(features[i].image, std::move(made).value()).first;
      }
      transform = &it->second;
    }
    GEORUNE_RETURN_IF_ERROR(AddFeature(*layers[layer_key], features[i], multi, c, transform));
  }
  if (layers.empty()) {  // no results: still a valid, empty file
    auto layer =
        CreateLayer(ds, options.format, "results", options.pixel_coords ? Coords::kPixel : Coords::kLonLat, false);
    if (!layer.ok()) return layer.status();
  }
  return Status::Ok();
}

Status WriteTo(const std::string& target, const std::vector<ExportFeature>& features, const std::vector<Coords>& coords,
               const GeoreferenceLookup& georef, const ExportOptions& options) {
  static std::once_flag registered;  // GDALAllRegister is not safe to call from threads at once
  std::call_once(registered, [] { GDALAllRegister(); });
  CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);  // failures are returned, not printed
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(InfoOf(options.format).driver);
  if (driver == nullptr)
    return Status::Unavailable(std::string("GDAL lacks the ") + InfoOf(options.format).driver + " driver");
  DatasetPtr ds(driver->Create(target.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) return Status::IoError(target + ": GDAL could not create the file: " + CPLGetLastErrorMsg());
  GEORUNE_RETURN_IF_ERROR(WriteLayers(*ds, features, coords, georef, options));
  CPLErrorReset();
  ds.reset();  // GDAL 3.6's GDALClose reports failures only through the error state
  if (CPLGetLastErrorType() >= CE_Failure)
    return Status::IoError(target + ": GDAL could not finish the file: " + CPLGetLastErrorMsg());
  return Status::Ok();
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "geojson") return ExportFormat::kGeoJson;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "gpkg") return ExportFormat::kGpkg;
  if (name == "fgb") return ExportFormat::kFlatGeobuf;
  return Status::InvalidInput("unknown export format '" + std::string(name) + "' (hint: geojson, csv, gpkg or fgb)");
}

Status WriteFeatures(const std::string& path, const std::vector<ExportFeature>& features,
                     const GeoreferenceLookup& georef, const ExportOptions& options) {
  auto coords = ChooseCoords(features, georef, options);
  if (!coords.ok()) return coords.status();
  const FormatInfo info = InfoOf(options.format);
  if (path.empty()) {
    if (!info.streamable) return Status::InvalidInput(std::string(info.driver) + " needs an output file");
    return WriteTo("/vsistdout/", features, *coords, georef, options);
  }
  namespace fs = std::filesystem;
  const fs::path final_path(path);
  const fs::path temp = final_path.parent_path() /
                        ("." + final_path.filename().string() + ".tmp." + std::to_string(getpid()) + info.extension);
  std::error_code ec;
  fs::remove(temp, ec);
  Status written = WriteTo(temp.string(), features, *coords, georef, options);
  if (!written.ok()) {
    fs::remove_all(temp, ec);
    return written;
  }
  fs::rename(temp, final_path, ec);
  if (ec) {
    fs::remove_all(temp, ec);
    return Status::IoError(path + ": cannot replace the file: " + ec.message());
  }
  return SyncDirectory(final_path.parent_path().empty() ? "." : final_path.parent_path().string());
}

Result<std::string> FeaturesText(const std::vector<ExportFeature>& features, const GeoreferenceLookup& georef,
                                 const ExportOptions& options) {
  const FormatInfo info = InfoOf(options.format);
  if (!info.streamable) return Status::InvalidInput(std::string(info.driver) + " needs an output file");
  auto coords = ChooseCoords(features, georef, options);
  if (!coords.ok()) return coords.status();
  static std::atomic<unsigned long long> counter{0};
  const std::string path = "/vsimem/georune_export_" + std::to_string(getpid()) + "_" +
                           std::to_string(counter.fetch_add(1)) + info.extension;
  Status written = WriteTo(path, features, *coords, georef, options);
  std::string text;
  if (written.ok()) {
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(path.c_str(), &size, FALSE);
    if (bytes == nullptr) written = Status::IoError("GDAL wrote no " + std::string(info.driver) + " text");
    else text.assign(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  }
  VSIUnlink(path.c_str());
  if (!written.ok()) return written;
  return text;
}

}  // namespace georune::geo
