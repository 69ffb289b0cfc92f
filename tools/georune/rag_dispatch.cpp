// `georune kb …`, `georune ask …`, `georune detect …` and `georune serve …` run georune-rag, the
// sibling executable that holds the RS-RAG commands, the detector and the server (they need
// OpenCV, whose loading would slow every other command).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "command.h"

namespace georune::cli {

int RunRag(int argc, char** argv) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path rag = ec ? std::filesystem::path("georune-rag") : self.parent_path() / "georune-rag";
  std::vector<char*> args(argv, argv + argc);
  std::string rag_name = rag.string();
  args[0] = rag_name.data();
  args.push_back(nullptr);
  ::execv(rag_name.c_str(), args.data());
  return ReportError(Status::NotFound("cannot run " + rag_name + ": " + std::strerror(errno) +
                                      " (hint: build it with ./scripts/setup; it sits beside georune)"));
}

namespace {

void AddDispatcher(CLI::App& app, int& exit_code, const char* name, const char* description) {
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->prefix_command();
  cmd->set_help_flag();  // georune-rag prints the help
  cmd->callback([&exit_code]() { exit_code = RunRag(MainArgc(), MainArgv()); });
}

const bool kRegistered = RegisterCommand("kb", [](CLI::App& app, int& exit_code) {
  AddDispatcher(app, exit_code, "kb", "Build or evaluate an RS-RAG knowledge base (runs georune-rag)");
  AddDispatcher(app, exit_code, "ask", "Answer a question from a knowledge base (runs georune-rag)");
  AddDispatcher(app, exit_code, "serve", "Serve the JSON API and the web page (runs georune-rag)");
  AddDispatcher(app, exit_code, "detect", "Run an oriented-box detector over images (runs georune-rag)");
});

}  // namespace
}  // namespace georune::cli
