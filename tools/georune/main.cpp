// georune: the command-line shell around the library. Each subcommand lives in cmd_<name>.cpp.
#include <cstdio>
#include <exception>
#include <map>

#include "command.h"
#include "georune/common/diagnostic.h"
#include "georune/common/json_error.h"

namespace georune::cli {
namespace {

int g_argc = 0;
char** g_argv = nullptr;

std::map<std::string, CommandSetup>& Registry() {
  static std::map<std::string, CommandSetup> registry;
  return registry;
}

}  // namespace

int MainArgc() { return g_argc; }
char** MainArgv() { return g_argv; }

bool RegisterCommand(std::string name, CommandSetup setup) {
  Registry().emplace(std::move(name), std::move(setup));
  return true;
}

int ReportError(const Status& status) {
  const Diagnostic* d = status.diagnostic();
  const std::string text = d ? d->Format(FlagsOf(d->settings)) : status.message();
  std::fprintf(stderr, "georune: error: %s\n", text.c_str());
  return status.ExitCode();
}

}  // namespace georune::cli

int main(int argc, char** argv) {
  georune::cli::g_argc = argc;
  georune::cli::g_argv = argv;
  CLI::App app{"georune: search remote-sensing image archives with logic and knowledge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "georune 0.1.0");
  int exit_code = 0;
  for (auto& [name, setup] : georune::cli::Registry()) setup(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // Last resort: whatever escaped, without the JSON library's raw "[json.exception…]" tag.
    std::fprintf(stderr, "georune: error: %s\n", georune::DescribeJsonError(e.what()).reason.c_str());
    return 1;
  }
  return exit_code;
}
