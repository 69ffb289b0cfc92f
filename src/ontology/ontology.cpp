#include "georune/ontology/ontology.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "georune/common/files.h"
#include "georune/common/text.h"

namespace georune {
namespace {

bool IsSnakeCase(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace

std::string Ontology::Normalize(std::string_view word) {
  std::string out;
  bool pending_sep = false;
  for (char ch : word) {
    if (ch == ' ' || ch == '-' || ch == '_' || ch == '\t') {
      pending_sep = !out.empty();
      continue;
    }
    if (pending_sep) out += '_';
    pending_sep = false;
    out += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  }
  return out;
}

std::vector<std::string> Ontology::Plurals(const std::string& word) {
  if (word.empty()) return {};
  auto ends = [&](std::string_view s) {
    return word.size() >= s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0;
  };
  std::vector<std::string> out;
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) {
    out.push_back(word + "es");
  } else if (ends("y") && word.size() >= 2 &&
             std::string_view("aeiou").find(word[word.size() - 2]) == std::string_view::npos) {
    out.push_back(word.substr(0, word.size() - 1) + "ies");
  } else {
    out.push_back(word + "s");
  }
  if (ends("ch") && word.size() > 5) out.push_back(word + "s");  // "coach" → "coaches" only
  if (ends("man")) out.push_back(word.substr(0, word.size() - 3) + "men");
  return out;
}

Status Ontology::Build() {
  words_.clear();
  std::unordered_map<std::string, int> class_by_name;
  for (size_t i = 0; i < classes_.size(); ++i) class_by_name[classes_[i].name] = static_cast<int>(i);

  // A word may name one thing; a plural form yields to an explicit word of the same spelling.
  std::unordered_map<std::string, bool> explicit_word;
  auto add = [&](const std::string& raw, const ClassSet& set, bool is_plural) -> Status {
    std::string w = Normalize(raw);
    if (w.empty()) return Status::Ok();
    auto it = words_.find(w);
    if (it != words_.end()) {
      if (it->second.name == set.name) return Status::Ok();
      if (is_plural) return Status::Ok();
      if (!explicit_word[w]) {
        it->second = set;
        explicit_word[w] = true;
        return Status::Ok();
      }
      return Status::InvalidInput("ontology " + name_ + ": the word '" + raw + "' names both '" + it->second.name +
                                  "' and '" + set.name + "'");
    }
    words_[w] = set;
    explicit_word[w] = !is_plural;
    return Status::Ok();
  };
  auto add_with_plurals = [&](const std::string& raw, const ClassSet& set) -> Status {
    GEORUNE_RETURN_IF_ERROR(add(raw, set, false));
    for (const auto& p : Plurals(Normalize(raw))) GEORUNE_RETURN_IF_ERROR(add(p, set, true));
    return Status::Ok();
  };

  for (size_t i = 0; i < classes_.size(); ++i) {
    ClassSet set{classes_[i].name, false, {static_cast<int>(i)}};
    GEORUNE_RETURN_IF_ERROR(add_with_plurals(classes_[i].name, set));
    for (const auto& l : classes_[i].labels) GEORUNE_RETURN_IF_ERROR(add(l, set, false));
  }
  for (const auto& g : groups_) {
    ClassSet set{g.name, true, {}};
    for (const auto& m : g.members) {
      auto it = class_by_name.find(m);
      if (it == class_by_name.end()) {
        return Status::InvalidInput("ontology " + name_ + ": group '" + g.name + "' names an unknown class '" + m +
                                    "'");
      }
      set.class_ids.push_back(it->second);
    }
    std::sort(set.class_ids.begin(), set.class_ids.end());
    set.class_ids.erase(std::unique(set.class_ids.begin(), set.class_ids.end()), set.class_ids.end());
    if (class_by_name.count(g.name)) {
      return Status::InvalidInput("ontology " + name_ + ": group '" + g.name + "' has the name of a class");
    }
    GEORUNE_RETURN_IF_ERROR(add_with_plurals(g.name, set));
  }
  // Synonyms last: a synonym may shadow only an automatic plural, never another entry's word.
  for (size_t i = 0; i < classes_.size(); ++i) {
    ClassSet set{classes_[i].name, false, {static_cast<int>(i)}};
    for (const auto& s : classes_[i].synonyms) {
      GEORUNE_RETURN_IF_ERROR(add_with_plurals(s, set));
    }
  }
  for (const auto& g : groups_) {
    for (const auto& s : g.synonyms) GEORUNE_RETURN_IF_ERROR(add_with_plurals(s, words_.at(Normalize(g.name))));
  }
  return Status::Ok();
}

Result<Ontology> Ontology::FromJson(std::string_view text, std::string_view source) {
  const std::string src(source);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidInput(
        src + ": not valid JSON (hint: an ontology is an object with \"classes\" and optional \"groups\")");
  }
  auto bad = [&](const std::string& what) {
    return Status::InvalidInput(src + ": " + what + " (hint: see docs/formats.md, section Ontology)");
  };
  if (!j.is_object() || !j.contains("classes") || !j["classes"].is_array() || j["classes"].empty()) {
    return bad("expected an object with a non-empty \"classes\" array");
  }
  auto strings = [&](const nlohmann::json& obj, const char* key, std::vector<std::string>& out) -> Status {
    if (!obj.contains(key)) return Status::Ok();
    if (!obj[key].is_array()) return bad(std::string("\"") + key + "\" must be an array of strings");
    for (const auto& v : obj[key]) {
      if (!v.is_string()) return bad(std::string("\"") + key + "\" must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return Status::Ok();
  };
  Ontology o;
  o.name_ = j.value("name", std::filesystem::path(src).stem().string());
  if (j.contains("exclusive")) {
    if (!j["exclusive"].is_boolean()) return bad("\"exclusive\" must be true or false");
    o.exclusive_ = j["exclusive"].get<bool>();
  }
  for (size_t i = 0; i < j["classes"].size(); ++i) {
    const auto& c = j["classes"][i];
    OntologyClass cls;
    if (c.is_string()) {
      cls.name = c.get<std::string>();
    } else if (c.is_object() && c.contains("name") && c["name"].is_string()) {
      cls.name = c["name"].get<std::string>();
      GEORUNE_RETURN_IF_ERROR(strings(c, "labels", cls.labels));
      GEORUNE_RETURN_IF_ERROR(strings(c, "synonyms", cls.synonyms));
    } else {
      return bad("classes[" + std::to_string(i) + "] must be a name or an object with \"name\"");
    }
    if (!IsSnakeCase(cls.name)) {
      return bad("class name '" + cls.name + "' is not snake_case (lower-case letters, digits, '_')");
    }
    if (cls.labels.empty()) cls.labels.push_back(cls.name);
    o.classes_.push_back(std::move(cls));
  }
  if (j.contains("groups")) {
    if (!j["groups"].is_array()) return bad("\"groups\" must be an array");
    for (size_t i = 0; i < j["groups"].size(); ++i) {
      const auto& g = j["groups"][i];
      if (!g.is_object() || !g.contains("name") || !g["name"].is_string()) {
        return bad("groups[" + std::to_string(i) + "] must be an object with \"name\" and \"members\"");
      }
      OntologyGroup grp;
      grp.name = g["name"].get<std::string>();
      if (!IsSnakeCase(grp.name)) return bad("group name '" + grp.name + "' is not snake_case");
      GEORUNE_RETURN_IF_ERROR(strings(g, "members", grp.members));
      GEORUNE_RETURN_IF_ERROR(strings(g, "synonyms", grp.synonyms));
      if (grp.members.empty()) return bad("group '" + grp.name + "' has no members");
      o.groups_.push_back(std::move(grp));
    }
  }
  GEORUNE_RETURN_IF_ERROR(o.Build());
  return o;
}

std::string Ontology::ToJson() const {
  nlohmann::json j;
  j["name"] = name_;
  j["classes"] = nlohmann::json::array();
  for (const auto& c : classes_) {
    j["classes"].push_back({{"name", c.name}, {"labels", c.labels}, {"synonyms", c.synonyms}});
  }
  if (exclusive_) j["exclusive"] = true;
  j["groups"] = nlohmann::json::array();
  for (const auto& g : groups_) {
    j["groups"].push_back({{"name", g.name}, {"members", g.members}, {"synonyms", g.synonyms}});
  }
  return j.dump(2);
}

const Ontology& Ontology::Default() {
  static const Ontology kDefault = std::move(BuiltIn("dota-v2.0")).value();
  return kDefault;
}

// An ontology file is read whole; one larger than this is refused (kInvalidInput naming the
// file and the limit). The largest built-in ontology's JSON is a few KiB.
constexpr uint64_t kMaxOntologyFileBytes = uint64_t{16} << 20;

Result<Ontology> Ontology::Load(const std::string& name_or_path) {
  auto built_in = BuiltIn(name_or_path);
  if (built_in.ok()) return built_in;
  if (!std::filesystem::exists(name_or_path)) {
    return Status::NotFound(
        "ontology '" + name_or_path +
        "' is neither a file nor a built-in name (hint: `georune ontology show` lists the built-in ones)");
  }
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(name_or_path, kMaxOntologyFileBytes));
  return FromJson(text, name_or_path);
}

std::optional<int> Ontology::FindClass(std::string_view word) const {
  auto it = words_.find(Normalize(word));
  if (it == words_.end() || it->second.is_group) return std::nullopt;
  return it->second.class_ids.front();
}

std::optional<ClassSet> Ontology::Resolve(std::string_view word) const {
  auto it = words_.find(Normalize(word));
  if (it == words_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Ontology::Vocabulary() const {
  std::vector<std::string> out;
  out.reserve(words_.size());
  for (const auto& [w, _] : words_) out.push_back(w);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Ontology::Suggest(std::string_view word, size_t max) const {
  const std::string w = Normalize(word);
  std::vector<std::pair<size_t, std::string>> scored;
  const size_t within = w.size() <= 4 ? 1u : 2u;  // spelling neighbours only
  for (const auto& [surface, set] : words_) {
    const size_t d = EditDistanceAtMost(w, surface, within);
    if (d <= within) scored.emplace_back(d, set.name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& [d, name] : scored) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    if (out.size() >= max) break;
  }
  return out;
}

}  // namespace georune
