// Polygon entities as GeoJSON in PIXEL coordinates: what `detect --task segment` and
// `generate --flood` write and `ingest --geojson` reads (docs/detect.md, "Segmentation"). The one
// reader of this format is ReadGeoJson (ingest/readers.h); PolygonImageOf turns its records back
// into rings (for `simulate --flood`).
//
// One FeatureCollection per image. Every feature is a Polygon (x right, y down, pixels of the
// image) with properties `image` (id), `class` (the ontology's canonical name) and
// `confidence` (in (0, 1]). The writer puts outer rings counter-clockwise and holes clockwise
// in (x, y) as numbers (positive shoelace area for an outer ring), every ring closed. The
// collection carries members "image" (id), "width", "height", "gsd" (metres per pixel; absent
// when unknown) and "synthetic": true for a made-up scene (the flood generator).
#pragma once

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "georune/archive/records.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::ingest {

using PixelRing = std::vector<std::array<double, 2>>;  // closed: the first point repeated last

struct PolygonEntity {
  int class_id = -1;             // ontology class id
  float confidence = 1.0f;       // in (0, 1]
  std::vector<PixelRing> rings;  // rings[0] the outer ring, then holes
};

struct PolygonImage {
  std::string id;
  int width = 0, height = 0;  // pixels; 0 when unknown
  double gsd = std::nan("");  // metres per pixel; NaN when unknown
  bool synthetic = false;     // a generated scene
  std::vector<PolygonEntity> entities;
};

// Signed shoelace area of a closed ring (positive when counter-clockwise in (x, y)).
double SignedArea(const PixelRing& ring);
// Area of a polygon: outer ring minus holes (absolute values).
double PolygonArea(const PolygonEntity& polygon);
// Reverses rings as needed: outer counter-clockwise, holes clockwise.
void Orient(PolygonEntity& polygon);

// The FeatureCollection text of one image (rings oriented, coordinates as given).
std::string PolygonGeoJson(const PolygonImage& image, const Ontology& ontology);
// Writes `dir`/<id>.geojson for every image (each file atomically; `dir` is created).
Status WritePolygonGeoJsonDir(const std::string& dir, const std::vector<PolygonImage>& images,
                              const Ontology& ontology);
// The image as an archive record (id, size, gsd): polygon entities with their WKB and minimum
// rotated rectangle (common/polygon.h). An invalid polygon (rings of a raster component may
// touch at a vertex) is repaired by GEOS MakeValid and counted in `repaired`.
Result<ImageRecord> ToImageRecord(const PolygonImage& image, size_t* repaired = nullptr);
// The inverse, for records read by ReadGeoJson: each entity's rings (shell counter-clockwise,
// holes clockwise, closed); a multipolygon entity becomes one PolygonEntity per part (a
// connected component, the unit of a segmentation). Boxes (no polygon) are refused. `synthetic`
// is false: ReadGeoJson does not carry it.
Result<PolygonImage> PolygonImageOf(const ImageRecord& record, const Ontology& ontology);

}  // namespace georune::ingest
