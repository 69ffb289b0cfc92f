// One knowledge-base record from its parsed JSON (records.h's readers; the tests compare the
// streamed readers with a whole-file parse through these). Not a public header.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "georune/common/status.h"
#include "georune/rag/records.h"

namespace georune::rag {

// Element `index` (0-based) of an RSWK array, standing at `line` of `path`.
Result<Record> RswkRecord(const nlohmann::json& r, const std::string& path, int line, size_t index);
// The JSON Lines document at `line` of `path`; relative image paths are taken from `base_dir`.
Result<Record> JsonlRecord(const nlohmann::json& j, const std::string& path, int line, const std::string& base_dir);

}  // namespace georune::rag
