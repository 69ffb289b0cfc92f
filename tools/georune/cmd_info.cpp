// georune info: what an archive holds.
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "georune/archive/archive.h"

namespace georune::cli {
namespace {

struct InfoArgs {
  std::string archive;
  std::string format = "table";
  bool verify = false;  // also verify every entity block (the whole-archive check)
};

int RunInfo(const InfoArgs& a) {
  auto start = std::chrono::steady_clock::now();
  auto opened = Archive::Open(a.archive);
  if (!opened.ok()) return ReportError(opened.status());
  double open_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const Archive& ar = **opened;
  double verify_ms = 0;
  if (a.verify) {
    const auto verify_start = std::chrono::steady_clock::now();
    if (Status st = ar.VerifyAll(); !st.ok()) return ReportError(st);
    verify_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - verify_start).count();
  }
  ArchiveStats st = ar.Stats();
  const Ontology& o = ar.ontology();
  double per_entity = st.entities ? static_cast<double>(st.bytes_on_disk) / st.entities : 0.0;
  if (a.format == "json") {
    nlohmann::json j;
    j["archive"] = a.archive;
    j["format_version"] = st.format_version;
    j["segments"] = st.segments;
    j["ontology"] = o.name();
    j["images"] = st.images;
    j["entities"] = st.entities;
    j["bytes_on_disk"] = st.bytes_on_disk;
    j["bytes_per_entity"] = per_entity;
    j["open_ms"] = open_ms;
    if (a.verify) j["verified_ms"] = verify_ms;
    j["classes"] = nlohmann::json::array();
    for (int c = 0; c < o.ClassCount(); ++c)
      j["classes"].push_back(
          {{"class", o.Class(c).name}, {"entities", st.entities_per_class[c]}, {"images", st.images_per_class[c]}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("archive:        %s\n", a.archive.c_str());
  std::printf("format version: %u\n", st.format_version);
  std::printf("segments:       %llu\n", static_cast<unsigned long long>(st.segments));
  std::printf("ontology:       %s (%d classes)\n", o.name().c_str(), o.ClassCount());
  std::printf("images:         %llu\n", static_cast<unsigned long long>(st.images));
  std::printf("entities:       %llu\n", static_cast<unsigned long long>(st.entities));
  std::printf("bytes on disk:  %llu (%.1f bytes/entity)\n", static_cast<unsigned long long>(st.bytes_on_disk),
              per_entity);
  std::printf("opened in:      %.2f ms\n", open_ms);
  if (a.verify) std::printf("verified in:    %.2f ms (every entity block)\n", verify_ms);
  std::printf("\n");
  std::printf("%-22s %12s %10s\n", "class", "entities", "images");
  for (int c = 0; c < o.ClassCount(); ++c)
    std::printf("%-22s %12llu %10llu\n", o.Class(c).name.c_str(),
                static_cast<unsigned long long>(st.entities_per_class[c]),
                static_cast<unsigned long long>(st.images_per_class[c]));
  return 0;
}

const bool kRegistered = RegisterCommand("info", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand("info", "show what an archive holds");
  cmd->add_option("--archive", args->archive, "archive folder")->required();
  cmd->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--verify", args->verify,
                "also verify every entity block's checksum (the whole-archive check; a query verifies only what it "
                "reads)");
  cmd->callback([args, &exit_code] { exit_code = RunInfo(*args); });
});

}  // namespace
}  // namespace georune::cli
