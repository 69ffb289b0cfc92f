// georune shard: split an archive by image into N archives of balanced entity count, with a
// manifest DIR/shards.json (archive/shard.h), for distributed queries (docs/scale-out.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "command.h"
#include "georune/archive/shard.h"

namespace georune::cli {
namespace {

struct ShardArgs {
  std::string archive, out;
  uint32_t shards = 0;
  int threads = 0;
};

int RunShard(const ShardArgs& a) {
  auto start = std::chrono::steady_clock::now();
  ShardOptions opt;
  opt.threads = a.threads;
  opt.show_progress = isatty(STDERR_FILENO);
  auto m = ShardArchive(a.archive, a.out, a.shards, opt);
  if (!m.ok()) return ReportError(m.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& s : m->shards)
    std::printf("%s  %llu images  %llu entities\n", s.path.c_str(), static_cast<unsigned long long>(s.images),
                static_cast<unsigned long long>(s.entities));
  std::printf("wrote %zu shards and %s/%s in %.2f s\n", m->shards.size(), a.out.c_str(), kShardManifestName, secs);
  return 0;
}

const bool kRegistered = RegisterCommand("shard", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ShardArgs>();
  CLI::App* cmd = app.add_subcommand("shard", "split an archive into N archives balanced by entity count");
  cmd->add_option("--archive", args->archive, "archive to split (left as it is)")->required();
  cmd->add_option("--out", args->out, "new folder for the shards and shards.json")->required();
  cmd->add_option("--shards", args->shards, "number of shards")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args->threads, "threads per shard build (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->callback([args, &exit_code] { exit_code = RunShard(*args); });
});

}  // namespace
}  // namespace georune::cli
