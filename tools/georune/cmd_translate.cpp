// georune translate: English → logic formula; --eval FILE.jsonl --archive DIR scores a
// translator by the crisp answers of its formulas against the gold formulas'.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/logic/echo.h"
#include "georune/nl/translator.h"
#include "georune/search/search.h"
#include "translator_options.h"

namespace georune::cli {
namespace {

struct TranslateArgs {
  std::string english;
  std::string eval_file;
  std::string archive;
  std::string ontology = "dota-v2.0";
  std::string format = "text";
  double default_gsd = std::nan("");
  TranslatorOptions translator;
};

nlohmann::json ComplexityJson(const logic::BoundQuery& q) {
  logic::Complexity c = logic::MeasureComplexity(q);
  return {{"level", c.level()},
          {"total", c.total()},
          {"entities", c.entities},
          {"relations", c.relations},
          {"negations", c.negations}};
}

// The ontology to translate against: the archive's own when --archive is given.
Result<Ontology> ChooseOntology(const TranslateArgs& a) {
  if (a.archive.empty()) return Ontology::Load(a.ontology);
  GEORUNE_ASSIGN_OR_RETURN(auto archive, Archive::Open(a.archive));
  return archive->ontology();
}

int RunOne(const TranslateArgs& a) {
  auto ont = ChooseOntology(a);
  if (!ont.ok()) return ReportError(ont.status());
  auto tr = a.translator.Build();
  if (!tr.ok()) return ReportError(tr.status());
  auto start = std::chrono::steady_clock::now();
  auto t = (*tr)->Translate(a.english, *ont);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!t.ok()) return ReportError(t.status());
  if (a.format == "json") {
    nlohmann::json j = {{"text", a.english},
                        {"logic", t->formula},
                        {"echo", logic::RenderEnglish(t->query)},
                        {"translator", t->translator},
                        {"agreement", t->agreement},
                        {"samples", t->samples},
                        {"votes", t->votes},
                        {"complexity", ComplexityJson(t->query)},
                        {"ms", ms}};
    j["rejected"] = nlohmann::json::array();
    for (const auto& [cand, why] : t->rejected) j["rejected"].push_back({{"candidate", cand}, {"reason", why}});
    if (!t->note.empty()) j["note"] = t->note;
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s\n", t->formula.c_str());
    std::fprintf(stderr, "echo: %s\n", logic::RenderEnglish(t->query).c_str());
    if (t->translator == "llm") {
      std::fprintf(stderr, "agreement %d/%d (%.2f)\n", t->votes, t->samples, t->agreement);
      for (const auto& [cand, why] : t->rejected) std::fprintf(stderr, "rejected: %s: %s\n", cand.c_str(), why.c_str());
    }
    if (!t->note.empty()) std::fprintf(stderr, "note: %s\n", t->note.c_str());
  }
  return 0;
}

std::vector<std::string> Answers(const search::SearchResponse& r) {
  std::vector<std::string> ids;
  for (const auto& x : r.results) ids.push_back(x.image_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

int RunEval(const TranslateArgs& a) {
  if (a.archive.empty()) return ReportError(Status::InvalidInput("--eval needs --archive DIR"));
  auto opened = Archive::Open(a.archive);
  if (!opened.ok()) return ReportError(opened.status());
  const Archive& archive = **opened;
  const Ontology& ont = archive.ontology();
  auto tr = a.translator.Build();
  if (!tr.ok()) return ReportError(tr.status());
  std::ifstream in(a.eval_file);
  if (!in) return ReportError(Status::NotFound(a.eval_file + ": cannot open"));
  search::SearchOptions opts;
  opts.truth.crisp = true;
  opts.truth.default_gsd = a.default_gsd;
  opts.top_k = 0;
  struct Level {
    int right = 0, total = 0;
  };
  std::map<int, Level> levels;
  int right = 0, total = 0;
  double ms_total = 0;
  nlohmann::json failures = nlohmann::json::array();
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("text") || !j.contains("logic") || !j["text"].is_string() ||
        !j["logic"].is_string()) {
      return ReportError(Status::InvalidInput(a.eval_file + ":" + std::to_string(line_no) +
                                              ": expected a JSON object with string fields \"text\" and \"logic\""));
    }
    std::string text = j["text"], gold_text = j["logic"];
    std::string id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : std::to_string(line_no);
    auto gold = logic::ParseAndBind(gold_text, ont);
    if (!gold.ok()) {
      return ReportError(Status::InvalidInput(a.eval_file + ":" + std::to_string(line_no) +
                                              ": gold formula: " + gold.status().message()));
    }
    int level = logic::MeasureComplexity(*gold).level();
    ++total;
    ++levels[level].total;
    auto start = std::chrono::steady_clock::now();
    auto t = (*tr)->Translate(text, ont);
    ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::string reason;
    std::string got;
    if (!t.ok()) {
      reason = t.status().message();
    } else {
      got = t->formula;
      auto gr = search::Run(archive, *gold, opts);
      auto tr_r = search::Run(archive, t->query, opts);
      if (!gr.ok() && gr.status().code() != StatusCode::kTooComplex) return ReportError(gr.status());
      if (!gr.ok()) {
        reason = "the gold formula is too complex to evaluate: " + gr.status().message();  // counted, not fatal
      } else if (!tr_r.ok()) {
        reason = tr_r.status().message();
      } else {
        auto ga = Answers(*gr), ta = Answers(*tr_r);
        if (ga == ta) {
          ++right;
          ++levels[level].right;
          continue;
        }
        reason = "different images: gold " + std::to_string(ga.size()) + ", translation " + std::to_string(ta.size());
      }
    }
    failures.push_back(
        {{"id", id}, {"text", text}, {"gold", gold_text}, {"translation", got}, {"level", level}, {"reason", reason}});
  }
  double acc = total ? static_cast<double>(right) / total : 0.0;
  if (a.format == "json") {
    nlohmann::json j = {{"file", a.eval_file},
                        {"archive", a.archive},
                        {"translator", a.translator.kind},
                        {"queries", total},
                        {"right", right},
                        {"accuracy", acc},
                        {"ms_per_query", total ? ms_total / total : 0.0}};
    j["by_level"] = nlohmann::json::object();
    for (const auto& [l, v] : levels) {
      j["by_level"]["L" + std::to_string(l)] = {
          {"right", v.right}, {"total", v.total}, {"accuracy", v.total ? static_cast<double>(v.right) / v.total : 0.0}};
    }
    j["failures"] = failures;
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("accuracy %d/%d = %.1f%%  (%.3f ms per translation)\n", right, total, 100 * acc,
                total ? ms_total / total : 0.0);
    for (const auto& [l, v] : levels) {
      std::printf("  L%d  %d/%d = %.1f%%\n", l, v.right, v.total, v.total ? 100.0 * v.right / v.total : 0.0);
    }
    for (const auto& f : failures) {
      std::printf("FAIL %s: %s\n  got:  %s\n  gold: %s\n  why:  %s\n", f["id"].get<std::string>().c_str(),
                  f["text"].get<std::string>().c_str(), f["translation"].get<std::string>().c_str(),
                  f["gold"].get<std::string>().c_str(), f["reason"].get<std::string>().c_str());
    }
  }
  return 0;
}

void Setup(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TranslateArgs>();
  CLI::App* cmd = app.add_subcommand("translate", "translate an English query into a logic formula");
  cmd->add_option("query", args->english, "the English query");
  cmd->add_option("--eval", args->eval_file, "JSON Lines with \"text\" and gold \"logic\": score the translator");
  cmd->add_option("--archive", args->archive,
                  "archive whose ontology to translate against; with --eval, to compare crisp answers on");
  cmd->add_option("--ontology", args->ontology, "ontology for a single query: built-in name or JSON file");
  cmd->add_option("--format", args->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--default-gsd", args->default_gsd, "with --eval: metres per pixel for images without gsd");
  args->translator.AddTo(cmd);
  cmd->callback([args, &exit_code] {
    if (!args->eval_file.empty()) {
      exit_code = RunEval(*args);
    } else if (args->english.empty()) {
      exit_code = ReportError(Status::InvalidInput("give an English query, or --eval FILE.jsonl --archive DIR"));
    } else {
      exit_code = RunOne(*args);
    }
  });
}

const bool kRegistered = RegisterCommand("translate", Setup);

}  // namespace
}  // namespace georune::cli
