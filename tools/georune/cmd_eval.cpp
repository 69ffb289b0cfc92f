// georune eval: retrieval benchmark of the engine and the bag-of-entities baseline.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "georune/common/files.h"
#include "georune/eval/retrieval_bench.h"

namespace georune::cli {
namespace {

struct EvalArgs {
  std::vector<std::string> archives;
  std::string queries, gold_labels, gold_archive, format = "markdown", plot, out;
  size_t k = 10;
  double tau_ret = 0.5;
};

int RunEval(const EvalArgs& a) {
  auto queries = eval::ReadQueries(a.queries);
  if (!queries.ok()) return ReportError(queries.status());
  if (a.gold_labels.empty() == a.gold_archive.empty())
    return ReportError(Status::InvalidInput("give the ground truth once: --gold-labels DIR or --gold-archive DIR"));
  eval::EvalOptions options;
  options.gold_archive = a.gold_archive;
  options.k = a.k;
  options.tau_ret = a.tau_ret;
  auto report = eval::EvaluateArchives(a.archives, *queries, a.gold_labels, options);
  if (!report.ok()) return ReportError(report.status());
  const std::string text = a.format == "json" ? eval::ReportJson(*report) : eval::ReportMarkdown(*report);
  if (a.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (Status st = WriteFileAtomic(a.out, text); !st.ok()) {
    return ReportError(st);
  }
  if (!a.plot.empty()) {
    if (Status st = WriteFileAtomic(a.plot, eval::ReportSvg(*report)); !st.ok()) return ReportError(st);
  }
  return 0;
}

const bool kRegistered = RegisterCommand("eval", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Retrieval benchmark: AP/mAP per complexity and noise level, RRQC, RRIU, baseline");
  cmd->add_option("--archive", args->archives, "archive(s) to rank; several = noise levels 0, 1, 2, … in order (RRIU)")
      ->required();
  cmd->add_option("--queries", args->queries, "query set, JSON Lines with id, text, logic")->required();
  cmd->add_option("--gold-labels", args->gold_labels, "ground-truth DOTA labelTxt folder (gold = crisp evaluation)");
  cmd->add_option("--gold-archive", args->gold_archive,
                  "ground-truth archive instead of --gold-labels (e.g. polygon entities: ingest --geojson)");
  cmd->add_option("--format", args->format, "markdown (default) or json")->check(CLI::IsMember({"json", "markdown"}));
  cmd->add_option("--plot", args->plot, "write an SVG plot of mAP by complexity and noise level");
  cmd->add_option("--out", args->out, "write the report to a file instead of standard output");
  cmd->add_option("--k", args->k, "cut-off for P@k and R@k (default 10)")->check(CLI::Range(1, 1000000));
  cmd->add_option("--tau-ret", args->tau_ret, "retrieval threshold for P/R/F1 (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->callback([args, &exit_code] { exit_code = RunEval(*args); });
});

}  // namespace
}  // namespace georune::cli
