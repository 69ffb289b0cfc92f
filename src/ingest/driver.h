// Internal: the parallel driver shared by the per-file readers.
#pragma once

#include <unistd.h>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "georune/common/files.h"
#include "georune/common/text.h"
#include "georune/ingest/readers.h"
#include "ingest/text.h"

namespace georune::ingest::internal {

// Context for one file being parsed: counts skipped lines and turns diagnostics into either a
// failure or a skip, as ReadOptions::skip_bad_lines says.
struct FileContext {
  const std::string& path;
  const ReadOptions& options;
  ClassLookup classes;
  uint64_t skipped = 0;

  // Returns OK (line skipped) or the diagnostic as kInvalidInput.
  Status Bad(const Diagnostic& d) {
    if (options.skip_bad_lines) {
      ++skipped;
      return Status::Ok();
    }
    return d.ToStatus();
  }
  Status Bad(int line, std::string message, std::string hint = {}) {
    if (options.skip_bad_lines) {
      ++skipped;
      return Status::Ok();
    }
    return FileDiagnostic(path, line, std::move(message), std::move(hint)).ToStatus();
  }
};

// kInvalidInput at FILE:LINE when the image's id or path is not valid UTF-8 (they are written
// to JSON later, which needs UTF-8), or the id is longer than the archive accepts.
inline Status CheckImageText(const std::string& file, int line, const ImageRecord& image) {
  if (!IsValidUtf8(image.id))
    return FileDiagnostic(
               file, line, "the image id " + Quote(image.id) + " is not valid UTF-8",
               line > 0 ? "image ids must be UTF-8 text" : "image ids come from file names; rename the file to UTF-8")
        .ToStatus();
  if (!IsValidUtf8(image.path))
    return FileDiagnostic(file, line, "the image path " + Quote(image.path) + " is not valid UTF-8",
                          "paths must be UTF-8 text")
        .ToStatus();
  return Status::Ok();
}

// A file handed to a streaming parser: ForEach(fn) calls fn(line_number, line) for each of its
// lines (ForEachLineOfFile; a line longer than max_line_bytes is an error). Once per file.
struct FileLines {
  int fd;
  const std::string& path;
  std::string& buffer;
  uint64_t max_line_bytes;
  template <typename Fn>
  Status ForEach(Fn&& fn) {
    return ForEachLineOfFile(fd, path, buffer, max_line_bytes, std::forward<Fn>(fn));
  }
};

// Reads every file in parallel; parse fills out[i]. A parse(ctx, FileLines&, out) streams the
// file (files of many images: Task1); a parse(ctx, std::string_view text, out) gets the whole
// file, which holds one image and so may be at most max_record_bytes. Deterministic: on
// failure, the error of the first failing file (in `files` order) is returned.
template <typename T, typename Parse>
Result<std::vector<T>> ParseFiles(const std::vector<std::string>& files, const Ontology& ontology,
                                  const ReadOptions& options, ReadReport* report, Parse&& parse) {
  std::vector<T> out(files.size());
  std::vector<Status> status(files.size());
  std::vector<uint64_t> skipped(files.size(), 0);
  // Files of one folder (the usual case) are opened relative to it: no path walk per file.
  DirectoryHandle folder(files);
  const size_t workers = WorkerCount(files.size(), options.threads);
  std::vector<std::string> buffers(std::max<size_t>(workers, 1));  // one read buffer a worker
  std::vector<ClassLookup> lookups(std::max<size_t>(workers, 1), ClassLookup(ontology));
  auto read_and_parse = [&](size_t worker, size_t i, FileContext& ctx) -> Status {
    const int dir_fd = folder.fd(files[i]);
    if constexpr (std::is_invocable_v<Parse&, FileContext&, FileLines&, T&>) {
      GEORUNE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(dir_fd, folder.Name(files[i]), files[i]));
      FileLines lines{fd, files[i], buffers[worker], options.max_record_bytes};
      Status st = parse(ctx, lines, out[i]);
      ::close(fd);
      return st;
    } else {
      GEORUNE_ASSIGN_OR_RETURN(std::string_view text, ReadFileInto(dir_fd, folder.Name(files[i]), files[i],
                                                                   buffers[worker], options.max_record_bytes));
      return parse(ctx, text, out[i]);
    }
  };
  ParallelForWorkers(files.size(), workers, [&](size_t worker, size_t i) {
    FileContext ctx{files[i], options, std::move(lookups[worker])};
    status[i] = read_and_parse(worker, i, ctx);
    if constexpr (std::is_same_v<T, ImageRecord>) {
      if (status[i].ok()) status[i] = CheckImageText(files[i], 0, out[i]);
    }
    skipped[i] = ctx.skipped;
    lookups[worker] = std::move(ctx.classes);
    if (options.progress) options.progress->Advance(1);
  });
  uint64_t total_skipped = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!status[i].ok()) return status[i];
    total_skipped += skipped[i];
  }
  if (report) {
    report->files += files.size();
    report->skipped_lines += total_skipped;
  }
  return out;
}

// Checks 8 coordinate tokens; fills `corners`. On failure returns the message.
inline std::optional<std::string> ParseCorners(const std::string_view* tok, Corners& corners) {
  for (int k = 0; k < 8; ++k) {
    std::optional<double> v = ParseDouble(tok[k]);
    if (!v) return "coordinate " + std::to_string(k + 1) + " is not a number: " + Quote(tok[k]);
    if (!std::isfinite(*v)) return "coordinate " + std::to_string(k + 1) + " is not finite: " + Quote(tok[k]);
    corners[k] = *v;
  }
  return std::nullopt;
}

}  // namespace georune::ingest::internal
