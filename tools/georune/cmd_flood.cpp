// `generate --flood` (ground-truth post-flood scenes) and `simulate --flood` (a segmentation
// model's output at a noise level): one <id>.geojson per image (ingest/polygon_geojson.h).
#include <atomic>
#include <cstdio>

#include "command.h"
#include "flood_commands.h"
#include "georune/common/parallel.h"
#include "georune/eval/flood.h"
#include "georune/ingest/polygon_geojson.h"
#include "georune/ingest/readers.h"

namespace georune::cli {

int RunFloodGenerate(const FloodGenerateArgs& a) {
  auto ontology = Ontology::Load(a.classes.empty() ? "floodnet" : a.classes);
  if (!ontology.ok()) return ReportError(ontology.status());
  if (Status st = eval::CheckFloodOntology(*ontology); !st.ok()) return ReportError(st);
  eval::FloodOptions options{a.seed, a.prefix.empty() ? "F" : a.prefix};
  std::vector<ingest::PolygonImage> images(a.images);
  std::vector<Status> errors(a.images);
  ParallelForWorkers(a.images, WorkerCount(a.images, a.threads), [&](size_t, size_t i) {
    auto im = eval::GenerateFloodScene(*ontology, options, i);
    if (im.ok()) images[i] = std::move(*im);
    else errors[i] = im.status();
  });
  for (const Status& st : errors)
    if (!st.ok()) return ReportError(st);
  if (Status st = ingest::WritePolygonGeoJsonDir(a.out, images, *ontology); !st.ok()) return ReportError(st);
  uint64_t n = 0;
  for (const auto& im : images) n += im.entities.size();
  if (!a.quiet)
    std::fprintf(stderr, "generated %zu synthetic post-flood scenes, %llu polygons, in %s\n", images.size(),
                 static_cast<unsigned long long>(n), a.out.c_str());
  return 0;
}

int RunFloodSimulate(const FloodSimulateArgs& a) {
  auto ontology = Ontology::Load(a.classes.empty() ? "floodnet" : a.classes);
  if (!ontology.ok()) return ReportError(ontology.status());
  auto params = eval::SegNoiseLevelParams(a.noise);
  if (!params.ok()) return ReportError(params.status());
  auto records = ingest::ReadGeoJson(a.labels, *ontology);
  if (!records.ok()) return ReportError(records.status());
  std::vector<ingest::PolygonImage> truth;  // simulate's truth: ingest's one GeoJSON reader
  for (const ImageRecord& r : *records) {
    auto im = ingest::PolygonImageOf(r, *ontology);
    if (!im.ok()) return ReportError(im.status());
    truth.push_back(std::move(*im));
  }
  std::vector<ingest::PolygonImage> out(truth.size());
  std::vector<Status> errors(truth.size());
  std::vector<eval::SegSimReport> reports(truth.size());
  ParallelForWorkers(truth.size(), WorkerCount(truth.size(), 0), [&](size_t, size_t i) {
    auto im = eval::SimulateSegmentation(truth[i], *ontology, *params, a.seed, &reports[i]);
    if (im.ok()) out[i] = std::move(*im);
    else errors[i] = im.status();
  });
  for (const Status& st : errors)
    if (!st.ok()) return ReportError(st);
  if (Status st = ingest::WritePolygonGeoJsonDir(a.out, out, *ontology); !st.ok()) return ReportError(st);
  eval::SegSimReport r;
  for (const auto& x : reports)
    r.images += x.images, r.truth += x.truth, r.missed += x.missed, r.confused += x.confused, r.moved += x.moved,
        r.fragmented += x.fragmented, r.false_components += x.false_components, r.output += x.output;
  if (!a.quiet)
    std::fprintf(stderr,
                 "segmentation noise %d: %llu images, %llu true components -> %llu polygons (%llu missed, %llu "
                 "confused, %llu boundaries moved, %llu fragmented, %llu false components)\n",
                 a.noise, (unsigned long long)r.images, (unsigned long long)r.truth, (unsigned long long)r.output,
                 (unsigned long long)r.missed, (unsigned long long)r.confused, (unsigned long long)r.moved,
                 (unsigned long long)r.fragmented, (unsigned long long)r.false_components);
  return 0;
}

}  // namespace georune::cli
