// Results as files: GeoJSON (one polygon Feature per witness entity, in pixel coordinates for
// now) and CSV (one row per witness entity). Ranks start at offset + 1.
#pragma once

#include <cstddef>
#include <string>

#include "georune/service/query.h"

namespace georune::server {

std::string ResultsGeoJson(const service::QueryAnswer& answer, const std::string& archive, size_t offset);
std::string ResultsCsv(const service::QueryAnswer& answer, const std::string& archive, size_t offset);

}  // namespace georune::server
