// georune generate: synthetic archives of scenes (DOTA labelTxt folder or JSON Lines).
#include <cstdio>
#include <memory>
#include <string>

#include "command.h"
#include "flood_commands.h"
#include "georune/eval/scene_generator.h"
#include "georune/ontology/ontology.h"

namespace georune::cli {
namespace {

struct GenerateArgs {
  uint64_t images = 1000;
  uint64_t seed = 1;
  std::string out;
  std::string format = "dota";
  std::string classes = "dota-v2.0";
  std::string prefix = "G";
  double empty_fraction = 0.04;
  double no_gsd_fraction = 0.05;
  int threads = 0;
  bool quiet = false;
  bool dense = false;
  bool flood = false;
  bool classes_given = false, prefix_given = false;
};

int RunGenerate(const GenerateArgs& a) {
  if (a.flood) {
    if (a.dense || a.format != "dota")
      return ReportError(
          Status::InvalidInput("--flood writes one GeoJSON file per scene: --dense and --format do not apply"));
#ifdef GEORUNE_RAG_DISPATCH
    return RunRag(MainArgc(), MainArgv());  // class rasters: OpenCV and GDAL live in georune-rag
#else
    return RunFloodGenerate({a.images, a.seed, a.out, a.classes_given ? a.classes : "", a.prefix_given ? a.prefix : "",
                             a.threads, a.quiet});
#endif
  }
  auto ontology = Ontology::Load(a.classes);
  if (!ontology.ok()) return ReportError(ontology.status());
  eval::GeneratorOptions options;
  options.seed = a.seed;
  options.id_prefix = a.prefix;
  options.empty_fraction = a.empty_fraction;
  options.no_gsd_fraction = a.no_gsd_fraction;
  options.dense = a.dense;
  const auto format = a.format == "jsonl" ? eval::GeneratedFormat::kJsonLines : eval::GeneratedFormat::kDotaLabelTxt;
  auto report = eval::GenerateArchiveFiles(*ontology, options, a.images, a.out, format, a.threads, !a.quiet);
  if (!report.ok()) return ReportError(report.status());
  if (!a.quiet)
    std::fprintf(stderr, "generated %llu images, %llu objects (%.2f per image) in %.2f s\n",
                 static_cast<unsigned long long>(report->images), static_cast<unsigned long long>(report->entities),
                 report->images ? static_cast<double>(report->entities) / report->images : 0.0, report->seconds);
  return 0;
}

const bool kRegistered = RegisterCommand("generate", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Generate a synthetic archive of scenes (deterministic for a seed)");
  cmd->add_option("--images", args->images, "number of images")->required();
  cmd->add_option("--seed", args->seed, "random seed (same seed, same bytes)");
  cmd->add_option("--out", args->out, "output: labelTxt folder (dota) or .jsonl file / folder (jsonl)")->required();
  cmd->add_option("--format", args->format, "dota (labelTxt folder) or jsonl")->check(CLI::IsMember({"dota", "jsonl"}));
  cmd->add_option("--classes", args->classes, "ontology: built-in name or JSON file");
  cmd->add_option("--id-prefix", args->prefix, "image id prefix (ids are PREFIX0000001, …)");
  cmd->add_option("--empty-fraction", args->empty_fraction, "fraction of empty images")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--no-gsd-fraction", args->no_gsd_fraction, "fraction of images written without gsd")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--threads", args->threads, "worker threads (0 = all cores)");
  cmd->add_flag("--dense", args->dense,
                "dense scenes: parking lots, streets, tank farms, ports, aprons (40-900 objects each)");
  cmd->add_flag("--flood", args->flood,
                "synthetic post-flood scenes in FloodNet's classes instead: <id>.geojson polygons in pixel "
                "coordinates (ontology floodnet, ids F0000001…)");
  cmd->add_flag("--quiet", args->quiet, "no progress or summary on standard error");
  cmd->callback([args, cmd, &exit_code] {
    args->classes_given = cmd->count("--classes") > 0;
    args->prefix_given = cmd->count("--id-prefix") > 0;
    exit_code = RunGenerate(*args);
  });
});

}  // namespace
}  // namespace georune::cli
