// georune query: run a logic (or English) query over an archive; ranked, explained results.
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/logic/bound.h"
#include "georune/logic/echo.h"
#include "georune/nl/translator.h"
#include "georune/search/search.h"
#include "translator_options.h"

namespace georune::cli {
namespace {

struct QueryArgs {
  std::string archive;
  std::string logic;
  std::string english;
  bool crisp = false;
  std::string semantics = "product";
  size_t top = 10;
  bool all = false;
  std::string format = "table";
  bool explain = false;
  bool reference = false;
  double default_gsd = std::nan("");
  double min_conf = 0.05;
  double tau = 0.5;
  std::vector<std::string> disable;
  int threads = 0;
  uint64_t image_budget = 50'000'000;
  double query_budget = 30.0;
  TranslatorOptions translator;
  bool list_optimizations = false;
};

nlohmann::ordered_json ToJson(const QueryArgs& a, const std::string& text, const std::string& logic,
                      const std::string& echo, const search::SearchResponse& r, const nl::Translation* translation) {
  nlohmann::ordered_json j;  // keys in the order of formats.md
  j["query"] = text;
  j["logic"] = logic;
  j["echo"] = echo;
  j["semantics"] = a.semantics;
  j["mode"] = a.crisp ? "crisp" : "soft";
  if (translation) {
    j["translation"] = {{"translator", translation->translator},
                        {"agreement", translation->agreement},
                        {"samples", translation->samples}};
  }
  j["results"] = nlohmann::ordered_json::array();
  for (const auto& res : r.results) {
    nlohmann::ordered_json w = nlohmann::ordered_json::object();
    for (const auto& [var, id] : res.witness) w[var] = id;
    nlohmann::ordered_json atoms = nlohmann::ordered_json::array();
    for (const auto& atom : res.atoms) atoms.push_back({{"atom", atom.atom}, {"value", atom.value}});
    j["results"].push_back({{"image", res.image_id}, {"score", res.score}, {"witness", w}, {"atoms", atoms}});
  }
  j["stats"] = {{"images", r.stats.images},
                {"candidates", r.stats.candidates},
                {"evaluated", r.stats.evaluated},
                {"ms", r.stats.ms}};
  if (a.explain) j["plan"] = r.plan;
  return j;
}

void PrintTable(const QueryArgs& a, const std::string& logic, const std::string& echo,
                const search::SearchResponse& r) {
  if (a.explain) std::printf("%s\n", r.plan.c_str());
  std::printf("logic: %s\n", logic.c_str());
  std::printf("echo:  %s\n", echo.c_str());
  std::printf("%-5s %-10s %-24s %s\n", "rank", "score", "image", "witness");
  int rank = 0;
  for (const auto& res : r.results) {
    std::string w;
    for (const auto& [var, id] : res.witness) w += (w.empty() ? "" : " ") + var + "=" + std::to_string(id);
    std::printf("%-5d %-10.6f %-24s %s%s\n", ++rank, res.score, res.image_id.c_str(), w.c_str(),
                res.score >= a.tau ? "" : "   (below tau_ret)");
    if (a.explain) {
      for (const auto& atom : res.atoms) std::printf("      %.6f  %s\n", atom.value, atom.atom.c_str());
    }
  }
  std::printf("%zu result%s; %llu of %llu images were candidates; %.1f ms\n", r.results.size(),
              r.results.size() == 1 ? "" : "s", static_cast<unsigned long long>(r.stats.candidates),
              static_cast<unsigned long long>(r.stats.images), r.stats.ms);
}

int RunQuery(QueryArgs a) {
  if (a.list_optimizations) {
    for (const auto& [name, what] : search::ListOptimizations()) std::printf("%s\t%s\n", name.c_str(), what.c_str());
    return 0;
  }
  if (a.archive.empty()) return ReportError(Status::InvalidInput("--archive DIR is required"));
  if (a.logic.empty() == a.english.empty()) {
    return ReportError(Status::InvalidInput(
        "give either --logic \"FORMULA\" or an English query (hint: georune query --archive DIR \"two planes near a "
        "hangar\")"));
  }
  auto opened = Archive::Open(a.archive);
  if (!opened.ok()) return ReportError(opened.status());
  const Archive& archive = **opened;

  std::unique_ptr<nl::Translation> translation;
  logic::BoundQuery query;
  std::string text;
  if (!a.logic.empty()) {
    text = a.logic;
    auto bound = logic::ParseAndBind(a.logic, archive.ontology());
    if (!bound.ok()) return ReportError(bound.status());
    query = std::move(bound).value();
  } else {
    text = a.english;
    auto translator = a.translator.Build();
    if (!translator.ok()) return ReportError(translator.status());
    auto t = (*translator)->Translate(a.english, archive.ontology());
    if (!t.ok()) return ReportError(t.status());
    translation = std::make_unique<nl::Translation>(std::move(t).value());
    query = std::move(translation->query);
    if (a.format != "json") std::printf("translated (%s): %s\n", translation->translator.c_str(), translation->formula.c_str());
  }

  search::SearchOptions opts;
  if (a.semantics == "product") opts.truth.semantics = reason::Semantics::kProduct;
  else if (a.semantics == "godel") opts.truth.semantics = reason::Semantics::kGodel;
  else opts.truth.semantics = reason::Semantics::kLukasiewicz;
  opts.truth.crisp = a.crisp;
  opts.truth.default_gsd = a.default_gsd;
  opts.truth.min_conf = a.min_conf;
  opts.top_k = a.all ? 0 : a.top;
  opts.reference = a.reference;
  opts.explain = a.explain;
  opts.threads = a.threads;
  opts.image_budget = a.image_budget;
  opts.query_budget_seconds = a.query_budget;
  opts.disabled.insert(a.disable.begin(), a.disable.end());
  auto response = search::Run(archive, query, opts);
  if (!response.ok()) return ReportError(response.status());
  const std::string logic = logic::Print(query);
  const std::string echo = logic::RenderEnglish(query);
  if (a.format == "json") {
    std::printf("%s\n", ToJson(a, text, logic, echo, *response, translation.get()).dump(2).c_str());
  } else {
    PrintTable(a, logic, echo, *response);
  }
  return 0;
}

const bool kRegistered = RegisterCommand("query", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<QueryArgs>();
  CLI::App* cmd = app.add_subcommand("query", "Rank the images of an archive by a logic or English query");
  cmd->add_option("--archive", args->archive, "archive folder (required)");
  cmd->add_option("english", args->english, "an English query (translated to logic first)");
  cmd->add_option("--logic", args->logic, "a formula of the query logic (docs/query-language.md)");
  cmd->add_flag("--crisp", args->crisp, "two-valued truth: every atom is 0 or 1");
  cmd->add_option("--semantics", args->semantics, "product (default), godel or lukasiewicz")
      ->check(CLI::IsMember({"product", "godel", "lukasiewicz"}));
  auto* top = cmd->add_option("--top", args->top, "list the best K images (default 10)")->check(CLI::Range(1, 100000000));
  auto* all = cmd->add_flag("--all", args->all, "list every image with a score above 0");
  top->excludes(all);
  cmd->add_option("--format", args->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--explain", args->explain, "print the bound formula, the plan and each result's atoms");
  cmd->add_flag("--reference", args->reference, "use the plain nested-loop reference evaluator");
  cmd->add_option("--default-gsd", args->default_gsd, "metres per pixel for images without gsd")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-conf", args->min_conf, "ignore entities below this confidence (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--tau", args->tau, "retrieval threshold tau_ret marked in the table (default 0.5)");
  cmd->add_option("--disable", args->disable, "switch an optimisation off (repeatable; see --list-optimizations)");
  cmd->add_flag("--list-optimizations", args->list_optimizations, "print the optimisations' names and exit");
  cmd->add_option("--threads", args->threads, "worker threads (default: all cores)");
  cmd->add_option("--image-budget", args->image_budget, "assignments tried per image before 'too complex'");
  cmd->add_option("--query-budget", args->query_budget, "seconds per query before 'too complex' (default 30)");
  args->translator.AddTo(cmd);
  cmd->callback([args, &exit_code]() { exit_code = RunQuery(*args); });
});

}  // namespace
}  // namespace georune::cli
