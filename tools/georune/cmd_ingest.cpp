// georune ingest: read detection files into an archive (all sources, then one atomic append).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/common/progress.h"
#include "georune/ingest/readers.h"

namespace georune::cli {
namespace {

struct IngestArgs {
  std::string archive;
  std::vector<std::string> dota_labels, dota_task1, jsonl, yolo_obb, voc;
  std::string image_size, ontology, yolo_names;
  bool skip_bad_lines = false;
  int threads = 0;
  bool compact = false;        // compact whatever the segment count
  uint32_t max_segments = 8;   // compact when the ingest leaves more segments; 0 = never
  double wait = 0;             // seconds to wait for another writer of the archive
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
      return Status::InvalidInput(Where(all, sources, it->second) + ": image id '" +
                                  all[it->second].id + "' is already in the archive " + archive +
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

int RunIngest(const IngestArgs& a) {
  auto start = std::chrono::steady_clock::now();
  if (a.dota_labels.empty() && a.dota_task1.empty() && a.jsonl.empty() && a.yolo_obb.empty() && a.voc.empty())
    return ReportError(Status::InvalidInput(
        "nothing to ingest\n  hint: give --dota-labels DIR, --dota-task1 DIR, --jsonl FILE, "
        "--yolo-obb DIR --image-size W,H or --voc DIR"));
  // The ontology: the archive's own when it exists; --ontology must then agree.
  std::optional<Ontology> ontology;
  std::unique_ptr<Archive> existing;
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(a.archive) / "MANIFEST", ec)) {
    auto opened = Archive::Open(a.archive);
    if (!opened.ok()) return ReportError(opened.status());
    existing = std::move(*opened);
    ontology = existing->ontology();
    if (!a.ontology.empty()) {
      auto given = Ontology::Load(a.ontology);
      if (!given.ok()) return ReportError(given.status());
      if (given->ToJson() != ontology->ToJson())
        return ReportError(Status::InvalidInput(
            a.archive + ": the archive was built with the ontology '" + ontology->name() +
            "', not '" + given->name() + "'\n  hint: leave out --ontology to use the archive's own"));
    }
  } else {
    auto loaded = Ontology::Load(a.ontology.empty() ? std::string("dota-v2.0") : a.ontology);
    if (!loaded.ok()) return ReportError(loaded.status());
    ontology = std::move(*loaded);
  }

  ingest::ReadOptions opt;
  opt.skip_bad_lines = a.skip_bad_lines;
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
  using Reader = Result<std::vector<ImageRecord>> (*)(const std::string&, const Ontology&,
                                                      const ingest::ReadOptions&, ingest::ReadReport*);
  using K = ingest::SourceKind;
  const std::tuple<const std::vector<std::string>*, Reader, K> kinds[] = {
      {&a.dota_labels, &ingest::ReadDotaLabelDir, K::kDotaLabels},
      {&a.dota_task1, &ingest::ReadDotaTask1Dir, K::kDotaTask1},
      {&a.jsonl, &ingest::ReadJsonLines, K::kJsonLines},
      {&a.yolo_obb, &ingest::ReadYoloObbDir, K::kYoloObb},
      {&a.voc, &ingest::ReadVocDir, K::kVoc}};
  std::vector<Source> sources;
  for (const auto& [paths, reader, kind] : kinds) {
    for (const auto& p : *paths) {
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
      auto r = reader(p, *ontology, opt, &report);
      if (bar) bar->Finish();
      if (!r.ok()) return ReportError(r.status());
      const size_t begin = all.size();
      add(std::move(r));
      sources.push_back({kind, p, begin, all.size()});
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
              report.skipped_lines
                  ? (", skipped " + std::to_string(report.skipped_lines) + " bad lines").c_str()
                  : "");
  return 0;
}

const bool kRegistered = RegisterCommand("ingest", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand("ingest", "read detection files into an archive (atomic, incremental)");
  cmd->add_option("--archive", args->archive, "archive folder (created if absent)")->required();
  cmd->add_option("--dota-labels", args->dota_labels, "DOTA labelTxt folder (repeatable)");
  cmd->add_option("--dota-task1", args->dota_task1, "DOTA Task1 results folder (repeatable)");
  cmd->add_option("--jsonl", args->jsonl, "JSON Lines file (repeatable)");
  cmd->add_option("--yolo-obb", args->yolo_obb, "YOLO-OBB label folder (repeatable; needs --image-size)");
  cmd->add_option("--image-size", args->image_size, "W,H in pixels of the YOLO-OBB images");
  cmd->add_option("--yolo-names", args->yolo_names, "YOLO class names (.yaml or one name a line)");
  cmd->add_option("--voc", args->voc, "Pascal-VOC / DIOR-R / HRSC XML folder (repeatable)");
  cmd->add_option("--ontology", args->ontology,
                  "ontology JSON file or built-in name (dota-v1.0, dota-v1.5, dota-v2.0; default dota-v2.0)");
  cmd->add_flag("--skip-bad-lines", args->skip_bad_lines, "skip and count malformed lines instead of failing");
  cmd->add_option("--threads", args->threads, "parser threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--compact", args->compact, "merge all segments into one after the ingest");
  cmd->add_option("--max-segments", args->max_segments,
                  "merge the segments when the ingest leaves more than this (default 8; 0 = never)");
  cmd->add_option("--wait", args->wait, "seconds to wait while another process writes the archive (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &exit_code] { exit_code = RunIngest(*args); });
});

}  // namespace
}  // namespace georune::cli
