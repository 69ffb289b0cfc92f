#include "georune/eval/rswk_eval.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace georune::eval {
namespace {

struct KindStats {
  size_t n = 0;
  std::map<int, size_t> hits;
  double mrr = 0;
  std::map<std::string, std::vector<std::string>> refs;
  std::map<std::string, std::string> hyps, gold_labels;
  double ms = 0;
  bool classify = false;
};

// 1-based rank of `record_id` among the distinct records of `got` (in order); 0 when absent.
int RecordRank(const std::vector<rag::Retrieved>& got, const std::string& record_id) {
  std::vector<std::string> order;
  for (const auto& r : got) {
    if (std::find(order.begin(), order.end(), r.record_id) == order.end()) order.push_back(r.record_id);
  }
  const auto pos = std::find(order.begin(), order.end(), record_id);
  return pos == order.end() ? 0 : int(pos - order.begin()) + 1;
}

Result<nlohmann::json> KindJson(const KindStats& st, const RswkEvalOptions& o) {
  nlohmann::json j;
  j["n"] = st.n;
  for (int k : o.recall_k) {
    auto it = st.hits.find(k);
    j["recall@" + std::to_string(k)] = double(it == st.hits.end() ? 0 : it->second) / double(st.n);
  }
  j["mrr"] = st.mrr / double(st.n);
  j["mean_ms"] = st.ms / double(st.n);
  if (st.classify) {
    GEORUNE_ASSIGN_OR_RETURN(auto acc, ClassificationAccuracy(st.gold_labels, st.hyps));
    j["accuracy"] = acc.accuracy;
    j["mean_class_accuracy"] = acc.mean_class_accuracy;
    for (const auto& [cls, c] : acc.per_class)
      j["per_class"][cls] = {{"correct", c.correct}, {"total", c.total}, {"accuracy", c.accuracy}};
  } else {
    GEORUNE_ASSIGN_OR_RETURN(auto sc, ScoreCorpus(st.refs, st.hyps, o.metrics));
    j["exact_match"] = sc.exact_match;
    j["bleu"] = sc.bleu;
    j["meteor"] = sc.meteor;
    j["rouge_l"] = sc.rouge_l;
    j["cider"] = sc.cider;
  }
  return j;
}

}  // namespace

Result<RswkEvalResult> RunRswkEval(const rag::KnowledgeBase& kb, const rag::Retriever& retriever,
                                   const std::vector<rag::BenchItem>& items, const RswkEvalOptions& o) {
  const size_t answer_k = o.retrieve.top_k;
  rag::RetrieveOptions ro = o.retrieve;
  for (int k : o.recall_k) ro.top_k = std::max(ro.top_k, size_t(std::max(1, k)) * 8);
  rag::AnswerOptions answer_options;
  answer_options.names = std::make_shared<const rag::LandmarkIndex>(kb.records());
  std::map<std::string, KindStats> stats;
  std::vector<std::string> notes;
  RswkEvalResult result;
  for (const auto& item : items) {
    const auto t0 = std::chrono::steady_clock::now();
    GEORUNE_ASSIGN_OR_RETURN(auto got, retriever.Retrieve({item.question, ""}, ro, &notes));
    std::vector<rag::Retrieved> top(got.begin(), got.begin() + long(std::min(answer_k, got.size())));
    const auto ans = rag::AnswerExtractive(kb, top, item.task, item.question, answer_options);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    KindStats& st = stats[item.kind];
    ++st.n;
    st.ms += ms;
    st.classify = item.task == rag::Task::kClassify;
    const int rank = RecordRank(got, item.record_id);
    for (int k : o.recall_k) st.hits[k] += (rank > 0 && rank <= k);
    if (rank > 0) st.mrr += 1.0 / rank;
    st.refs[item.id] = {item.gold};
    st.hyps[item.id] = ans.answer;
    st.gold_labels[item.id] = item.gold;
    result.predictions.push_back({{"id", item.id},
                                  {"question", item.question},
                                  {"gold", item.gold},
                                  {"answer", ans.answer},
                                  {"field", ans.field},
                                  {"record_rank", rank},
                                  {"gold_record", item.record_id}});
  }
  nlohmann::json& out = result.report;
  out["kb"] = o.kb_path;
  out["records"] = kb.records().size();
  out["chunks"] = kb.chunks().size();
  out["questions"] = items.size();
  out["skipped_not_in_kb"] = o.skipped;
  out["params"] = {{"alpha", o.retrieve.alpha},
                   {"tau", o.retrieve.tau},
                   {"top_k", answer_k},
                   {"fusion", o.retrieve.fusion == rag::Fusion::kRrf ? "rrf" : "weighted"},
                   {"wordnet", o.wordnet},
                   {"metrics", MetricsModeName(o.metrics)},
                   {"exact_search", o.retrieve.exact}};
  for (const auto& [kind, st] : stats) {
    GEORUNE_ASSIGN_OR_RETURN(out["by_file"][kind], KindJson(st, o));
  }
  if (!notes.empty()) {
    std::sort(notes.begin(), notes.end());
    notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
    out["notes"] = notes;
  }
  return result;
}

std::string RswkEvalText(const nlohmann::json& report, const std::vector<int>& recall_k) {
  std::string text;
  auto add = [&](const char* fmt, auto... args) {
    char buf[1024];
    std::snprintf(buf, sizeof buf, fmt, args...);
    text += buf;
  };
  add("RSWK benchmark (this project's): %zu questions on %zu records, %zu skipped\n", report["questions"].get<size_t>(),
      report["records"].get<size_t>(), report["skipped_not_in_kb"].get<size_t>());
  if (!report.contains("by_file")) return text;
  for (const auto& [kind, j] : report["by_file"].items()) {
    add("%s (n=%d):", kind.c_str(), j["n"].get<int>());
    for (int k : recall_k) {
      const std::string key = "recall@" + std::to_string(k);
      add(" %s=%.3f", key.c_str(), j[key].get<double>());
    }
    add(" mrr=%.3f", j["mrr"].get<double>());
    if (j.contains("accuracy")) add(" accuracy=%.3f", j["accuracy"].get<double>());
    if (j.contains("bleu")) {
      add(" EM=%.3f BLEU-1..4=%.3f/%.3f/%.3f/%.3f METEOR=%.3f ROUGE-L=%.3f CIDEr=%.3f", j["exact_match"].get<double>(),
          j["bleu"][0].get<double>(), j["bleu"][1].get<double>(), j["bleu"][2].get<double>(),
          j["bleu"][3].get<double>(), j["meteor"].get<double>(), j["rouge_l"].get<double>(), j["cider"].get<double>());
    }
    add(" (%.2f ms/question)\n", j["mean_ms"].get<double>());
  }
  return text;
}

}  // namespace georune::eval
