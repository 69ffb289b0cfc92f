// Georeferences of ingested images (docs/maps.md, "Georeferenced archives"): from the image file
// (GeoTIFF, read by the detector's raster reader), a world file beside the image, or a
// georeference file (`ingest --georef FILE.jsonl`); and the gsd they imply.
#pragma once

#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"

namespace georune::geo {

struct GeoreferenceSources {
  std::string georef_file;  // --georef: JSON Lines of image id, geotransform, CRS (ReadGeoreferenceFile)
  std::string crs;          // --crs: the CRS of georeferences that have none (world files)
};

// Completes the georeference of every record, in this order of precedence:
//  1. the georeference file's line for its id (replaces whatever the image file said);
//  2. the geotransform already in the record (from its image file);
//  3. a world file beside the record's path (FindWorldFile).
// A geotransform without a CRS takes the CRS of a .prj file beside the image, else `crs`; with
// neither it is refused (kInvalidInput naming the image and the world file or image, with a
// hint). Every CRS is stored as WKT. Every georeferenced record's gsd becomes the ground
// resolution at the image centre (MapTransform::MetresPerPixel: geodesic for a geographic
// CRS), replacing a label file's gsd. Errors are located: FILE:LINE of the georeference file,
// or the world file. An id of the georeference file that is not in `records` is refused.
// Returns notes for the user (gsd values that changed).
Result<std::vector<std::string>> AttachGeoreferences(std::vector<ImageRecord>& records,
                                                     const GeoreferenceSources& sources);

}  // namespace georune::geo
