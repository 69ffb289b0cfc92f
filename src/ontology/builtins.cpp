// The built-in ontologies: DOTA v1.0 / v1.5 / v2.0, HRRSD, DIOR (and DIOR-R), NWPU VHR-10, and
// FloodNet's post-flood segmentation classes.
// Classes that mean the same thing share one canonical name and one list of everyday synonyms
// across datasets ("airplane" in HRRSD is `plane`, as in DOTA), so a query reads the same on
// every archive; each dataset keeps its own labels (what its annotation files write).
#include <map>
#include <nlohmann/json.hpp>

#include "georune/ontology/ontology.h"

namespace georune {
namespace {

using Words = std::vector<std::string>;

// Everyday words per canonical class name, shared by the datasets that have the class.
const std::map<std::string, Words>& SharedSynonyms() {
  static const std::map<std::string, Words> k = {
      {"plane", {"airplane", "aeroplane", "aircraft", "airliner", "jet", "jetliner"}},
      {"ship", {"boat", "vessel", "watercraft", "freighter", "tanker ship"}},
      {"storage_tank", {"tank", "oil tank", "fuel tank", "storage tank", "oil storage tank"}},
      {"baseball_diamond", {"baseball field", "baseball diamond", "ballpark", "baseball pitch"}},
      {"tennis_court", {"tennis court"}},
      {"basketball_court", {"basketball court"}},
      {"ground_track_field",
       {"running track", "athletics track", "track field", "track and field", "ground track field", "athletics field",
        "race track", "running field", "track"}},
      {"harbor", {"harbour", "port", "dock", "marina", "wharf", "pier", "quay"}},
      {"bridge", {"overpass", "viaduct", "flyover"}},
      {"large_vehicle", {"truck", "lorry", "bus", "trailer", "large vehicle", "big vehicle", "semi truck", "coach"}},
      {"small_vehicle", {"car", "automobile", "van", "sedan", "small vehicle", "vehicle_small", "pickup", "suv"}},
      {"vehicle", {"car", "automobile", "truck", "lorry", "bus", "van", "motor vehicle", "sedan", "suv"}},
      {"helicopter", {"chopper", "heli"}},
      {"roundabout", {"traffic circle", "rotary", "traffic roundabout"}},
      {"soccer_ball_field",
       {"soccer field", "football field", "soccer pitch", "football pitch", "soccer ball field", "pitch"}},
      {"swimming_pool", {"pool", "swimming pool"}},
      {"container_crane", {"crane", "gantry crane", "container crane", "port crane"}},
      {"airport", {"airfield", "aerodrome", "airstrip"}},
      {"helipad", {"heliport", "helicopter pad", "landing pad"}},
      {"crossroad", {"crossroads", "intersection", "road intersection", "four way intersection", "crossing"}},
      {"t_junction", {"t-junction", "tee junction", "t intersection", "three way junction"}},
      {"parking_lot", {"car park", "parking area", "parking", "parking place", "carpark"}},
      {"chimney", {"smokestack", "chimney stack", "stack"}},
      {"dam", {"barrage"}},
      {"expressway_service_area", {"service area", "rest area", "motorway services", "service station"}},
      {"expressway_toll_station", {"toll station", "toll booth", "toll plaza", "toll gate"}},
      {"golf_field", {"golf course", "golf links", "golf field"}},
      {"overpass", {"flyover"}},
      {"stadium", {"arena", "sports stadium"}},
      {"train_station", {"railway station", "railroad station", "train station", "station"}},
      {"windmill", {"wind turbine", "turbine", "wind mill"}},
  };
  return k;
}

struct ClassRow {
  std::string name;
  Words labels;
  Words drop = {};   // shared synonyms this dataset names with another class
  Words extra = {};  // synonyms of this dataset's class only
};

struct GroupRow {
  std::string name;
  Words members;
  Words synonyms;
};

Result<Ontology> Make(const std::string& name, const std::vector<ClassRow>& classes,
                      const std::vector<GroupRow>& groups, bool exclusive = false) {
  nlohmann::json j;
  j["name"] = name;
  if (exclusive) j["exclusive"] = true;
  j["classes"] = nlohmann::json::array();
  for (const auto& c : classes) {
    Words syn = c.extra;
    auto it = SharedSynonyms().find(c.name);
    if (it != SharedSynonyms().end()) {
      for (const auto& s : it->second) {
        if (std::find(c.drop.begin(), c.drop.end(), s) == c.drop.end()) syn.push_back(s);
      }
    }
    j["classes"].push_back({{"name", c.name}, {"labels", c.labels}, {"synonyms", syn}});
  }
  j["groups"] = nlohmann::json::array();
  for (const auto& g : groups) {
    j["groups"].push_back({{"name", g.name}, {"members", g.members}, {"synonyms", g.synonyms}});
  }
  return Ontology::FromJson(j.dump(), "<built-in " + name + ">");
}

Result<Ontology> MakeDota(int version, const std::string& name) {
  std::vector<ClassRow> classes = {{"plane", {"plane"}},
                                   {"ship", {"ship"}},
                                   {"storage_tank", {"storage-tank"}},
                                   {"baseball_diamond", {"baseball-diamond"}},
                                   {"tennis_court", {"tennis-court"}},
                                   {"basketball_court", {"basketball-court"}},
                                   {"ground_track_field", {"ground-track-field"}},
                                   {"harbor", {"harbor"}},
                                   {"bridge", {"bridge"}},
                                   {"large_vehicle", {"large-vehicle"}},
                                   {"small_vehicle", {"small-vehicle"}},
                                   {"helicopter", {"helicopter"}},
                                   {"roundabout", {"roundabout"}},
                                   {"soccer_ball_field", {"soccer-ball-field"}},
                                   {"swimming_pool", {"swimming-pool"}}};
  if (version >= 15) classes.push_back({"container_crane", {"container-crane"}});
  if (version >= 20) {
    classes.push_back({"airport", {"airport"}});
    classes.push_back({"helipad", {"helipad"}});
  }
  return Make(name, classes,
              {{"vehicle", {"small_vehicle", "large_vehicle"}, {"motor vehicle", "car or truck"}},
               {"court", {"tennis_court", "basketball_court"}, {"sports court"}},
               {"sports_field",
                {"baseball_diamond", "soccer_ball_field", "ground_track_field", "tennis_court", "basketball_court"},
                {"sports facility", "playing field", "sports ground"}},
               {"flying_vehicle", {"plane", "helicopter"}, {"flying machine"}}});
}

Result<Ontology> MakeHrrsd() {
  return Make("hrrsd",
              {{"ship", {"ship"}},
               {"bridge", {"bridge"}},
               {"ground_track_field", {"ground track field"}},
               {"storage_tank", {"storage tank"}},
               {"basketball_court", {"basketball court"}},
               {"tennis_court", {"tennis court"}},
               {"plane", {"airplane"}},
               {"baseball_diamond", {"baseball diamond"}},
               {"harbor", {"harbor"}},
               {"vehicle", {"vehicle"}},
               {"crossroad", {"crossroad"}},
               {"t_junction", {"T junction"}},
               {"parking_lot", {"parking lot"}}},
              {{"court", {"tennis_court", "basketball_court"}, {"sports court"}},
               {"sports_field",
                {"baseball_diamond", "ground_track_field", "tennis_court", "basketball_court"},
                {"sports facility", "playing field", "sports ground"}},
               {"junction", {"crossroad", "t_junction"}, {"road junction"}}});
}

Result<Ontology> MakeDior(const std::string& name) {
  return Make(name,
              {{"plane", {"airplane"}},
               {"airport", {"airport"}},
               {"baseball_diamond", {"baseballfield"}},
               {"basketball_court", {"basketballcourt"}},
               {"bridge", {"bridge"}, {"overpass", "flyover"}},
               {"chimney", {"chimney"}},
               {"dam", {"dam"}},
               {"expressway_service_area", {"Expressway-Service-area"}},
               {"expressway_toll_station", {"Expressway-toll-station"}},
               {"golf_field", {"golffield"}},
               {"ground_track_field", {"groundtrackfield"}},
               {"harbor", {"harbor"}},
               {"overpass", {"overpass"}},
               {"ship", {"ship"}},
               {"stadium", {"stadium"}},
               {"storage_tank", {"storagetank"}},
               {"tennis_court", {"tenniscourt"}},
               {"train_station", {"trainstation"}},
               {"vehicle", {"vehicle"}},
               {"windmill", {"windmill"}}},
              {{"court", {"tennis_court", "basketball_court"}, {"sports court"}},
               {"sports_field",
                {"baseball_diamond", "ground_track_field", "tennis_court", "basketball_court", "golf_field", "stadium"},
                {"sports facility", "playing field", "sports ground"}}});
}

Result<Ontology> MakeNwpu() {
  // NWPU VHR-10 ground truth writes the class as a number 1..10; both forms are labels.
  return Make("nwpu-vhr10",
              {{"plane", {"airplane", "1"}},
               {"ship", {"ship", "2"}},
               {"storage_tank", {"storage tank", "3"}},
               {"baseball_diamond", {"baseball diamond", "4"}},
               {"tennis_court", {"tennis court", "5"}},
               {"basketball_court", {"basketball court", "6"}},
               {"ground_track_field", {"ground track field", "7"}},
               {"harbor", {"harbor", "8"}},
               {"bridge", {"bridge", "9"}},
               {"vehicle", {"vehicle", "10"}}},
              {{"court", {"tennis_court", "basketball_court"}, {"sports court"}},
               {"sports_field",
                {"baseball_diamond", "ground_track_field", "tennis_court", "basketball_court"},
                {"sports facility", "playing field", "sports ground"}}});
}

// FloodNet (post-Hurricane-Harvey UAV imagery, semantic segmentation): its nine classes other
// than background, labelled as FloodNet's class table writes them. "flooded" and "dry" qualify
// buildings and roads; the groups name either state.
Result<Ontology> MakeFloodNet() {
  return Make("floodnet",
              {{"flooded_building",
                {"Building-flooded", "building-flooded", "1"},
                {},
                {"flooded building", "inundated building", "submerged building", "flooded house", "building flooded"}},
               {"non_flooded_building",
                {"Building-non-flooded", "building-non-flooded", "2"},
                {},
                {"non-flooded building", "non flooded building", "dry building", "unflooded building", "dry house",
                 "building non-flooded"}},
               {"flooded_road",
                {"Road-flooded", "road-flooded", "3"},
                {},
                {"flooded road", "inundated road", "submerged road", "flooded street", "road flooded"}},
               {"non_flooded_road",
                {"Road-non-flooded", "road-non-flooded", "4"},
                {},
                {"non-flooded road", "non flooded road", "dry road", "unflooded road", "dry street", "passable road",
                 "road non-flooded"}},
               {"water", {"Water", "water", "5"}, {}, {"flood water", "floodwater", "water body", "standing water"}},
               {"tree", {"Tree", "tree", "6"}, {}, {"trees"}},
               {"vehicle", {"Vehicle", "vehicle", "7"}, {"vehicle_small"}},
               {"pool", {"Pool", "pool", "8"}, {}, {"swimming pool"}},
               {"grass", {"Grass", "grass", "9"}, {}, {"lawn", "grassland"}}},
              {{"building", {"flooded_building", "non_flooded_building"}, {"house", "structure"}},
               {"road", {"flooded_road", "non_flooded_road"}, {"street", "roadway"}},
               {"flooded", {"flooded_building", "flooded_road"}, {"flooded area", "inundated area"}}},
              /*exclusive=*/true);  // FloodNet is a segmentation: one class per pixel
}

}  // namespace

std::vector<std::string> Ontology::BuiltInNames() {
  return {"dota-v1.0", "dota-v1.5", "dota-v2.0", "hrrsd", "dior", "nwpu-vhr10", "floodnet"};
}

Result<Ontology> Ontology::BuiltIn(std::string_view name) {
  if (name == "dota-v1.0" || name == "dota1.0" || name == "dota-1.0") return MakeDota(10, "dota-v1.0");
  if (name == "dota-v1.5" || name == "dota1.5" || name == "dota-1.5") return MakeDota(15, "dota-v1.5");
  if (name == "dota-v2.0" || name == "dota2.0" || name == "dota-2.0" || name == "dota") {
    return MakeDota(20, "dota-v2.0");
  }
  if (name == "hrrsd") return MakeHrrsd();
  if (name == "dior" || name == "dior-r") return MakeDior("dior");
  if (name == "floodnet" || name == "flood" || name == "flood-net") return MakeFloodNet();
  if (name == "nwpu-vhr10" || name == "nwpu" || name == "nwpu-vhr-10" || name == "nwpu_vhr10") return MakeNwpu();
  std::string names;
  for (const auto& n : BuiltInNames()) names += (names.empty() ? "" : ", ") + n;
  return Status::NotFound("no built-in ontology named '" + std::string(name) + "' (hint: " + names +
                          ", or a JSON file)");
}

}  // namespace georune
