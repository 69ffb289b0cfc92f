// georune simulate: detector-like output from ground-truth labels at a graded noise level.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "command.h"
#include "flood_commands.h"
#include "georune/eval/detector_sim.h"
#include "georune/ingest/readers.h"
#include "georune/ontology/ontology.h"

namespace georune::cli {
namespace {

struct SimulateArgs {
  std::string labels, out, format = "task1", classes = "dota-v2.0";
  int noise = 0;
  uint64_t seed = 1;
  bool quiet = false;
  bool flood = false, classes_given = false;
};

int RunSimulate(const SimulateArgs& a) {
  if (a.flood) {
    if (a.format != "task1")
      return ReportError(Status::InvalidInput("--flood writes one GeoJSON file per image: --format does not apply"));
#ifdef GEORUNE_RAG_DISPATCH
    return RunRag(MainArgc(), MainArgv());  // class rasters: OpenCV and GDAL live in georune-rag
#else
    return RunFloodSimulate({a.labels, a.out, a.classes_given ? a.classes : "", a.noise, a.seed, a.quiet});
#endif
  }
  auto ontology = Ontology::Load(a.classes);
  if (!ontology.ok()) return ReportError(ontology.status());
  auto params = eval::NoiseLevelParams(a.noise);
  if (!params.ok()) return ReportError(params.status());
  auto truth = ingest::ReadDotaLabelDir(a.labels, *ontology);
  if (!truth.ok()) return ReportError(truth.status());
  eval::SimulationReport report;
  auto detections = eval::SimulateDetections(*truth, *ontology, *params, a.seed, &report);
  Status st;
  if (a.format == "jsonl") {
    st = ingest::WriteJsonLines(a.out, detections, *ontology);
  } else {
    // Replace the Task1 files of an earlier run, so that no stale class file survives.
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(a.out, ec)) {
      for (const auto& entry : fs::directory_iterator(a.out, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("Task1_", 0) == 0 && entry.path().extension() == ".txt") fs::remove(entry.path(), ec);
      }
    }
    st = ingest::WriteDotaTask1Dir(a.out, detections, *ontology);
  }
  if (!st.ok()) return ReportError(st);
  if (!a.quiet)
    std::fprintf(stderr,
                 "noise %d: %llu images, %llu true objects -> %llu detected (%llu missed, %llu "
                 "confused), %llu duplicates, %llu false positives, %llu under 0.05 dropped\n",
                 a.noise, (unsigned long long)report.images, (unsigned long long)report.truth,
                 (unsigned long long)report.detected, (unsigned long long)report.missed,
                 (unsigned long long)report.confused, (unsigned long long)report.duplicates,
                 (unsigned long long)report.false_positives, (unsigned long long)report.dropped_low_score);
  return 0;
}

const bool kRegistered = RegisterCommand("simulate", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd =
      app.add_subcommand("simulate", "Simulate detector output from ground-truth labelTxt (DOTA Task1 files)");
  cmd->add_option("--labels", args->labels, "ground-truth DOTA labelTxt folder (--flood: GeoJSON folder)")->required();
  cmd->add_option("--noise", args->noise, "noise level: 0 (ground truth) … 5 (poor detector)")->required();
  cmd->add_option("--seed", args->seed, "random seed (same seed, same output)");
  cmd->add_option("--out", args->out, "output folder of Task1_<class>.txt (or .jsonl file)")->required();
  cmd->add_option("--format", args->format, "task1 (DOTA Task1 folder, default) or jsonl (keeps size and gsd)")
      ->check(CLI::IsMember({"task1", "jsonl"}));
  cmd->add_option("--classes", args->classes, "ontology: built-in name or JSON file");
  cmd->add_flag("--flood", args->flood,
                "a segmentation model instead: --labels is a folder of polygon GeoJSON (generate --flood), "
                "--out gets one <id>.geojson per image (noise 0..5, docs/evaluation.md)");
  cmd->add_flag("--quiet", args->quiet, "no summary on standard error");
  cmd->callback([args, cmd, &exit_code] {
    args->classes_given = cmd->count("--classes") > 0;
    exit_code = RunSimulate(*args);
  });
});

}  // namespace
}  // namespace georune::cli
