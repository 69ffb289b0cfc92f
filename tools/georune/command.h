// Subcommand registry of the georune CLI: one file per subcommand registers itself.
//
// A subcommand file defines a setup function that adds a CLI11 subcommand to the app and sets
// its callback; the callback stores its process exit status in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "georune/common/status.h"

namespace georune::cli {

using CommandSetup = std::function<void(CLI::App& app, int& exit_code)>;

// Registers a subcommand; call from a namespace-scope initialiser. Returns true.
bool RegisterCommand(std::string name, CommandSetup setup);

// The process's own arguments (for commands that hand them on to another executable).
int MainArgc();
char** MainArgv();

// Replaces the process with georune-rag (beside this executable) given the same arguments;
// returns only on failure, with the exit status of the error it reports.
int RunRag(int argc, char** argv);

// Prints "georune: error: <message>" on standard error and returns the exit status for it.
int ReportError(const Status& status);

}  // namespace georune::cli
