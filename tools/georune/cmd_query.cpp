// georune query: run a logic (or English) query over an archive; ranked, explained results.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "command.h"
#include "georune/archive/archive.h"
#ifndef GEORUNE_RAG_DISPATCH
#include "georune/geo/export.h"  // georune-rag: GIS exports need GDAL, whose loading would slow every query
#include "georune/geo/result_features.h"
#endif
#include "georune/logic/bound.h"
#include "georune/nl/translator.h"
#include "georune/search/search.h"
#include "georune/service/query.h"
#include "translator_options.h"

namespace georune::cli {
namespace {

// --query-budget counts from the start of the process: its exec as the kernel recorded it
// (/proc/self/stat, in clock ticks since boot), so that loading the program and its libraries
// counts too; static initialisation where that cannot be read.
std::chrono::steady_clock::time_point ProcessStart() {
  const auto now = std::chrono::steady_clock::now();
  std::ifstream stat_file("/proc/self/stat"), uptime_file("/proc/uptime");
  std::string stat;
  double uptime = -1;
  std::getline(stat_file, stat);
  uptime_file >> uptime;
  const size_t paren = stat.rfind(')');  // the command name may hold spaces and parentheses
  const long ticks = sysconf(_SC_CLK_TCK);
  if (paren == std::string::npos || !(uptime >= 0) || ticks <= 0) return now;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  for (int f = 3; f <= 22 && fields >> field; ++f) {  // field 22: starttime
    if (f < 22) continue;
    const double age = uptime - std::strtod(field.c_str(), nullptr) / static_cast<double>(ticks);
    if (!(age >= 0 && age < 60)) return now;
    return now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(age));
  }
  return now;
}
const auto kProcessStart = ProcessStart();

struct QueryArgs {
  std::string archive;
  service::QueryRequest request;
  std::vector<std::string> disable;
  std::string format = "table";
  std::string out;            // export file (geojson, csv, gpkg, fgb)
  bool pixel_coords = false;  // export pixel coordinates even for georeferenced images
  bool footprints = false;    // export one feature per result image
  double tau = 0.5;
  TranslatorOptions translator;
  bool list_optimizations = false;
};

void PrintTable(const QueryArgs& a, const service::QueryAnswer& answer) {
  const auto& r = answer.response;
  if (answer.explain) std::printf("%s\n", r.plan.c_str());
  std::printf("logic: %s\n", answer.logic.c_str());
  std::printf("echo:  %s\n", answer.echo.c_str());
  std::printf("%-5s %-10s %-24s %s\n", "rank", "score", "image", "witness");
  size_t rank = a.request.all ? 0 : a.request.offset;
  for (const auto& res : r.results) {
    std::string w;
    for (const auto& [var, id] : res.witness) w += (w.empty() ? "" : " ") + var + "=" + std::to_string(id);
    std::printf("%-5zu %-10.6f %-24s %s%s\n", ++rank, res.score, res.image_id.c_str(), w.c_str(),
                res.score >= a.tau ? "" : "   (below tau_ret)");
    if (answer.explain) {
      for (const auto& atom : res.atoms) std::printf("      %.6f  %s\n", atom.value, atom.atom.c_str());
    }
  }
  std::printf("%zu result%s; %llu of %llu images were candidates; %.1f ms\n", r.results.size(),
              r.results.size() == 1 ? "" : "s", static_cast<unsigned long long>(r.stats.candidates),
              static_cast<unsigned long long>(r.stats.images), r.stats.ms);
}

bool IsExport(const std::string& format) {
  return format != "json" && format != "jsonl" && format != "ids" && format != "table";
}

// The end of a streamed answer: flushes the rows, then one line on standard error:
// {"stats": {…, "ms": search, "output_ms": since `start`}} (and "plan" with --explain).
int EndStream(const service::QueryAnswer& answer, std::chrono::steady_clock::time_point start) {
  if (std::fflush(stdout) != 0)
    return ReportError(
        Status::IoError("could not write the results to standard output (hint: is the disk or pipe full?)"));
  nlohmann::ordered_json stats = service::QueryStatsJson(answer.response.stats);
  stats["output_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  nlohmann::ordered_json summary = {{"stats", stats}};
  if (answer.explain) summary["plan"] = answer.response.plan;
  std::fprintf(stderr, "%s\n", summary.dump().c_str());
  return 0;
}

// --format jsonl: one result object per line (the keys of json's results), each explained as it
// is written, so that a large answer is never held whole; then one line on standard error:
// {"stats": {…, "ms": search, "output_ms": explaining and writing the rows}} (and "plan" with --explain).
int StreamJsonLines(const Archive& archive, service::QueryAnswer& answer) {
  const auto start = std::chrono::steady_clock::now();
  service::RowExplainer rows(archive, answer);
  for (auto& res : answer.response.results) {
    auto image = rows.Explain(&res);
    if (!image.ok()) return ReportError(image.status());
    const std::string line = service::QueryResultJson(res, *image).dump();
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    res = search::ImageResult{};  // written: release it
  }
  return EndStream(answer, start);
}

// --format ids: "IMAGE_ID<TAB>SCORE" per result, ranked, and the stats line of jsonl on standard
// error. Nothing is explained, so a class-only formula reads no entity block at all.
int WriteIds(const service::QueryAnswer& answer) {
  const auto start = std::chrono::steady_clock::now();
  for (const auto& res : answer.response.results) std::printf("%s\t%.17g\n", res.image_id.c_str(), res.score);
  return EndStream(answer, start);
}

#ifndef GEORUNE_RAG_DISPATCH
// The answer as a GIS file through OGR (geo/export.h).
int ExportAnswer(const QueryArgs& a, const Archive& archive, const service::QueryAnswer& answer) {
  auto format = geo::ParseExportFormat(a.format);
  if (!format.ok()) return ReportError(format.status());
  const int first_rank = a.request.all ? 1 : static_cast<int>(a.request.offset) + 1;
  auto features = geo::ResultFeatures(answer, a.footprints, first_rank);
  if (!features.ok()) return ReportError(features.status());
  Status written =
      geo::WriteFeatures(a.out, *features, geo::ResultGeoreferences(archive, answer), {*format, a.pixel_coords});
  return written.ok() ? 0 : ReportError(written);
}
#endif

int RunQuery(QueryArgs a) {
#ifdef GEORUNE_RAG_DISPATCH
  if (IsExport(a.format)) return RunRag(MainArgc(), MainArgv());  // GDAL lives in georune-rag
#endif
  if (a.list_optimizations) {
    for (const auto& [name, what] : search::ListOptimizations()) std::printf("%s\t%s\n", name.c_str(), what.c_str());
    return 0;
  }
  if (a.archive.empty()) return ReportError(Status::InvalidInput("--archive DIR is required"));
  if (a.request.logic.empty() == a.request.english.empty()) {
    return ReportError(Status::InvalidInput(
        "give either --logic \"FORMULA\" or an English query (hint: georune query --archive DIR \"two planes near a "
        "hangar\")"));
  }
  auto opened = Archive::Open(a.archive);
  if (!opened.ok()) return ReportError(opened.status());
  std::unique_ptr<nl::Translator> translator;
  if (!a.request.english.empty()) {
    auto built = a.translator.Build();
    if (!built.ok()) return ReportError(built.status());
    translator = std::move(built).value();
  }
  a.request.disabled.insert(a.disable.begin(), a.disable.end());
  a.request.budget_start = kProcessStart;
  a.request.explain_rows = a.format != "jsonl" && a.format != "ids";
  if (a.request.explain && a.format == "table") {
    a.request.on_plan = [](const std::string& plan) {
      std::printf("%s\n", plan.c_str());
      std::fflush(stdout);
    };
  }
  auto answer = service::AnswerQuery(**opened, a.request, translator.get());
  if (!answer.ok()) return ReportError(answer.status());
#ifndef GEORUNE_RAG_DISPATCH
  if (IsExport(a.format)) return ExportAnswer(a, **opened, *answer);
#endif
  if (a.format == "jsonl") return StreamJsonLines(**opened, *answer);
  if (a.format == "ids") return WriteIds(*answer);
  if (a.format == "json") {
    std::printf("%s\n", service::QueryAnswerJson(*answer).dump(2).c_str());
    return 0;
  }
  if (answer->translation)
    std::printf("translated (%s): %s\n", answer->translation->translator.c_str(), answer->logic.c_str());
  PrintTable(a, *answer);
  return 0;
}

const bool kRegistered = RegisterCommand("query", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<QueryArgs>();
  CLI::App* cmd = app.add_subcommand("query", "Rank the images of an archive by a logic or English query");
  cmd->add_option("--archive", args->archive, "archive folder (required)");
  cmd->add_option("english", args->request.english, "an English query (translated to logic first)");
  cmd->add_option("--logic", args->request.logic, "a formula of the query logic (docs/query-language.md)");
  cmd->add_flag("--crisp", args->request.crisp, "two-valued truth: every atom is 0 or 1");
  cmd->add_option("--semantics", args->request.semantics, "product (default), godel or lukasiewicz")
      ->check(CLI::IsMember({"product", "godel", "lukasiewicz"}));
  auto* top = cmd->add_option("--top", args->request.top, "list the best K images (default 10)")
                  ->check(CLI::Range(1, 100000000));
  cmd->add_option("--offset", args->request.offset, "skip the first N results (pagination with --top)");
  auto* all = cmd->add_flag("--all", args->request.all, "list every image with a score above 0");
  top->excludes(all);
  cmd->add_option("--format", args->format,
                  "table (default), json, jsonl (one result per line, streamed), ids (id and score per line, nothing "
                  "explained), or an export: geojson, csv, gpkg, fgb")
      ->check(CLI::IsMember({"table", "json", "jsonl", "ids", "geojson", "csv", "gpkg", "fgb"}));
  cmd->add_option("--out", args->out, "export file (standard output for geojson and csv when absent)");
  cmd->add_flag("--pixel-coords", args->pixel_coords, "export pixel coordinates, marked in the properties");
  cmd->add_flag("--footprints", args->footprints, "export one feature per result image instead of per entity");
  cmd->add_flag("--explain", args->request.explain, "print the bound formula, the plan and each result's atoms");
  cmd->add_flag("--reference", args->request.reference, "use the plain nested-loop reference evaluator");
  cmd->add_option("--default-gsd", args->request.default_gsd, "metres per pixel for images without gsd")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-conf", args->request.min_conf, "ignore entities below this confidence (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--tau", args->tau, "retrieval threshold tau_ret marked in the table (default 0.5)");
  cmd->add_option("--disable", args->disable, "switch an optimisation off (repeatable; see --list-optimizations)");
  cmd->add_flag("--list-optimizations", args->list_optimizations, "print the optimisations' names and exit");
  cmd->add_option("--threads", args->request.threads, "worker threads (default: all cores)");
  cmd->add_option("--image-budget", args->request.image_budget, "assignments tried per image before 'too complex'");
  cmd->add_option("--query-budget", args->request.query_budget_seconds,
                  "seconds per query before 'too complex' (default 30)");
  args->translator.AddTo(cmd);
  cmd->callback([args, &exit_code]() { exit_code = RunQuery(*args); });
});

}  // namespace
}  // namespace georune::cli
