// AttachGeoreferences: the georeference and ground gsd of ingested images.
#include "georune/geo/attach.h"

#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/geo/georeference.h"

namespace georune::geo {
namespace {

// The CRS as WKT 2, for storing: kInvalidInput when OGR cannot read it.
Result<std::string> CrsAsWkt(const std::string& crs) {
  OGRSpatialReference srs;
  CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
  if (srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE)
    return Status::InvalidInput("unreadable CRS '" + crs.substr(0, 80) +
                                "' (hint: give WKT or an EPSG code such as EPSG:32633)");
  const char* options[] = {"FORMAT=WKT2_2019", nullptr};
  char* wkt = nullptr;
  if (srs.exportToWkt(&wkt, options) != OGRERR_NONE || wkt == nullptr)
    return Status::InvalidInput("the CRS '" + crs.substr(0, 80) + "' cannot be written as WKT");
  std::string out = wkt;
  CPLFree(wkt);
  return out;
}

// The .prj file beside an image (same stem), or "".
std::string FindPrj(const std::string& image_path) {
  std::filesystem::path p(image_path);
  p.replace_extension(".prj");
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) ? p.string() : "";
}

// The CRS of a geotransform that came without one; `from` names where the geotransform came from.
Result<std::string> MissingCrs(const ImageRecord& r, const std::string& from, const std::string& crs) {
  if (const std::string prj = FindPrj(r.path); !prj.empty()) {
    // Read whole: a .prj is one WKT text; a file over 1 MiB is refused as the wrong file.
    GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(prj, uint64_t{1} << 20));
    auto wkt = CrsAsWkt(text);
    if (!wkt.ok()) return Status::InvalidInput(prj + ": " + wkt.status().message());
    return wkt;
  }
  if (!crs.empty()) return CrsAsWkt(crs);
  return FileDiagnostic(from, 0, "image '" + r.id + "' has a geotransform but no CRS",
                        "give the CRS of its map coordinates (EPSG:n), or put a .prj file beside the image")
      .With(Setting::kCrs)
      .ToStatus();
}

}  // namespace

Result<std::vector<std::string>> AttachGeoreferences(std::vector<ImageRecord>& records,
                                                     const GeoreferenceSources& sources) {
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < records.size(); ++i) by_id.emplace(records[i].id, i);
  std::vector<std::string> where(records.size());  // where each georeference came from, for messages
  if (!sources.georef_file.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(auto lines, ReadGeoreferenceFile(sources.georef_file));
    for (size_t k = 0; k < lines.size(); ++k) {
      auto& [id, g] = lines[k];
      auto it = by_id.find(id);
      if (it == by_id.end())
        return Status::InvalidInput(sources.georef_file + ": image '" + id + "' is not in this ingest" +
                                    "\n  hint: georeference images in the ingest that adds them");
      ImageRecord& r = records[it->second];
      r.geotransform = g.geotransform;
      GEORUNE_ASSIGN_OR_RETURN(r.crs_wkt, CrsAsWkt(g.crs));
      where[it->second] = sources.georef_file;
    }
  }
  std::vector<std::string> notes;
  size_t changed = 0;
  std::string first_change;
  for (size_t i = 0; i < records.size(); ++i) {
    ImageRecord& r = records[i];
    if (where[i].empty()) where[i] = r.path;
    if (!r.geotransform && !r.path.empty()) {
      if (const std::string world = FindWorldFile(r.path); !world.empty()) {
        GEORUNE_ASSIGN_OR_RETURN(r.geotransform, ReadWorldFile(world));
        where[i] = world;
        r.crs_wkt.clear();  // a world file's CRS is the .prj's or --crs
      }
    }
    if (!r.geotransform) continue;
    if (r.crs_wkt.empty()) {
      GEORUNE_ASSIGN_OR_RETURN(r.crs_wkt, MissingCrs(r, where[i], sources.crs));
    }
    auto transform = MapTransform::Make({*r.geotransform, r.crs_wkt});
    if (!transform.ok())
      return Status::InvalidInput(where[i] + ": image '" + r.id + "': " + transform.status().message());
    const double col = r.width > 0 ? r.width / 2.0 : 0.5, row = r.height > 0 ? r.height / 2.0 : 0.5;
    const double gsd = transform->MetresPerPixel(col, row);
    if (!(gsd > 0) || !std::isfinite(gsd))
      return Status::InvalidInput(where[i] + ": image '" + r.id + "': the georeference gives no ground resolution");
    if (std::isfinite(r.gsd) && std::abs(r.gsd - gsd) > 0.01 * gsd && changed++ == 0)
      first_change = r.id + ": " + std::to_string(r.gsd) + " -> " + std::to_string(gsd);
    r.gsd = gsd;
  }
  if (changed)
    notes.push_back("the georeference replaced the labels' gsd of " + std::to_string(changed) +
                    " image(s) by the ground resolution at the image centre (first: " + first_change + " m/px)");
  return notes;
}

}  // namespace georune::geo
