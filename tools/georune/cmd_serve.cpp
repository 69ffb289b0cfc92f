// georune serve: the HTTP API and the web page over archives and a knowledge base opened once.
//   georune serve --archive A [--archive B …] [--kb KB] [--host 127.0.0.1] [--port 8080]
// Runs in georune-rag (it links the RS-RAG library and OpenCV). SIGTERM or SIGINT stops it
// gracefully: requests in flight are answered, then it exits 0.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "command.h"
#include "georune/server/server.h"
#include "translator_options.h"

#ifndef GEORUNE_WEB_DIR
#define GEORUNE_WEB_DIR ""
#endif

namespace georune::cli {
namespace {

struct ServeArgs {
  server::ServerConfig config;
  server::ServerData data;
  TranslatorOptions translator;
};

// Blocks SIGTERM and SIGINT in every thread started after it; returns the set.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// A query's working memory (per-candidate vectors, up to a few MiB on 100,000 images) is freed
// after its engine time is taken. glibc would hand it back to the kernel at once (munmap above
// its mmap threshold, madvise when it trims a thread's arena), and the TLB shootdowns and page
// faults of giving it back and taking it again cost up to tens of ms a query on a busy machine
// (bench/README.md, "Server"). The server keeps freed memory instead: blocks under 32 MiB come
// from the heap, and heaps are never trimmed, so resident memory stays at its peak.
void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

int RunServe(ServeArgs a) {
  KeepFreedMemory();
  if (a.config.api_key.empty()) {
    if (const char* key = std::getenv("GEORUNE_API_KEY")) a.config.api_key = key;
  }
  auto tc = a.translator.Config();
  if (!tc.ok()) return ReportError(tc.status());
  a.config.translator = *tc;
  const sigset_t signals = BlockStopSignals();
  auto srv = server::Server::Create(a.config, a.data);
  if (!srv.ok()) return ReportError(srv.status());
  auto port = (*srv)->Bind();
  if (!port.ok()) return ReportError(port.status());
  std::fprintf(stderr, "georune: serving http://%s:%d/ (%zu archive%s%s)\n", a.config.host.c_str(), *port,
               a.data.archives.size(), a.data.archives.size() == 1 ? "" : "s",
               a.data.kb.empty() ? "" : ", a knowledge base");
  server::Server* s = srv->get();
  std::thread([signals, s] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "georune: signal %d: finishing requests in flight\n", sig);
    s->Stop();
  }).detach();
  const Status served = s->Serve();
  if (!served.ok()) return ReportError(served);
  std::fprintf(stderr, "georune: stopped\n");
  return 0;
}

const bool kRegistered = RegisterCommand("serve", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServeArgs>();
  auto& c = a->config;
  if (std::filesystem::is_regular_file(std::filesystem::path(GEORUNE_WEB_DIR) / "index.html"))
    c.web_dir = GEORUNE_WEB_DIR;
  CLI::App* cmd = app.add_subcommand("serve", "Serve the JSON API and the web page (docs/api.md)");
  cmd->add_option("--archive", a->data.archives, "archive folder (repeatable; named by its folder)");
  cmd->add_option("--kb", a->data.kb, "knowledge base folder for POST /v1/ask");
  cmd->add_option("--host", c.host, "address to listen on (default 127.0.0.1: this machine only)");
  cmd->add_option("--port", c.port, "port (default 8080; 0 = any free port)")->check(CLI::Range(0, 65535));
  cmd->add_option("--workers", c.workers, "threads serving connections (default 8)")->check(CLI::Range(1, 1024));
  cmd->add_option("--queue", c.queue_limit, "connections waiting for a worker before 503 (default 256)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--body-limit", c.body_limit, "request body limit in bytes (default 1 MiB)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--time-budget", c.query_budget_seconds, "seconds per query before 504 (default 10)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--query-threads", c.query_threads, "threads per query evaluation (default 0 = all cores)");
  cmd->add_option("--read-timeout", c.read_timeout_s, "seconds per socket read (default 5)")->check(CLI::Range(1, 600));
  cmd->add_option("--write-timeout", c.write_timeout_s, "seconds per socket write (default 5)")
      ->check(CLI::Range(1, 600));
  cmd->add_option("--request-deadline", c.request_deadline_s,
                  "seconds to receive a whole request, and to send its reply (default 10; 408 over it)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--keep-alive", c.keep_alive_timeout_s,
                  "idle seconds before a kept-alive connection closes (default 2)")
      ->check(CLI::Range(0, 600));
  cmd->add_option("--api-key", c.api_key, "require this key on /v1/ (default: $GEORUNE_API_KEY; none when unset)");
  cmd->add_option("--web", c.web_dir, "folder of the web page (default: the source tree's web/)");
  cmd->add_option("--images", c.images_dir, "base folder of relative image paths (default: the archive's folder)");
  a->translator.AddTo(cmd);
  cmd->callback([a, &exit_code] { exit_code = RunServe(*a); });
});

}  // namespace
}  // namespace georune::cli
