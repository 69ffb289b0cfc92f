// georune ontology show [NAME]: an ontology's classes (labels, synonyms) and groups; without a
// name, the built-in ontologies. NAME is a built-in name or a JSON file (docs/formats.md), or
// --archive DIR for the archive's own.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/ontology/ontology.h"

namespace georune::cli {
namespace {

struct OntologyArgs {
  std::string name;
  std::string archive;
  std::string format = "text";
};

std::string Joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s.empty() ? "-" : s;
}

void PrintText(const Ontology& o) {
  std::printf("ontology %s: %d classes, %zu groups\n", o.name().c_str(), o.ClassCount(), o.groups().size());
  std::printf("%-26s %-30s %s\n", "class", "labels", "synonyms");
  for (const auto& c : o.classes()) {
    std::printf("%-26s %-30s %s\n", c.name.c_str(), Joined(c.labels).c_str(), Joined(c.synonyms).c_str());
  }
  if (o.groups().empty()) return;
  std::printf("\n%-26s %-30s %s\n", "group", "members", "synonyms");
  for (const auto& g : o.groups()) {
    std::printf("%-26s %-30s %s\n", g.name.c_str(), Joined(g.members).c_str(), Joined(g.synonyms).c_str());
  }
}

int Show(const OntologyArgs& a) {
  if (a.name.empty() && a.archive.empty()) {
    for (const auto& n : Ontology::BuiltInNames()) {
      auto o = Ontology::BuiltIn(n);
      if (!o.ok()) return ReportError(o.status());
      std::printf("%-12s %2d classes  %s\n", n.c_str(), o->ClassCount(), o->classes().front().name.c_str());
    }
    std::printf("(georune ontology show NAME prints one; a JSON file or --archive DIR works too)\n");
    return 0;
  }
  if (!a.name.empty() && !a.archive.empty()) {
    return ReportError(Status::InvalidInput("give an ontology NAME or --archive DIR, not both"));
  }
  std::unique_ptr<Ontology> ont;
  if (!a.archive.empty()) {
    auto opened = Archive::Open(a.archive);
    if (!opened.ok()) return ReportError(opened.status());
    ont = std::make_unique<Ontology>((*opened)->ontology());
  } else {
    auto loaded = Ontology::Load(a.name);
    if (!loaded.ok()) {
      Status s = loaded.status();
      // a name that is neither built in nor a file is the user's mistake
      return ReportError(s.code() == StatusCode::kNotFound ? Status::InvalidInput(s.message()) : s);
    }
    ont = std::make_unique<Ontology>(std::move(loaded).value());
  }
  if (a.format == "json") {
    std::printf("%s\n", ont->ToJson().c_str());
  } else {
    PrintText(*ont);
  }
  return 0;
}

void Setup(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<OntologyArgs>();
  CLI::App* cmd = app.add_subcommand("ontology", "inspect ontologies: georune ontology show [NAME]");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "print an ontology's classes, labels, synonyms and groups");
  show->add_option("name", args->name, "built-in name (dota-v2.0, hrrsd, dior, nwpu-vhr10, ...) or JSON file");
  show->add_option("--archive", args->archive, "show the ontology of this archive");
  show->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([args, &exit_code] { exit_code = Show(*args); });
}

const bool kRegistered = RegisterCommand("ontology", Setup);

}  // namespace
}  // namespace georune::cli
