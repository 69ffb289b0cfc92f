// MODIS land-cover classes (MCD12Q1 collection 6 user guide, table 3): the legends of the
// five LC_Type layers of the RSWK expert knowledge.
//   LC_Type1 IGBP (17 classes), LC_Type2 UMD (0..15), LC_Type3 LAI (0..10),
//   LC_Type4 BGC (0..8), LC_Type5 PFT (0..11); 255 is "Unclassified" in every layer.
#pragma once

#include <string>

namespace georune::rag {

// "LC_Type1".."LC_Type5" → "IGBP", "UMD", "LAI", "BGC", "PFT"; "" for other names.
std::string LandCoverScheme(const std::string& variable);
// The class name of `value` (a number as text, "13" or "13.0") in the variable's legend;
// "" when the variable is not a land-cover layer or the value is not a code of its legend.
std::string LandCoverClass(const std::string& variable, const std::string& value);
// "13 (Urban and Built-up Lands, IGBP)"; the value unchanged when LandCoverClass is "".
std::string RenderLandCover(const std::string& variable, const std::string& value);

}  // namespace georune::rag
