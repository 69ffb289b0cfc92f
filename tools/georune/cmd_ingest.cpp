// georune ingest: read detection files into an archive (all sources, then one atomic append).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/archive/shard.h"
#include "georune/common/progress.h"
#include "georune/ingest/registry.h"
#ifndef GEORUNE_RAG_DISPATCH
#include "detect_options.h"      // georune-rag: --images and --model run here
#include "georune/geo/attach.h"  // … and georeferences (GDAL/PROJ)
#endif

namespace georune::cli {
namespace {

struct IngestArgs {
  std::string archive;
  std::string shard_of;  // a shard set (shards.json) instead of --archive
  std::vector<std::string> dota_labels, dota_task1, jsonl, yolo_obb, voc, geojson;
  std::vector<std::string> labels;  // --labels: of the format detected (ingest/registry.h)
  std::string image_size, ontology, yolo_names;
  std::string georef;  // --georef FILE.jsonl: image id, geotransform, CRS
  std::string crs;     // --crs: CRS of world files (and georeferences) without one
  bool skip_bad_lines = false;
  bool make_valid = false;  // repair invalid polygons instead of refusing them
  int threads = 0;
  bool compact = false;             // compact whatever the segment count
  uint32_t max_segments = 8;        // compact when the ingest leaves more segments; 0 = never
  std::vector<std::string> images;  // image files or folders: detected (--model) or linked to labels
  uint32_t commit_every = 0;        // --model: commit after every N images; 0 = once at the end
  bool has_extras = false;          // georune: options only georune-rag knows (the detector's)
#ifndef GEORUNE_RAG_DISPATCH
  DetectArgs detect;
#endif
  double wait = 0;  // seconds to wait for another writer of the archive
};

// The records read from one source occupy [begin, end) of the ingest.
struct Source {
  ingest::SourceKind kind;
  std::string path;
  size_t begin = 0, end = 0;
};

// Where record `i` comes from: "FILE:LINE", "FILE", or the source path.
std::string Where(const std::vector<ImageRecord>& all, const std::vector<Source>& sources, size_t i) {
  for (const auto& s : sources)
    if (i >= s.begin && i < s.end) {
      int occurrence = 0;  // earlier records of the source with the same id
      for (size_t k = s.begin; k < i; ++k) occurrence += all[k].id == all[i].id;
      std::string at = ingest::LocateImage(s.kind, s.path, all[i].id, occurrence);
      return at.empty() ? s.path : at;
    }
  return "?";
}

// Duplicate ids within the ingest, or already in the archive, located (the archive checks
// again under its lock, without places).
Status CheckIds(const std::vector<ImageRecord>& all, const std::vector<Source>& sources, const Archive* existing,
                const std::string& archive) {
  std::unordered_map<std::string_view, size_t> first;
  first.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    auto [it, inserted] = first.emplace(all[i].id, i);
    if (!inserted)
      return Status::InvalidInput(Where(all, sources, i) + ": image id '" + all[i].id +
                                  "' appears twice in this ingest (first at " + Where(all, sources, it->second) +
                                  ")\n  hint: image ids must be unique within an archive; nothing was added");
  }
  if (!existing) return Status::Ok();
  for (uint32_t i = 0; i < existing->ImageCount(); ++i) {
    auto it = first.find(existing->ImageId(i));
    if (it != first.end())
      return Status::InvalidInput(Where(all, sources, it->second) + ": image id '" + all[it->second].id +
                                  "' is already in the archive " + archive +
                                  "\n  hint: image ids must be unique within an archive; nothing was added");
  }
  return Status::Ok();
}

Result<std::pair<int, int>> ParseImageSize(const std::string& s) {
  int w = 0, h = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%d%*[,xX]%d%c", &w, &h, &tail) != 2 || w <= 0 || h <= 0)
    return Status::InvalidInput("--image-size " + s + ": expected W,H in pixels, e.g. 1024,1024");
  return std::make_pair(w, h);
}

// ingest --shard-of: the images dealt over the shards of a shard set (archive/shard.h).
int IngestIntoShards(const IngestArgs& a, const Ontology& ontology, std::vector<ImageRecord> all,
                     const IngestOptions& iopt, std::chrono::steady_clock::time_point start) {
  uint64_t images = all.size(), entities = 0;
  for (const auto& im : all) entities += im.entities.size();
  auto m = AppendToShards(a.shard_of, ontology, std::move(all), iopt);
  if (!m.ok()) return ReportError(m.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ingested %llu images, %llu entities into %zu shards in %.2f s\n",
              static_cast<unsigned long long>(images), static_cast<unsigned long long>(entities), m->shards.size(),
              secs);
  return 0;
}

// The paths given for an input format (ingest/registry.h) by its flag.
std::vector<std::string>& PathsOf(IngestArgs& a, std::string_view format) {
  if (format == "dota_labels") return a.dota_labels;
  if (format == "dota_task1") return a.dota_task1;
  if (format == "jsonl") return a.jsonl;
  if (format == "yolo_obb") return a.yolo_obb;
  if (format == "voc") return a.voc;
  GEORUNE_ASSERT(format == "geojson", "every registered input format has a flag");
  return a.geojson;
}

// The flag of an input format: "--" and its name with '-' for '_'.
std::string FlagOfFormat(std::string_view format) {
  std::string flag = "--" + std::string(format);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

// Moves every --labels path to the paths of the one format it looks like; refuses a path that
// looks like none or like several, naming the flags that would say its format.
Status AssignDetectedFormats(IngestArgs& a) {
  for (const std::string& path : a.labels) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no such file or folder");
    const std::vector<const ingest::InputFormat*> formats = ingest::DetectInputFormats(path);
    if (formats.size() == 1) {
      PathsOf(a, formats.front()->name).push_back(path);
      continue;
    }
    std::string flags;
    for (const ingest::InputFormat* f : formats) flags += (flags.empty() ? "" : " or ") + FlagOfFormat(f->name);
    if (formats.empty()) {
      for (const ingest::InputFormat& f : ingest::InputFormats())
        flags += (flags.empty() ? "" : ", ") + FlagOfFormat(f.name);
      return Status::InvalidInput(
          path + ": its label format is not recognised (docs/formats.md)\n  hint: name it with one of " + flags);
    }
    std::string names;
    for (const ingest::InputFormat* f : formats)
      names += (names.empty() ? "a " : " and a ") + std::string(f->description);
    return Status::InvalidInput(path + ": its label format is ambiguous: it looks like " + names +
                                "\n  hint: name it with " + flags);
  }
  a.labels.clear();
  return Status::Ok();
}

bool HasLabelSources(const IngestArgs& a) {
  return !(a.dota_labels.empty() && a.dota_task1.empty() && a.jsonl.empty() && a.yolo_obb.empty() && a.voc.empty() &&
           a.geojson.empty());
}

#ifndef GEORUNE_RAG_DISPATCH
// Links every record to the image file of the same id under --images (path, size, bands,
// georeference, gsd when the labels give none). Labels without an image are reported.
Status LinkImages(const std::vector<std::string>& image_paths, std::vector<ImageRecord>& records) {
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> files, ListImages(image_paths));
  std::map<std::string, std::string> by_id;
  for (const auto& f : files) by_id.emplace(ImageIdOf(f), f);
  size_t linked = 0;
  std::vector<std::string> missing;
  for (ImageRecord& r : records) {
    auto it = by_id.find(r.id);
    if (it == by_id.end()) {
      missing.push_back(r.id);
      continue;
    }
    GEORUNE_ASSIGN_OR_RETURN(detect::RasterInfo info, detect::ReadRasterInfo(it->second));
    SetImageMetadata(info, r);
    ++linked;
  }
  std::fprintf(stderr, "georune: note: linked %zu of %zu label files to images under --images", linked, records.size());
  if (!missing.empty()) std::fprintf(stderr, "; no image for %zu (first: %s)", missing.size(), missing[0].c_str());
  std::fprintf(stderr, "\n");
  return Status::Ok();
}

// Georeferences from --georef, world files and --crs, and the ground gsd (geo/attach.h).
Status AttachGeoreferences(const IngestArgs& a, std::vector<ImageRecord>& records) {
  GEORUNE_ASSIGN_OR_RETURN(std::vector<std::string> notes, geo::AttachGeoreferences(records, {a.georef, a.crs}));
  for (const auto& note : notes) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  return Status::Ok();
}

// ingest --images --model: detect, then append (every --commit-every images, or once).
int IngestDetections(const IngestArgs& a, const Ontology& ontology, const IngestOptions& iopt) {
  auto options = ToDetectorOptions(a.detect, a.threads);
  if (!options.ok()) return ReportError(options.status());
  auto files = ListImages(a.images);
  if (!files.ok()) return ReportError(files.status());
  std::set<std::string, std::less<>> present;  // resumable: images already in the archive
  if (auto existing = Archive::Open(a.archive); existing.ok()) {
    for (uint32_t i = 0; i < (*existing)->ImageCount(); ++i) present.emplace((*existing)->ImageId(i));
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return ReportError(existing.status());
  }
  auto detector = detect::Detector::Load(*options, ontology);
  if (!detector.ok()) return ReportError(detector.status());
  for (const auto& note : (*detector)->notes()) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  const size_t step = a.commit_every ? a.commit_every : std::max<size_t>(files->size(), 1);
  uint64_t images = 0, entities = 0, tiles = 0;
  double seconds = 0;
  for (size_t first = 0; first < files->size(); first += step) {
    std::vector<std::string> chunk(files->begin() + first, files->begin() + std::min(files->size(), first + step));
    auto run = DetectImages(**detector, chunk, present, a.detect.skip_bad_images);
    if (!run.ok()) return ReportError(run.status());
    if (Status st = AttachGeoreferences(a, run->images); !st.ok()) return ReportError(st);
    auto result = AppendToArchive(a.archive, ontology, std::move(run->images), iopt);
    if (!result.ok()) return ReportError(result.status());
    images += result->images_added, entities += result->entities_added, tiles += run->tiles;
    seconds += run->seconds;
  }
  std::printf("ingested %llu images, %llu detected entities (%llu tiles, %.2f tiles/s)\n",
              static_cast<unsigned long long>(images), static_cast<unsigned long long>(entities),
              static_cast<unsigned long long>(tiles), tiles / std::max(seconds, 1e-9));
  return 0;
}
#endif

int RunIngest(IngestArgs a) {
  auto start = std::chrono::steady_clock::now();
  if (Status st = AssignDetectedFormats(a); !st.ok()) return ReportError(st);
#ifdef GEORUNE_RAG_DISPATCH
  // Images and georeferences need GDAL (and detection OpenCV): georune-rag does that part.
  if (!a.images.empty() || a.has_extras || !a.georef.empty() || !a.crs.empty()) return RunRag(MainArgc(), MainArgv());
#else
  if (!a.detect.model.empty() && a.images.empty())
    return ReportError(Status::InvalidInput("--model needs --images PATH (the images to run it on)"));
  if (!a.detect.model.empty() && HasLabelSources(a))
    return ReportError(Status::InvalidInput(
        "--model detects boxes in --images; give label sources (--dota-labels, …) in a separate ingest"));
  if (!a.detect.model.empty() && !a.shard_of.empty())
    return ReportError(Status::InvalidInput(
        "--model ingests into one archive, not a shard set\n  hint: detect into an archive, then georune shard"));
  if (a.detect.model.empty() && !a.images.empty() && !HasLabelSources(a))
    return ReportError(Status::InvalidInput(
        "--images needs --model (to detect boxes) or label sources such as --dota-labels (to link them to images)"));
#endif
  if (!HasLabelSources(a) && a.images.empty())
    return ReportError(Status::InvalidInput(
        "nothing to ingest\n  hint: give --labels PATH (its format detected), --dota-labels DIR, --dota-task1 DIR, "
        "--jsonl FILE, "
        "--yolo-obb DIR --image-size W,H, --voc DIR, --geojson PATH, or --images PATH --model MODEL.onnx"));
  if (a.archive.empty() == a.shard_of.empty())
    return ReportError(Status::InvalidInput("give exactly one of --archive DIR and --shard-of DIR"));
  // The ontology: the shards' or the archive's own when it exists; --ontology must then agree.
  std::optional<Ontology> ontology;
  std::unique_ptr<Archive> existing;
  std::error_code ec;
  if (!a.shard_of.empty()) {
    if (!a.ontology.empty())
      return ReportError(Status::InvalidInput("--ontology does not apply with --shard-of (the shards' own is used)"));
    auto set = ReadShardManifest(a.shard_of);
    if (!set.ok()) return ReportError(set.status());
    auto first = Archive::Open(ShardPath(a.shard_of, set->shards.front()));
    if (!first.ok()) return ReportError(first.status());
    ontology = (*first)->ontology();
  } else if (std::filesystem::exists(std::filesystem::path(a.archive) / "MANIFEST", ec)) {
    auto opened = Archive::Open(a.archive);
    if (!opened.ok()) return ReportError(opened.status());
    existing = std::move(*opened);
    ontology = existing->ontology();
    if (!a.ontology.empty()) {
      auto given = Ontology::Load(a.ontology);
      if (!given.ok()) return ReportError(given.status());
      if (given->ToJson() != ontology->ToJson())
        return ReportError(Status::InvalidInput(a.archive + ": the archive was built with the ontology '" +
                                                ontology->name() + "', not '" + given->name() +
                                                "'\n  hint: leave out --ontology to use the archive's own"));
    }
  } else {
    auto loaded = Ontology::Load(a.ontology.empty() ? std::string("dota-v2.0") : a.ontology);
    if (!loaded.ok()) return ReportError(loaded.status());
    ontology = std::move(*loaded);
  }

  ingest::ReadOptions opt;
  opt.skip_bad_lines = a.skip_bad_lines;
  opt.make_valid = a.make_valid;
  opt.threads = a.threads;
  opt.yolo_names = a.yolo_names;
  if (!a.yolo_obb.empty()) {
    if (a.image_size.empty())
      return ReportError(Status::InvalidInput(
          "--yolo-obb needs --image-size W,H\n  hint: YOLO-OBB coordinates are normalised to [0, 1]"));
    auto size = ParseImageSize(a.image_size);
    if (!size.ok()) return ReportError(size.status());
    opt.image_width = size->first;
    opt.image_height = size->second;
  }
  std::vector<ImageRecord> all;
  ingest::ReadReport report;
  auto add = [&](Result<std::vector<ImageRecord>> r) -> bool {
    if (!r.ok()) return false;
    if (all.empty()) {
      all = std::move(*r);
    } else {
      for (auto& im : *r) all.push_back(std::move(im));
    }
    return true;
  };
  // The flags' paths by input format (ingest/registry.h), read in the registry's order.
  std::vector<Source> sources;
  for (const ingest::InputFormat& format : ingest::InputFormats()) {
    for (const auto& p : PathsOf(a, format.name)) {
      std::unique_ptr<ProgressBar> bar;
      if (isatty(STDERR_FILENO)) {
        uint64_t n = 1;
        if (std::filesystem::is_directory(p, ec)) {
          n = 0;
          for (auto it = std::filesystem::recursive_directory_iterator(p, ec);
               !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            ++n;
        }
        bar = std::make_unique<ProgressBar>("read " + std::filesystem::path(p).filename().string(), n);
      }
      opt.progress = bar.get();
      auto r = format.read(p, *ontology, opt, &report);
      if (bar) bar->Finish();
      if (!r.ok()) return ReportError(r.status());
      const size_t begin = all.size();
      add(std::move(r));
      sources.push_back({format.kind, p, begin, all.size()});
    }
  }
  if (Status st = CheckIds(all, sources, existing.get(), a.archive); !st.ok()) return ReportError(st);
  existing.reset();
  for (const auto& note : report.notes) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  IngestOptions iopt;
  iopt.show_progress = isatty(STDERR_FILENO);
  iopt.threads = a.threads;
  iopt.max_segments = a.compact ? 0 : a.max_segments;
  iopt.lock_wait_seconds = a.wait;
#ifndef GEORUNE_RAG_DISPATCH
  if (!a.detect.model.empty()) return IngestDetections(a, *ontology, iopt);
  if (!a.images.empty())
    if (Status st = LinkImages(a.images, all); !st.ok()) return ReportError(st);
  if (Status st = AttachGeoreferences(a, all); !st.ok()) return ReportError(st);
#endif
  if (!a.shard_of.empty()) return IngestIntoShards(a, *ontology, std::move(all), iopt, start);
  auto result = AppendToArchive(a.archive, *ontology, std::move(all), iopt);
  if (!result.ok()) return ReportError(result.status());
  std::string compaction_error = result->compaction_error;
  if (a.compact) {
    CompactOptions copt;
    copt.threads = a.threads;
    copt.show_progress = iopt.show_progress;
    copt.lock_wait_seconds = a.wait;
    auto c = CompactArchive(a.archive, copt);
    if (!c.ok()) compaction_error = c.status().message();
  }
  if (!compaction_error.empty())
    std::fprintf(stderr, "georune: warning: the ingest is committed, but compacting the archive failed: %s\n",
                 compaction_error.c_str());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ingested %llu images, %llu entities in %.2f s (%.0f entities/s)%s\n",
              static_cast<unsigned long long>(result->images_added),
              static_cast<unsigned long long>(result->entities_added), secs,
              secs > 0 ? result->entities_added / secs : 0.0,
              report.skipped_lines ? (", skipped " + std::to_string(report.skipped_lines) + " bad lines").c_str() : "");
  return 0;
}

const bool kRegistered = RegisterCommand("ingest", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand("ingest", "read detection files into an archive (atomic, incremental)");
  cmd->add_option("--archive", args->archive, "archive folder (created if absent)");
  cmd->add_option("--shard-of", args->shard_of,
                  "instead of --archive: a shard set (shards.json), balanced by entities");
  cmd->add_option("--labels", args->labels,
                  "label file or folder of the format it looks like, refused when ambiguous (repeatable; "
                  "docs/formats.md)");
  cmd->add_option("--dota-labels", args->dota_labels, "DOTA labelTxt folder (repeatable)");
  cmd->add_option("--dota-task1", args->dota_task1, "DOTA Task1 results folder (repeatable)");
  cmd->add_option("--jsonl", args->jsonl, "JSON Lines file (repeatable)");
  cmd->add_option("--yolo-obb", args->yolo_obb, "YOLO-OBB label folder (repeatable; needs --image-size)");
  cmd->add_option("--image-size", args->image_size, "W,H in pixels of the YOLO-OBB images");
  cmd->add_option("--yolo-names", args->yolo_names, "YOLO class names (.yaml or one name a line)");
  cmd->add_option("--voc", args->voc, "Pascal-VOC / DIOR-R / HRSC XML folder (repeatable)");
  cmd->add_option(
      "--geojson", args->geojson,
      "GeoJSON FeatureCollection of polygon entities in pixel coordinates, or a folder of *.geojson (repeatable)");
  cmd->add_flag("--make-valid", args->make_valid, "repair invalid polygons (GEOS MakeValid) instead of refusing them");
  cmd->add_option(
      "--georef", args->georef,
      "georeferences: JSON Lines of {\"image\", \"geotransform\": [6 numbers, GDAL order], \"crs\": EPSG code or WKT}");
  cmd->add_option("--crs", args->crs, "CRS (EPSG:n or WKT) of world files beside the images, when no .prj says it");
  cmd->add_option("--ontology", args->ontology,
                  "ontology JSON file or built-in name (dota-v1.0, dota-v1.5, dota-v2.0; default dota-v2.0)");
  cmd->add_flag("--skip-bad-lines", args->skip_bad_lines, "skip and count malformed lines instead of failing");
  cmd->add_option("--threads", args->threads, "parser threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--compact", args->compact, "merge all segments into one after the ingest");
  cmd->add_option("--max-segments", args->max_segments,
                  "merge the segments when the ingest leaves more than this (default 8; 0 = never)");
  cmd->add_option("--wait", args->wait, "seconds to wait while another process writes the archive (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--images", args->images,
                  "image files or folders: run --model on them, or link the label files to them (repeatable)");
  cmd->add_option("--commit-every", args->commit_every,
                  "with --model: commit after every N images, so that a stopped run resumes (0 = once)");
#ifdef GEORUNE_RAG_DISPATCH
  cmd->allow_extras();  // the detector options are parsed by georune-rag
#else
  AddDetectOptions(cmd, args->detect);
#endif
  cmd->callback([args, cmd, &exit_code] {
    args->has_extras = !cmd->remaining().empty();
    exit_code = RunIngest(*args);
  });
});

}  // namespace
}  // namespace georune::cli
