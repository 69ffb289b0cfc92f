// The ontology: the classes a detector emits and the words people use for them.
//
// Every class has a canonical snake_case name (`small_vehicle`), the dataset's own labels
// (`small-vehicle`), and synonyms (`car`, `automobile`). Plurals of names and synonyms are
// accepted automatically (`cars`, `buses`, `ferries`). A group names a set of classes
// (`vehicle` = small_vehicle ∪ large_vehicle) and has synonyms of its own.
//
// Words are matched after normalisation: lower case, and runs of spaces or hyphens become one
// underscore, so "Small-Vehicle", "small vehicle" and "small_vehicle" are the same word.
// Class ids are dense, 0..ClassCount()-1, in declaration order. An Ontology is immutable once
// built and safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/status.h"

namespace georune {

struct OntologyClass {
  std::string name;                   // canonical snake_case
  std::vector<std::string> labels;    // source labels as written in data files
  std::vector<std::string> synonyms;  // everyday words (singular)
};

struct OntologyGroup {
  std::string name;
  std::vector<std::string> members;  // canonical class names
  std::vector<std::string> synonyms;
};

// What a word denotes: one class, or a group of classes.
struct ClassSet {
  std::string name;  // canonical class or group name
  bool is_group = false;
  std::vector<int> class_ids;  // sorted; one id for a class
};

class Ontology {
 public:
  // Built-in ontologies: "dota-v1.0", "dota-v1.5", "dota-v2.0" (the default), "hrrsd", "dior"
  // (also "dior-r"), "nwpu-vhr10" (also "nwpu"), "floodnet" (also "flood"). kNotFound otherwise.
  static Result<Ontology> BuiltIn(std::string_view name);
  static std::vector<std::string> BuiltInNames();
  static const Ontology& Default();  // dota-v2.0
  // Parses the JSON form (docs/formats.md); `source` names the file in diagnostics.
  static Result<Ontology> FromJson(std::string_view json_text, std::string_view source);
  // A built-in name, or the path of a JSON file.
  static Result<Ontology> Load(const std::string& name_or_path);
  std::string ToJson() const;

  const std::string& name() const { return name_; }
  int ClassCount() const { return static_cast<int>(classes_.size()); }
  const OntologyClass& Class(int id) const { return classes_[id]; }
  const std::vector<OntologyClass>& classes() const { return classes_; }
  const std::vector<OntologyGroup>& groups() const { return groups_; }
  // Whether the classes are exclusive, as a segmentation's are (each pixel has one class; the
  // built-in floodnet, or "exclusive": true in JSON): entities of different classes never
  // overlap, so `on` between them never holds and English "on" means touching
  // (docs/translation.md, "Segmentation ontologies").
  bool exclusive() const { return exclusive_; }

  // The class for a data-file label or any word naming exactly one class; nullopt if none.
  std::optional<int> FindClass(std::string_view word) const;
  // The class or group a word names (class names, labels, synonyms, plurals, group words).
  std::optional<ClassSet> Resolve(std::string_view word) const;
  // Every surface word (normalised) the ontology knows, for the English translator.
  std::vector<std::string> Vocabulary() const;
  // Canonical names of classes with a word that is a spelling neighbour of `word` (edit
  // distance 1 for words of up to four letters, 2 beyond), nearest first, for hints.
  std::vector<std::string> Suggest(std::string_view word, size_t max = 3) const;

  static std::string Normalize(std::string_view word);
  // English plural forms of a normalised word: "car" -> {"cars"}, "bus" -> {"buses"},
  // "ferry" -> {"ferries"}, "tennis_court" -> {"tennis_courts"}.
  static std::vector<std::string> Plurals(const std::string& word);

 private:
  Status Build();  // indexes words; fails on a word that names two things

  std::string name_;
  std::vector<OntologyClass> classes_;
  std::vector<OntologyGroup> groups_;
  std::unordered_map<std::string, ClassSet> words_;
  bool exclusive_ = false;
};

}  // namespace georune
