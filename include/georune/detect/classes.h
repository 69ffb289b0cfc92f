// Model class names and their mapping onto the archive's ontology.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::detect {

// Names from the ultralytics `names` metadata value, a Python dict `{0: 'plane', 1: 'ship'}`
// (or a list `['plane', 'ship']`). kInvalidInput if it cannot be read.
Result<std::vector<std::string>> NamesFromMetadata(const std::string& text);

// `--class-map`: a file of lines `model_name=ontology_class` (or the same inline, comma
// separated: `aeroplane=plane,boat=ship`). A target `-` drops that model class explicitly.
Result<std::map<std::string, std::string>> ParseClassMap(const std::string& spec);

struct ClassResolution {
  std::vector<int> ontology_id;      // per model class: ontology class id, -1 = dropped
  std::vector<std::string> dropped;  // model classes dropped (explicitly)
};

// Resolves every model class name (through `class_map` first) in `ontology`. A name the
// ontology does not know is an error naming it, unless the map drops it (`name=-`) or
// `drop_unmapped` is set and the name is not in the map (the caller reports `dropped`). A map entry naming no model
// class is an error too (a typo would otherwise go unnoticed).
Result<ClassResolution> ResolveClasses(const std::vector<std::string>& names,
                                       const std::map<std::string, std::string>& class_map, const Ontology& ontology,
                                       bool drop_unmapped);

}  // namespace georune::detect
