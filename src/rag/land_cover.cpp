#include "georune/rag/land_cover.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace georune::rag {
namespace {

struct Legend {
  const char* variable;
  const char* scheme;
  std::vector<const char*> classes;  // index = code
};

const std::vector<Legend>& Legends() {
  static const std::vector<Legend> kLegends = {
      {"LC_Type1",
       "IGBP",
       {"", "Evergreen Needleleaf Forests", "Evergreen Broadleaf Forests", "Deciduous Needleleaf Forests",
        "Deciduous Broadleaf Forests", "Mixed Forests", "Closed Shrublands", "Open Shrublands", "Woody Savannas",
        "Savannas", "Grasslands", "Permanent Wetlands", "Croplands", "Urban and Built-up Lands",
        "Cropland/Natural Vegetation Mosaics", "Permanent Snow and Ice", "Barren", "Water Bodies"}},
      {"LC_Type2",
       "UMD",
       {"Water Bodies", "Evergreen Needleleaf Forests", "Evergreen Broadleaf Forests", "Deciduous Needleleaf Forests",
        "Deciduous Broadleaf Forests", "Mixed Forests", "Closed Shrublands", "Open Shrublands", "Woody Savannas",
        "Savannas", "Grasslands", "Permanent Wetlands", "Croplands", "Urban and Built-up Lands",
        "Cropland/Natural Vegetation Mosaics", "Non-Vegetated Lands"}},
      {"LC_Type3",
       "LAI",
       {"Water Bodies", "Grasslands", "Shrublands", "Broadleaf Croplands", "Savannas", "Evergreen Broadleaf Forests",
        "Deciduous Broadleaf Forests", "Evergreen Needleleaf Forests", "Deciduous Needleleaf Forests",
        "Non-Vegetated Lands", "Urban and Built-up Lands"}},
      {"LC_Type4",
       "BGC",
       {"Water Bodies", "Evergreen Needleleaf Vegetation", "Evergreen Broadleaf Vegetation",
        "Deciduous Needleleaf Vegetation", "Deciduous Broadleaf Vegetation", "Annual Broadleaf Vegetation",
        "Annual Grass Vegetation", "Non-Vegetated Lands", "Urban and Built-up Lands"}},
      {"LC_Type5",
       "PFT",
       {"Water Bodies", "Evergreen Needleleaf Trees", "Evergreen Broadleaf Trees", "Deciduous Needleleaf Trees",
        "Deciduous Broadleaf Trees", "Shrub", "Grass", "Cereal Croplands", "Broadleaf Croplands",
        "Urban and Built-up Lands", "Permanent Snow and Ice", "Barren"}},
  };
  return kLegends;
}

const Legend* Find(const std::string& variable) {
  for (const auto& l : Legends()) {
    if (variable == l.variable) return &l;
  }
  return nullptr;
}

}  // namespace

std::string LandCoverScheme(const std::string& variable) {
  const Legend* l = Find(variable);
  return l ? l->scheme : "";
}

std::string LandCoverClass(const std::string& variable, const std::string& value) {
  const Legend* l = Find(variable);
  if (!l) return "";
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || v != std::floor(v)) return "";
  if (v == 255) return "Unclassified";
  if (v < 0 || v >= double(l->classes.size())) return "";
  return l->classes[size_t(v)];
}

std::string RenderLandCover(const std::string& variable, const std::string& value) {
  const std::string cls = LandCoverClass(variable, value);
  if (cls.empty()) return value;
  std::string code = value;
  if (auto dot = code.find('.'); dot != std::string::npos && code.find_first_not_of('0', dot + 1) == std::string::npos)
    code.erase(dot);
  return code + " (" + cls + ", " + LandCoverScheme(variable) + ")";
}

}  // namespace georune::rag
