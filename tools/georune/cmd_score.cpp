// georune score: text metrics of hypotheses against references (BLEU-1..4, METEOR, ROUGE-L,
// CIDEr-D, exact match) in pycocoevalcap ("coco") or RS-RAG ("rsrag") mode; see docs/metrics.md.
// The run itself (reading, pairing, scoring) is eval::ScoreFiles; this prints its result.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "command.h"
#include "georune/eval/score_files.h"

namespace georune::cli {
namespace {

struct ScoreArgs {
  std::string refs;
  std::string hyps;
  std::string mode = "coco";
  std::string format = "table";
  std::string wordnet_dir = "/usr/share/wordnet";
  bool no_wordnet = false;
  bool per_item = false;
};

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

int RunScore(const ScoreArgs& a) {
  auto mode = eval::ParseMetricsMode(a.mode);
  if (!mode.ok()) return ReportError(mode.status());
  eval::TextMetricsOptions options;
  options.wordnet_dir = a.wordnet_dir;
  options.use_wordnet = !a.no_wordnet;
  auto run = eval::ScoreFiles(a.refs, a.hyps, *mode, options);
  if (!run.ok()) return ReportError(run.status());
  const auto& s = run->scores;
  const bool coco = *mode == eval::MetricsMode::kCoco;

  if (a.format == "json") {
    nlohmann::ordered_json out;
    out["mode"] = eval::MetricsModeName(s.mode);
    out["n"] = s.n;
    for (int k = 0; k < 4; ++k) out["bleu" + std::to_string(k + 1)] = s.bleu[k];
    out["meteor"] = s.meteor;
    out["rouge_l"] = s.rouge_l;
    out["cider"] = s.cider;
    out["exact_match"] = s.exact_match;
    out["meteor_synonyms"] = s.meteor_synonyms;
    out["references_without_hypothesis"] = run->references_without_hypothesis;
    if (a.per_item) {
      nlohmann::ordered_json items = nlohmann::ordered_json::object();
      for (const auto& [id, it] : s.per_item) {
        nlohmann::ordered_json o;
        for (int k = 0; k < 4; ++k) o["bleu" + std::to_string(k + 1)] = it.bleu[k];
        o["meteor"] = it.meteor;
        o["rouge_l"] = it.rouge_l;
        o["cider"] = it.cider;
        o["exact_match"] = it.exact_match;
        items[id] = std::move(o);
      }
      out["per_item"] = std::move(items);
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }

  std::printf("mode     %s (%s)\n", eval::MetricsModeName(s.mode), coco ? "pycocoevalcap" : "RS-RAG evaluation script");
  std::printf("items    %zu\n", s.n);
  for (int k = 0; k < 4; ++k) std::printf("BLEU-%d   %s\n", k + 1, Number(s.bleu[k]).c_str());
  std::printf("METEOR   %s%s\n", Number(s.meteor).c_str(), s.meteor_synonyms ? "" : "  (no WordNet synonyms)");
  std::printf("ROUGE-L  %s\n", Number(s.rouge_l).c_str());
  std::printf("CIDEr-D  %s\n", Number(s.cider).c_str());
  std::printf("EM       %s\n", Number(s.exact_match).c_str());
  if (a.per_item) {
    std::printf("\n%-16s %9s %9s %9s %9s %9s %9s %9s %3s\n", "id", "BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "METEOR",
                "ROUGE-L", "CIDEr-D", "EM");
    for (const auto& [id, it] : s.per_item) {
      std::printf("%-16s %9.6f %9.6f %9.6f %9.6f %9.6f %9.6f %9.6f %3s\n", id.c_str(), it.bleu[0], it.bleu[1],
                  it.bleu[2], it.bleu[3], it.meteor, it.rouge_l, it.cider, it.exact_match ? "yes" : "no");
    }
  }
  return 0;
}

const bool kRegistered = RegisterCommand("score", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd =
      app.add_subcommand("score", "Score hypotheses against references: BLEU-1..4, METEOR, ROUGE-L, CIDEr-D");
  cmd->add_option("--refs", args->refs,
                  "references: JSON Lines of {\"id\", \"text\"}; text may be an array, ids may repeat")
      ->required();
  cmd->add_option("--hyps", args->hyps, "hypotheses: JSON Lines of {\"id\", \"text\"}")->required();
  cmd->add_option("--mode", args->mode, "coco (pycocoevalcap) or rsrag (the RS-RAG evaluation script)")
      ->check(CLI::IsMember({"coco", "rsrag"}));
  cmd->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--wordnet", args->wordnet_dir, "WordNet folder for METEOR synonyms");
  cmd->add_flag("--no-wordnet", args->no_wordnet, "METEOR without the WordNet synonym stage");
  cmd->add_flag("--per-item", args->per_item, "also print every item's scores");
  cmd->callback([args, &exit_code] { exit_code = RunScore(*args); });
});

}  // namespace
}  // namespace georune::cli
