// georune score: text metrics of hypotheses against references (BLEU-1..4, METEOR, ROUGE-L,
// CIDEr-D, exact match) in pycocoevalcap ("coco") or RS-RAG ("rsrag") mode; see docs/metrics.md.
//
// Input: JSON Lines, one object per line with "id" (string or integer) and "text". A reference
// line's "text" may be a string or an array of strings, and an id may repeat over reference
// lines (its texts are pooled). A hypothesis file has one string "text" per id. Blank lines are
// skipped. A malformed line is reported as FILE:LINE with a hint (exit status 2).
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.h"
#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/eval/text_metrics.h"

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

struct Entry {
  std::string id;
  std::vector<std::string> texts;
  int line = 0;
};

// Parses a JSON Lines file of {"id", "text"} objects. `allow_array`: "text" may be an array.
Result<std::vector<Entry>> ReadTextLines(const std::string& path, bool allow_array) {
  auto content = ReadFile(path, uint64_t{256} << 20);  // read whole; a larger file is refused
  if (!content.ok()) return content.status();
  std::vector<Entry> entries;
  std::string_view text = *content;
  int line_no = 0;
  size_t start = 0;
  const char* text_hint = allow_array
                              ? "each line is an object like {\"id\": \"17\", \"text\": \"a caption\"} "
                                "or {\"id\": \"17\", \"text\": [\"one\", \"two\"]}"
                              : "each line is an object like {\"id\": \"17\", \"text\": \"a caption\"}";
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return FileDiagnostic(path, line_no, "not valid JSON", text_hint).ToStatus();
    }
    if (!j.is_object()) {
      return FileDiagnostic(path, line_no, "expected a JSON object", text_hint).ToStatus();
    }
    Entry e;
    e.line = line_no;
    auto id = j.find("id");
    if (id == j.end()) {
      return FileDiagnostic(path, line_no, "missing \"id\"", text_hint).ToStatus();
    }
    if (id->is_string()) {
      e.id = id->get<std::string>();
    } else if (id->is_number_integer()) {
      e.id = id->dump();
    } else {
      return FileDiagnostic(path, line_no, "\"id\" must be a string or an integer", text_hint)
          .ToStatus();
    }
    auto t = j.find("text");
    if (t == j.end()) {
      return FileDiagnostic(path, line_no, "missing \"text\"", text_hint).ToStatus();
    }
    if (t->is_string()) {
      e.texts.push_back(t->get<std::string>());
    } else if (allow_array && t->is_array()) {
      for (const auto& item : *t) {
        if (!item.is_string()) {
          return FileDiagnostic(path, line_no, "\"text\" array must hold only strings", text_hint)
              .ToStatus();
        }
        e.texts.push_back(item.get<std::string>());
      }
      if (e.texts.empty()) {
        return FileDiagnostic(path, line_no, "\"text\" array is empty", text_hint).ToStatus();
      }
    } else {
      return FileDiagnostic(path, line_no,
                            allow_array ? "\"text\" must be a string or an array of strings"
                                        : "\"text\" must be a string",
                            text_hint)
          .ToStatus();
    }
    entries.push_back(std::move(e));
  }
  if (entries.empty()) {
    return FileDiagnostic(path, 0, "no lines with an id and a text", text_hint).ToStatus();
  }
  return entries;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

int RunScore(const ScoreArgs& a) {
  auto mode = eval::ParseMetricsMode(a.mode);
  if (!mode.ok()) return ReportError(mode.status());
  auto ref_lines = ReadTextLines(a.refs, /*allow_array=*/true);
  if (!ref_lines.ok()) return ReportError(ref_lines.status());
  auto hyp_lines = ReadTextLines(a.hyps, /*allow_array=*/false);
  if (!hyp_lines.ok()) return ReportError(hyp_lines.status());

  std::map<std::string, std::vector<std::string>> refs;
  for (auto& e : *ref_lines) {
    auto& texts = refs[e.id];
    texts.insert(texts.end(), e.texts.begin(), e.texts.end());
  }
  std::map<std::string, std::string> hyps;
  std::map<std::string, int> hyp_line;
  for (auto& e : *hyp_lines) {
    auto [it, inserted] = hyp_line.emplace(e.id, e.line);
    if (!inserted) {
      return ReportError(FileDiagnostic(a.hyps, e.line,
                                        "hypothesis id '" + e.id + "' repeats line " +
                                            std::to_string(it->second),
                                        "give one hypothesis per id")
                             .ToStatus());
    }
    if (!refs.count(e.id)) {
      return ReportError(FileDiagnostic(a.hyps, e.line,
                                        "hypothesis id '" + e.id + "' has no reference in " + a.refs,
                                        "every hypothesis id needs a reference line with the same id")
                             .ToStatus());
    }
    hyps.emplace(e.id, std::move(e.texts.front()));
  }

  eval::TextMetricsOptions options;
  options.wordnet_dir = a.wordnet_dir;
  options.use_wordnet = !a.no_wordnet;
  auto scores = eval::ScoreCorpus(refs, hyps, *mode, options);
  if (!scores.ok()) return ReportError(scores.status());
  const auto& s = *scores;
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
    out["references_without_hypothesis"] = refs.size() - hyps.size();
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

  std::printf("mode     %s (%s)\n", eval::MetricsModeName(s.mode),
              coco ? "pycocoevalcap" : "RS-RAG evaluation script");
  std::printf("items    %zu\n", s.n);
  for (int k = 0; k < 4; ++k) std::printf("BLEU-%d   %s\n", k + 1, Number(s.bleu[k]).c_str());
  std::printf("METEOR   %s%s\n", Number(s.meteor).c_str(),
              s.meteor_synonyms ? "" : "  (no WordNet synonyms)");
  std::printf("ROUGE-L  %s\n", Number(s.rouge_l).c_str());
  std::printf("CIDEr-D  %s\n", Number(s.cider).c_str());
  std::printf("EM       %s\n", Number(s.exact_match).c_str());
  if (a.per_item) {
    std::printf("\n%-16s %9s %9s %9s %9s %9s %9s %9s %3s\n", "id", "BLEU-1", "BLEU-2", "BLEU-3",
                "BLEU-4", "METEOR", "ROUGE-L", "CIDEr-D", "EM");
    for (const auto& [id, it] : s.per_item) {
      std::printf("%-16s %9.6f %9.6f %9.6f %9.6f %9.6f %9.6f %9.6f %3s\n", id.c_str(), it.bleu[0],
                  it.bleu[1], it.bleu[2], it.bleu[3], it.meteor, it.rouge_l, it.cider,
                  it.exact_match ? "yes" : "no");
    }
  }
  return 0;
}

const bool kRegistered = RegisterCommand("score", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "score", "Score hypotheses against references: BLEU-1..4, METEOR, ROUGE-L, CIDEr-D");
  cmd->add_option("--refs", args->refs,
                  "references: JSON Lines of {\"id\", \"text\"}; text may be an array, ids may repeat")
      ->required();
  cmd->add_option("--hyps", args->hyps, "hypotheses: JSON Lines of {\"id\", \"text\"}")->required();
  cmd->add_option("--mode", args->mode,
                  "coco (pycocoevalcap) or rsrag (the RS-RAG evaluation script)")
      ->check(CLI::IsMember({"coco", "rsrag"}));
  cmd->add_option("--format", args->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--wordnet", args->wordnet_dir, "WordNet folder for METEOR synonyms");
  cmd->add_flag("--no-wordnet", args->no_wordnet, "METEOR without the WordNet synonym stage");
  cmd->add_flag("--per-item", args->per_item, "also print every item's scores");
  cmd->callback([args, &exit_code] { exit_code = RunScore(*args); });
});

}  // namespace
}  // namespace georune::cli
