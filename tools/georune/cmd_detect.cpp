// georune detect: run an oriented-box detector over images and write the boxes (JSON Lines or
// DOTA Task1), or a segmentation model (--task segment) and write polygons (GeoJSON per image).
// Part of georune-rag (OpenCV, GDAL); `georune detect` runs it.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "command.h"
#include "detect_options.h"
#include "georune/common/files.h"
#include "georune/detect/evaluate.h"
#include "georune/ingest/readers.h"

namespace georune::cli {
namespace {

struct Args {
  DetectArgs detect;
  std::vector<std::string> images;
  std::string out, format, ontology = "dota-v2.0", labels;
  int threads = 0;
};

// Precision and recall against DOTA labels of the same image ids, over the classes the model
// can produce (labels of other classes are left out). Images without labels are counted.
Status ReportMatches(const std::vector<ImageRecord>& images, const std::string& label_dir, const Ontology& ontology,
                     const detect::Detector& detector) {
  GEORUNE_ASSIGN_OR_RETURN(std::vector<ImageRecord> labels, ingest::ReadDotaLabelDir(label_dir, ontology));
  std::map<std::string, const ImageRecord*> by_id;
  for (const auto& l : labels) by_id[l.id] = &l;
  std::set<int> classes(detector.ontology_ids().begin(), detector.ontology_ids().end());
  detect::MatchCounts total;
  size_t unlabeled = 0;
  for (const auto& im : images) {
    auto it = by_id.find(im.id);
    if (it == by_id.end()) {
      ++unlabeled;
      continue;
    }
    std::vector<EntityRecord> relevant;
    for (const auto& e : it->second->entities)
      if (classes.count(e.class_id)) relevant.push_back(e);
    total += detect::CountMatches(im.entities, relevant, 0.5);
  }
  std::printf(
      "against %s (IoU 0.5, the model's classes only): TP %llu, FP %llu, FN %llu, precision %.4f, recall %.4f%s\n",
      label_dir.c_str(), (unsigned long long)total.true_positives, (unsigned long long)total.false_positives,
      (unsigned long long)total.false_negatives, total.Precision(), total.Recall(),
      unlabeled ? (", " + std::to_string(unlabeled) + " image(s) without labels left out").c_str() : "");
  return Status::Ok();
}

int RunDetect(const Args& a) {
  if (a.detect.model.empty()) return ReportError(Status::InvalidInput("--model is required"));
  const bool segment = a.detect.task == "segment";
  const std::string format = a.format.empty() ? (segment ? "geojson" : "jsonl") : a.format;
  if (segment ? format != "geojson" : format != "jsonl" && format != "task1")
    return ReportError(Status::InvalidInput("--format " + format + ": expected " +
                                            (segment ? "geojson with --task segment" : "jsonl or task1")));
  if (segment && !a.labels.empty())
    return ReportError(Status::InvalidInput("--labels compares boxes; it does not apply to --task segment"));
  auto ontology = Ontology::Load(a.ontology);
  if (!ontology.ok()) return ReportError(ontology.status());
  auto options = ToDetectorOptions(a.detect, a.threads);
  if (!options.ok()) return ReportError(options.status());
  auto files = ListImages(a.images);
  if (!files.ok()) return ReportError(files.status());
  if (files->empty()) return ReportError(Status::InvalidInput("no image files found under --images"));
  auto detector = detect::Detector::Load(*options, *ontology);
  if (!detector.ok()) return ReportError(detector.status());
  for (const auto& note : (*detector)->notes()) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  auto run = DetectImages(**detector, *files, {}, a.detect.skip_bad_images);
  if (!run.ok()) return ReportError(run.status());
  // Written only after every image succeeded: the output folder never holds a partial run.
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) return ReportError(Status::IoError("cannot create " + a.out + ": " + ec.message()));
  Status st = segment             ? ingest::WritePolygonGeoJsonDir(a.out, run->polygons, *ontology)
              : format == "jsonl" ? ingest::WriteJsonLines(a.out + "/detections.jsonl", run->images, *ontology)
                                  : ingest::WriteDotaTask1Dir(a.out, run->images, *ontology);
  if (!st.ok()) return ReportError(st);
  if (!a.labels.empty())
    if (Status m = ReportMatches(run->images, a.labels, *ontology, **detector); !m.ok()) return ReportError(m);
  uint64_t boxes = 0;
  for (const auto& im : run->images) boxes += im.entities.size();
  std::printf("%s %llu %s in %zu images (%llu tiles) in %.2f s: %.2f images/s, %.2f tiles/s%s\n",
              segment ? "segmented" : "detected", static_cast<unsigned long long>(boxes),
              segment ? "polygons" : "boxes", run->images.size(), static_cast<unsigned long long>(run->tiles),
              run->seconds, run->images.size() / std::max(run->seconds, 1e-9),
              run->tiles / std::max(run->seconds, 1e-9),
              run->skipped_images ? (", skipped " + std::to_string(run->skipped_images) + " bad images").c_str() : "");
  return 0;
}

const bool kRegistered = RegisterCommand("detect", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("detect", "run an oriented-box detector (ONNX) over images");
  AddDetectOptions(cmd, args->detect);
  cmd->add_option("--images", args->images, "image files or folders (repeatable)")->required();
  cmd->add_option("--out", args->out, "output folder")->required();
  cmd->add_option("--format", args->format,
                  "jsonl (detections.jsonl, as ingest --jsonl reads) or task1 (Task1_<class>.txt); "
                  "--task segment: geojson (<id>.geojson polygons in pixel coordinates, the default)");
  cmd->add_option("--ontology", args->ontology, "ontology the classes map onto (default dota-v2.0)");
  cmd->add_option("--labels", args->labels, "DOTA labelTxt folder: print precision and recall of the boxes against it");
  cmd->add_option("--threads", args->threads, "preprocessing and inference threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &exit_code] { exit_code = RunDetect(*args); });
});

}  // namespace
}  // namespace georune::cli
