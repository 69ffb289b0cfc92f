// georune compact: merge an archive's segments into one (atomic; docs/formats.md, "Compaction").
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "command.h"
#include "georune/archive/archive.h"

namespace georune::cli {
namespace {

struct CompactArgs {
  std::string archive;
  int threads = 0;
  double wait = 0;  // seconds to wait for another writer of the archive
};

int RunCompact(const CompactArgs& a) {
  CompactOptions opt;
  opt.threads = a.threads;
  opt.show_progress = isatty(STDERR_FILENO);
  opt.lock_wait_seconds = a.wait;
  auto r = CompactArchive(a.archive, opt);
  if (!r.ok()) return ReportError(r.status());
  if (r->segments_after == r->segments_before) {
    std::printf("%s: %llu segment%s, nothing to compact\n", a.archive.c_str(),
                static_cast<unsigned long long>(r->segments_before), r->segments_before == 1 ? "" : "s");
    return 0;
  }
  std::printf("compacted %llu segments into 1 (%llu images, %llu entities, %llu -> %llu bytes) in %.2f s\n",
              static_cast<unsigned long long>(r->segments_before), static_cast<unsigned long long>(r->images),
              static_cast<unsigned long long>(r->entities), static_cast<unsigned long long>(r->bytes_before),
              static_cast<unsigned long long>(r->bytes_after), r->seconds);
  return 0;
}

const bool kRegistered = RegisterCommand("compact", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CompactArgs>();
  CLI::App* cmd = app.add_subcommand("compact", "merge an archive's segments into one (atomic)");
  cmd->add_option("--archive", args->archive, "archive folder")->required();
  cmd->add_option("--threads", args->threads, "threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--wait", args->wait, "seconds to wait while another process writes the archive (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &exit_code] { exit_code = RunCompact(*args); });
});

}  // namespace
}  // namespace georune::cli
