// Subcommand registry of the georune CLI: one file per subcommand registers itself.
//
// A subcommand file defines a setup function that adds a CLI11 subcommand to the app and sets
// its callback; the callback stores its process exit status in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/setting.h"
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

// Prints "georune: error: <message>" on standard error and returns the exit status for it. A
// status made from a Diagnostic is printed with the flags of the settings its hint names.
int ReportError(const Status& status);

// The flag that sets `setting` ("--llm-timeout"); FlagsOf joins several with ", ".
std::string_view FlagOf(Setting setting);
std::string FlagsOf(const std::vector<Setting>& settings);

}  // namespace georune::cli
