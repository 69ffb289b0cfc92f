// The features of a query answer, for export (geo/export.h).
//
// One feature per witness entity of each listed result, its ring the hull of the entity's
// corners in pixel coordinates (the four corners as stored when the hull is degenerate); with
// `footprints`, one feature per result instead, the image rectangle (kInvalidInput when an
// image's size is unknown). Ranks are 1-based positions in answer order plus `first_rank - 1`.
#pragma once

#include <optional>
#include <vector>

#include "georune/archive/archive.h"
#include "georune/common/status.h"
#include "georune/geo/export.h"
#include "georune/service/query.h"

namespace georune::geo {

// The georeference stored with an image (archive.h), or nullopt when it has none (no
// geotransform, or no CRS).
std::optional<Georeference> StoredGeoreference(const Archive& archive, uint32_t image);

// The stored georeferences of the answer's result images, for WriteFeatures.
GeoreferenceLookup ResultGeoreferences(const Archive& archive, const service::QueryAnswer& answer);

// The witness entities and image sizes come from the answer (service::QueryAnswer::images).
Result<std::vector<ExportFeature>> ResultFeatures(const service::QueryAnswer& answer, bool footprints,
                                                  int first_rank = 1);

}  // namespace georune::geo
