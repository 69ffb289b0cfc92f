#include "georune/detect/classes.h"
#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/common/text.h"

#include <filesystem>
#include <set>
#include <sstream>

namespace georune::detect {
namespace {}  // namespace

Result<std::vector<std::string>> NamesFromMetadata(const std::string& text) {
  std::vector<std::string> names;
  size_t pos = 0;
  const bool dict = TrimAsciiSpace(text).starts_with("{");
  for (;;) {
    const size_t q = text.find_first_of("'\"", pos);
    if (q == std::string::npos) break;
    const size_t end = text.find(text[q], q + 1);
    if (end == std::string::npos) break;
    size_t index = names.size();
    if (dict) {  // the key before the quote: "<int>:"
      const size_t colon = text.rfind(':', q);
      const size_t start = text.find_last_of("{,", colon);
      if (colon == std::string::npos || start == std::string::npos)
        return Status::InvalidInput("cannot read the model's class names: " + text);
      try {
        index = std::stoul(std::string(TrimAsciiSpace(text.substr(start + 1, colon - start - 1))));
      } catch (...) {
        return Status::InvalidInput("cannot read the model's class names: " + text);
      }
      if (index > 100000) return Status::InvalidInput("cannot read the model's class names: " + text);
    }
    if (index >= names.size()) names.resize(index + 1);
    names[index] = text.substr(q + 1, end - q - 1);
    pos = end + 1;
  }
  if (names.empty()) return Status::InvalidInput("the model's `names` metadata lists no class: " + text);
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i].empty())
      return Status::InvalidInput("the model's `names` metadata has no name for class " + std::to_string(i));
  return names;
}

Result<std::map<std::string, std::string>> ParseClassMap(const std::string& spec) {
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(spec, ec);
  std::string text = spec;
  char sep = ',';
  if (is_file) {
    // Read whole: a class map is a few lines; a file over 1 MiB is refused as the wrong file.
    GEORUNE_ASSIGN_OR_RETURN(text, ReadFile(spec, uint64_t{1} << 20));
    sep = '\n';
  }
  std::map<std::string, std::string> map;
  std::stringstream items(text);
  std::string item;
  int line = 0;
  while (std::getline(items, item, sep)) {
    ++line;
    item = std::string(TrimAsciiSpace(item));
    if (item.empty() || item.front() == '#') continue;
    const size_t eq = item.find('=');
    const std::string where = is_file ? spec + ":" + std::to_string(line) : "class map item " + std::to_string(line);
    const std::string_view whole = item;
    const std::string name(eq == std::string::npos ? "" : TrimAsciiSpace(whole.substr(0, eq)));
    const std::string target(eq == std::string::npos ? "" : TrimAsciiSpace(whole.substr(eq + 1)));
    if (name.empty() || target.empty())
      return PlainDiagnostic(where + ": expected model_name=ontology_class, got '" + item + "'",
                             "e.g. aeroplane=plane,boat=ship (a target '-' drops the class)")
          .With(Setting::kClassMap)
          .ToStatus();
    if (!map.emplace(name, target).second) return Status::InvalidInput(where + ": '" + name + "' is mapped twice");
  }
  return map;
}

Result<ClassResolution> ResolveClasses(const std::vector<std::string>& names,
                                       const std::map<std::string, std::string>& class_map, const Ontology& ontology,
                                       bool drop_unmapped) {
  std::set<std::string> known(names.begin(), names.end());
  for (const auto& [from, to] : class_map)
    if (!known.count(from))
      return PlainDiagnostic("the class map names '" + from + "', which is not a class of the model",
                             "the model's classes come from its metadata or its class-name file")
          .With(Setting::kClassNames)
          .ToStatus();
  ClassResolution r;
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    auto it = class_map.find(name);
    const bool unmapped_unknown = it == class_map.end() && !ontology.FindClass(name);
    if ((it != class_map.end() && it->second == "-") || (unmapped_unknown && drop_unmapped)) {
      r.ontology_id.push_back(-1);
      r.dropped.push_back(name);
      continue;
    }
    const std::string target = it != class_map.end() ? it->second : name;
    std::optional<int> id = ontology.FindClass(target);
    if (!id) {
      unknown.push_back(target == name ? "'" + name + "'" : "'" + target + "' (from '" + name + "')");
      r.ontology_id.push_back(-1);
      continue;
    }
    r.ontology_id.push_back(*id);
  }
  if (!unknown.empty()) {
    std::string list;
    for (size_t i = 0; i < unknown.size() && i < 8; ++i) list += (i ? ", " : "") + unknown[i];
    if (unknown.size() > 8) list += " and " + std::to_string(unknown.size() - 8) + " more";
    return PlainDiagnostic("the ontology '" + ontology.name() + "' has no class " + list,
                           "map model classes to the ontology's with a class map (name=class; name=- drops "
                           "one), or drop the classes the ontology does not know")
        .With(Setting::kClassMap)
        .With(Setting::kDropUnmapped)
        .ToStatus();
  }
  return r;
}

}  // namespace georune::detect
