#include "georune/rag/field_lexicon.h"

#include <cstdlib>
#include <sstream>

#include "georune/rag/land_cover.h"
#include "georune/rag/text_fold.h"

namespace georune::rag {
namespace {

std::string Singular(std::string w) {
  if (w.size() >= 4 && w.back() == 's') w.pop_back();
  return w;
}

std::vector<std::string> Words(const std::string& phrase) {
  std::vector<std::string> out;
  std::istringstream in(phrase);
  std::string w;
  while (in >> w) out.push_back(Singular(w));
  return out;
}

Sense Var(std::vector<std::string> keys, std::string label, std::string unit, std::vector<std::string> phrases,
          std::vector<std::string> more = {}, std::vector<std::string> less = {}) {
  return {SenseKind::kVariable, std::move(keys), std::move(label), std::move(unit),
          std::move(phrases),   std::move(more), std::move(less)};
}

Sense Field(std::string key, std::string label, std::vector<std::string> phrases, std::vector<std::string> more = {},
            std::vector<std::string> less = {}) {
  return {SenseKind::kField,  {std::move(key)}, std::move(label), "",
          std::move(phrases), std::move(more),  std::move(less)};
}

std::vector<Sense> MakeLexicon() {
  const std::vector<std::string> hot = {"hottest", "warmest"}, cold = {"coldest", "coolest"};
  std::vector<Sense> v = {
      Var({"PRECTOTLAND", "precipitation"}, "total precipitation", "mm",
          {"prectotland", "precipitation", "rain", "rainfall", "rainy", "total precipitation", "annual precipitation",
           "precipitation over land"},
          {"wettest", "rainiest"}, {"driest"}),
      Var({"LST_Night_1km"}, "night-time land surface temperature", "°C",
          {"lst night 1km", "night", "nighttime", "night time", "night temperature", "nighttime temperature",
           "temperature at night", "night land surface temperature", "night time land surface temperature"}),
      Var({"mean_2m_air_temperature"}, "mean 2 m air temperature", "°C",
          {"mean 2m air temperature", "air temperature", "2m temperature", "2m air temperature", "mean temperature",
           "average temperature", "mean air temperature"}),
      Var({"TS"}, "surface skin temperature", "°C", {"ts", "skin temperature", "surface skin temperature"}),
      Var({"LST_Day_1km"}, "daytime land surface temperature", "°C",
          {"lst day 1km", "temperature", "day temperature", "daytime temperature", "daytime",
           "land surface temperature", "day land surface temperature", "daytime land surface temperature",
           "surface temperature", "hot", "warm", "temperature during the day"},
          hot, cold),
      Var({"SPEED"}, "wind speed", "m/s", {"speed", "wind", "wind speed", "windy"}, {"windiest"}, {"calmest"}),
      Var({"ULML"}, "surface eastward wind", "m/s",
          {"ulml", "eastward wind", "east wind", "zonal wind", "surface eastward wind"}),
      Var({"VLML"}, "surface northward wind", "m/s",
          {"vlml", "northward wind", "north wind", "meridional wind", "surface northward wind"}),
      Var({"GWETPROF"}, "average profile soil moisture", "",
          {"gwetprof", "soil moisture", "moisture", "soil wetness", "ground wetness", "soil water", "wetness",
           "average soil moisture"}),
      Var({"SMLAND"}, "snowmelt flux over land", "mm", {"smland", "snowmelt", "snow melt", "snowmelt flux"}),
      Var({"EVLAND"}, "evaporation from land", "mm",
          {"evland", "evaporation", "evapotranspiration", "evaporation from land"}),
      Var({"EMIS"}, "surface emissivity", "", {"emis", "emissivity", "surface emissivity"}),
      Var({"ALBNIRDF"}, "diffuse near-infrared albedo", "",
          {"albnirdf", "near infrared diffuse albedo", "nir diffuse albedo", "diffuse near infrared albedo",
           "diffuse nir albedo"}),
      Var({"ALBNIRDR"}, "direct (beam) near-infrared albedo", "",
          {"albnirdr", "near infrared direct albedo", "nir direct albedo", "direct near infrared albedo",
           "direct nir albedo", "near infrared beam albedo"}),
      Var({"ALBVISDF"}, "diffuse visible albedo", "", {"albvisdf", "visible diffuse albedo", "diffuse visible albedo"}),
      Var({"ALBVISDR"}, "direct (beam) visible albedo", "",
          {"albvisdr", "visible direct albedo", "direct visible albedo", "visible beam albedo"}),
      Var({"ALBEDO"}, "surface albedo", "",
          {"albedo", "surface albedo", "reflectivity", "reflective", "how reflective"}),
      Var({"LC_Type1"}, "land cover", "",
          {"lc type1", "land cover", "landcover", "land cover type", "land use", "igbp", "igbp land cover",
           "land cover class"}),
      Var({"LC_Type2"}, "land cover", "", {"lc type2", "umd", "umd land cover"}),
      Var({"LC_Type3"}, "land cover", "", {"lc type3", "lai land cover", "lai type"}),
      Var({"LC_Type4"}, "land cover", "", {"lc type4", "bgc", "biome", "biogeochemical", "bgc land cover"}),
      Var({"LC_Type5"}, "land cover", "", {"lc type5", "pft", "plant functional type", "pft land cover"}),
      Var({"mean_sea_level_pressure", "SLP"}, "mean sea level pressure", "Pa",
          {"mean sea level pressure", "sea level pressure", "slp", "msl pressure", "msl"}),
      Var({"surface_pressure"}, "surface pressure", "Pa",
          {"surface pressure", "pressure", "air pressure", "atmospheric pressure"}),
      Var({"SAA"}, "sun azimuth angle", "°",
          {"saa", "sun azimuth", "solar azimuth", "sun azimuth angle", "solar azimuth angle"}),
      Var({"VAA"}, "view azimuth angle", "°",
          {"vaa", "view azimuth", "viewing azimuth", "view azimuth angle", "sensor azimuth"}),
      Var({"VZA"}, "view zenith angle", "°",
          {"vza", "view zenith", "viewing zenith", "view zenith angle", "sensor zenith"}),
      Var({"SR_B1"}, "surface reflectance, band 1 (coastal aerosol), scaled", "",
          {"sr b1", "coastal aerosol reflectance", "coastal band", "band 1 reflectance"}),
      Var({"SR_B2"}, "surface reflectance, band 2 (blue), scaled", "",
          {"sr b2", "blue reflectance", "blue band", "band 2 reflectance"}),
      Var({"SR_B3"}, "surface reflectance, band 3 (green), scaled", "",
          {"sr b3", "green reflectance", "green band", "band 3 reflectance"}),
      Var({"SR_B4"}, "surface reflectance, band 4 (red), scaled", "",
          {"sr b4", "red reflectance", "red band", "band 4 reflectance"}),
      Var({"SR_B5"}, "surface reflectance, band 5 (near infrared), scaled", "",
          {"sr b5", "near infrared reflectance", "nir reflectance", "nir band", "band 5 reflectance"}),
      Var({"SR_B6"}, "surface reflectance, band 6 (shortwave infrared 1), scaled", "",
          {"sr b6", "swir1", "swir 1", "shortwave infrared 1", "band 6 reflectance"}),
      Var({"SR_B7"}, "surface reflectance, band 7 (shortwave infrared 2), scaled", "",
          {"sr b7", "swir2", "swir 2", "shortwave infrared 2", "band 7 reflectance"}),
      // World-knowledge fields, in priority order (the first with a matching phrase wins).
      Field("Physical_Area", "physical area",
            {"physical area", "how large", "how big",  "size",     "area of",      "how long is",
             "how long are",  "length",    "extent",   "square",   "surface area", "footprint",
             "how wide",      "width",     "how tall", "tall",     "height",       "how high is",
             "elevation",     "how deep",  "depth",    "dimension"},
            {"largest", "biggest"}, {"smallest"}),
      Field("Address", "address", {"address"}),
      Field("Notable_Visitors", "notable visitors", {"visitor", "visited", "notable visitor"}),
      Field("Major_Events", "major events", {"major event", "event"}),
      Field("Architectural_Characteristics", "architectural characteristics",
            {"architectural", "architecture", "architecturally", "whatarchitectural"}),
      Field("Cultural_Significance", "cultural significance",
            {"cultural", "culturally", "significance", "significant"}),
      Field("Historical_Background", "historical background", {"historical background", "history", "historical"}),
      Field("Construction_Period", "construction period",
            {"construction", "constructed", "built", "when was", "erected", "how old", "construction period"}),
      Field("Primary_Function", "primary function", {"function", "purpose", "used for", "serve", "primary function"}),
      Field("Category", "category", {"category", "categorie", "what type of", "what kind of"}),
      Field("Details", "details", {"detail", "more can be said", "interesting", "additional"}),
      Field("Location", "location",
            {"location", "coordinate", "located", "where is", "where", "latitude", "longitude"}),
      Field("Area", "area", {"area", "region", "city", "country"}),
      Field("Name", "name", {"name", "identify", "called", "which landmark", "what landmark"}),
  };
  return v;
}

}  // namespace

const std::vector<Sense>& FieldLexicon() {
  static const std::vector<Sense> kLexicon = MakeLexicon();
  return kLexicon;
}

std::vector<std::string> LexiconTokens(std::string_view question) {
  std::vector<std::string> out = FoldTokens(question);
  for (auto& w : out) w = Singular(w);
  return out;
}

bool HasPhrase(const std::vector<std::string>& tokens, const std::string& phrase) {
  const std::vector<std::string> p = Words(phrase);
  if (p.empty() || p.size() > tokens.size()) return false;
  for (size_t i = 0; i + p.size() <= tokens.size(); ++i) {
    if (std::equal(p.begin(), p.end(), tokens.begin() + long(i))) return true;
  }
  return false;
}

const Sense* DetectSense(const std::vector<std::string>& tokens) {
  const Sense* best = nullptr;
  size_t best_len = 0;
  for (const Sense& s : FieldLexicon()) {
    for (const auto& p : s.phrases) {
      if (!HasPhrase(tokens, p)) continue;
      const size_t len = Words(p).size();
      if (s.kind == SenseKind::kVariable && len > best_len) {
        best = &s;
        best_len = len;
      }
      if (s.kind == SenseKind::kField && !best) return &s;
    }
  }
  return best;
}

bool NumericValue(const std::string& value, double* out) {
  std::string digits;
  for (char c : value) {
    if (c == ',') continue;  // "4,200"
    digits.push_back(c);
  }
  char* end = nullptr;
  const double v = std::strtod(digits.c_str(), &end);
  if (end == digits.c_str()) return false;
  *out = v;
  return true;
}

std::vector<FieldValue> ValuesOf(const Record& record, const Sense& sense) {
  std::vector<FieldValue> out;
  for (const auto& key : sense.keys) {
    if (sense.kind == SenseKind::kField) {
      auto it = record.fields.find(key);
      if (it != record.fields.end()) out.push_back({key, it->second});
      continue;
    }
    for (const auto& [name, value] : record.variables) {
      if (name != key && !name.starts_with(key + "(")) continue;
      double number = 0;
      const bool bare = !value.empty() && NumericValue(value, &number) &&
                        value.find_first_not_of("-+.,0123456789eE") == std::string::npos;
      out.push_back({name, bare && !sense.unit.empty() ? value + sense.unit : RenderLandCover(key, value)});
      break;
    }
  }
  return out;
}

}  // namespace georune::rag
