// Rendering of retrieval benchmark reports: JSON, Markdown, SVG (retrieval_bench.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "georune/eval/retrieval_bench.h"

namespace georune::eval {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kDefinitions =
    "Metrics follow spec/logic.md section 8 (project definitions): AP = (1/|R|) * sum of P@k "
    "over the ranks k holding a relevant image, ranking = images with score > 0 by score desc "
    "then id asc; retrieved set = score >= tau_ret; RRQC and RRIU = mean over the other levels "
    "of min(1, mAP_l / mAP_lowest). The RUNE paper names RRQC and RRIU without formulas we could "
    "read; these are this project's definitions. Gold = crisp evaluation on the gold labels. "
    "Baseline = bag-of-entities cosine (stand-in for joint-embedding retrieval).";

Json Opt(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json ByLevel(const std::map<int, double>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[std::to_string(k)] = v;
  return j;
}

Json Metrics(const QueryMetrics& m, size_t k, bool empty_gold) {
  Json j;
  const std::string pk = "p_at_" + std::to_string(k), rk = "r_at_" + std::to_string(k);
  j["ap"] = empty_gold ? Json(nullptr) : Json(m.ap);
  j[pk] = m.p_at_k;
  j[rk] = empty_gold ? Json(nullptr) : Json(m.r_at_k);
  j["precision"] = m.precision;
  j["recall"] = empty_gold ? Json(nullptr) : Json(m.recall);
  j["f1"] = m.f1;
  j["relevant"] = m.relevant;
  j["ranked"] = m.ranked;
  j["retrieved"] = m.retrieved;
  j["false_positives"] = m.false_positives;
  return j;
}

Json QueriesJson(const RunSummary& run, size_t k) {
  Json arr = Json::array();
  for (const auto& q : run.queries) {
    Json j;
    j["id"] = q.id;
    j["text"] = q.text;
    j["logic"] = q.logic;
    j["level"] = q.level;
    j["complexity"] = q.complexity;
    if (!q.error.empty()) {
      j["error"] = q.error;
      arr.push_back(j);
      continue;
    }
    j["empty_gold"] = q.empty_gold;
    const Json engine = Metrics(q.engine, k, q.empty_gold);
    for (auto it = engine.begin(); it != engine.end(); ++it) j[it.key()] = it.value();
    j["baseline"] = Metrics(q.baseline, k, q.empty_gold);
    arr.push_back(j);
  }
  return arr;
}

Json RunJson(const RunSummary& run, size_t k) {
  Json s;
  const std::string pk = "mean_p_at_" + std::to_string(k), rk = "mean_r_at_" + std::to_string(k);
  s["archive"] = run.archive;
  s["noise"] = run.noise;
  s["queries"] = run.queries.size();
  s["evaluated"] = run.evaluated;
  s["map"] = run.map;
  s["map_by_level"] = ByLevel(run.map_by_level);
  Json counts = Json::object();
  for (const auto& [l, n] : run.queries_by_level) counts[std::to_string(l)] = n;
  s["queries_by_level"] = counts;
  s["rrqc"] = Opt(run.rrqc);
  s[pk] = run.mean_p_at_k;
  s[rk] = run.mean_r_at_k;
  s["mean_precision"] = run.mean_precision;
  s["mean_recall"] = run.mean_recall;
  s["mean_f1"] = run.mean_f1;
  Json empty = Json::array(), errors = Json::array();
  for (const auto& q : run.queries) {
    if (!q.error.empty()) errors.push_back({{"id", q.id}, {"error", q.error}});
    else if (q.empty_gold)
      empty.push_back({{"id", q.id},
                       {"false_positives", q.engine.false_positives},
                       {"ranked", q.engine.ranked},
                       {"baseline_false_positives", q.baseline.false_positives}});
  }
  s["empty_gold"] = empty;
  s["errors"] = errors;
  Json b;
  b["map"] = run.baseline_map;
  b["map_by_level"] = ByLevel(run.baseline_map_by_level);
  b["rrqc"] = Opt(run.baseline_rrqc);
  b[pk] = run.baseline_mean_p_at_k;
  b[rk] = run.baseline_mean_r_at_k;
  b["mean_f1"] = run.baseline_mean_f1;
  s["baseline"] = b;
  return s;
}

std::string Fmt(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string Fmt(const std::optional<double>& v) { return v ? Fmt(*v) : "n/a"; }

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

}  // namespace

std::string ReportJson(const EvalReport& report) {
  Json root;
  const size_t k = report.options.k;
  root["definitions"] = kDefinitions;
  root["k"] = k;
  root["tau_ret"] = report.options.tau_ret;
  root["gold_labels"] = report.gold_labels;
  root["gold_images"] = report.gold_images;
  root["queries"] = report.runs.empty() ? Json::array() : QueriesJson(report.runs.front(), k);
  Json summary = report.runs.empty() ? Json::object() : RunJson(report.runs.front(), k);
  summary["map_by_noise"] = ByLevel(report.map_by_noise);
  summary["rriu"] = Opt(report.rriu);
  if (summary.contains("baseline")) {
    summary["baseline"]["map_by_noise"] = ByLevel(report.baseline_map_by_noise);
    summary["baseline"]["rriu"] = Opt(report.baseline_rriu);
  }
  root["summary"] = summary;
  Json runs = Json::array();
  for (const auto& run : report.runs) {
    Json r = RunJson(run, k);
    r["per_query"] = QueriesJson(run, k);
    runs.push_back(r);
  }
  root["runs"] = runs;
  return root.dump(2) + "\n";
}

std::string ReportMarkdown(const EvalReport& report) {
  std::ostringstream o;
  const size_t k = report.options.k;
  o << "# Retrieval evaluation\n\n";
  o << "Gold labels: `" << report.gold_labels << "` (" << report.gold_images
    << " images), gold = crisp evaluation; archives ranked in the default soft mode. k = " << k
    << ", tau_ret = " << report.options.tau_ret << ".\n\n";
  o << "> " << kDefinitions << "\n\n";
  if (report.runs.empty()) return o.str();
  const RunSummary& first = report.runs.front();
  o << "## By complexity level (archive `" << first.archive << "`)\n\n";
  o << "| level | queries | engine mAP | baseline mAP |\n| ---: | ---: | ---: | ---: |\n";
  for (const auto& [level, m] : first.map_by_level)
    o << "| L" << level << " | " << first.queries_by_level.at(level) << " | " << Fmt(m) << " | "
      << Fmt(first.baseline_map_by_level.at(level)) << " |\n";
  o << "| all | " << first.evaluated << " | " << Fmt(first.map) << " | " << Fmt(first.baseline_map) << " |\n\n";
  o << "RRQC: engine " << Fmt(first.rrqc) << ", baseline " << Fmt(first.baseline_rrqc) << ".\n\n";
  o << "Engine means: P@" << k << " " << Fmt(first.mean_p_at_k) << ", R@" << k << " " << Fmt(first.mean_r_at_k)
    << ", P " << Fmt(first.mean_precision) << ", R " << Fmt(first.mean_recall) << ", F1 " << Fmt(first.mean_f1)
    << "; baseline P@" << k << " " << Fmt(first.baseline_mean_p_at_k) << ", R@" << k << " "
    << Fmt(first.baseline_mean_r_at_k) << ", F1 " << Fmt(first.baseline_mean_f1) << ".\n\n";
  if (report.runs.size() > 1) {
    o << "## By noise level\n\n| noise | archive | engine mAP | baseline mAP | engine RRQC |\n"
         "| ---: | --- | ---: | ---: | ---: |\n";
    for (const auto& run : report.runs)
      o << "| " << run.noise << " | `" << run.archive << "` | " << Fmt(run.map) << " | " << Fmt(run.baseline_map)
        << " | " << Fmt(run.rrqc) << " |\n";
    o << "\nRRIU: engine " << Fmt(report.rriu) << ", baseline " << Fmt(report.baseline_rriu) << ".\n\n";
  }
  o << "## Queries (archive `" << first.archive << "`)\n\n";
  o << "| id | level | relevant | ranked | AP | P@" << k << " | R@" << k
    << " | P | R | F1 | baseline AP |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
       "---: | ---: | ---: |\n";
  for (const auto& q : first.queries) {
    if (!q.error.empty() || q.empty_gold) continue;
    o << "| " << Escape(q.id) << " | " << q.level << " | " << q.engine.relevant << " | " << q.engine.ranked << " | "
      << Fmt(q.engine.ap) << " | " << Fmt(q.engine.p_at_k) << " | " << Fmt(q.engine.r_at_k) << " | "
      << Fmt(q.engine.precision) << " | " << Fmt(q.engine.recall) << " | " << Fmt(q.engine.f1) << " | "
      << Fmt(q.baseline.ap) << " |\n";
  }
  bool any_empty = false, any_error = false;
  for (const auto& q : first.queries) any_empty |= q.empty_gold, any_error |= !q.error.empty();
  if (any_empty) {
    o << "\n### Queries with an empty gold set (measure: false positives at tau_ret)\n\n"
         "| id | level | engine FPs | ranked | baseline FPs |\n| --- | ---: | ---: | ---: | ---: |\n";
    for (const auto& q : first.queries)
      if (q.empty_gold)
        o << "| " << Escape(q.id) << " | " << q.level << " | " << q.engine.false_positives << " | " << q.engine.ranked
          << " | " << q.baseline.false_positives << " |\n";
  }
  if (any_error) {
    o << "\n### Queries that failed (left out of every mean)\n\n";
    for (const auto& q : first.queries)
      if (!q.error.empty()) {
        std::string msg = q.error.substr(0, q.error.find('\n'));
        o << "- `" << q.id << "`: " << Escape(msg) << "\n";
      }
  }
  return o.str();
}

std::string ReportSvg(const EvalReport& report) {
  // Two panels, 420 × 300 each: mAP vs complexity level, mAP vs noise level.
  const double pw = 420, ph = 300, ml = 60, mr = 20, mt = 40, mb = 50;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << 2 * pw << "\" height=\"" << ph + 40
    << "\" viewBox=\"0 0 " << 2 * pw << " " << ph + 40 << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<title>georune retrieval evaluation: mAP by complexity and noise level</title>\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << 2 * pw << "\" height=\"" << ph + 40 << "\" fill=\"white\"/>\n";
  struct Series {
    std::string name, color, dash;
    std::map<int, double> points;
  };
  auto panel = [&](double x0, const std::string& title, const std::string& xlabel, const std::vector<int>& xs,
                   const std::vector<Series>& series) {
    const double left = x0 + ml, right = x0 + pw - mr, top = mt, bottom = ph - mb;
    o << "<g>\n<text x=\"" << (left + right) / 2 << "\" y=\"22\" text-anchor=\"middle\" "
      << "font-size=\"14\" font-weight=\"bold\">" << Escape(title) << "</text>\n";
    // axes and grid
    for (int t = 0; t <= 5; ++t) {
      const double v = t / 5.0, y = bottom - v * (bottom - top);
      o << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << right << "\" y2=\"" << y
        << "\" stroke=\"#dddddd\"/>\n";
      o << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << Fmt(v, 1) << "</text>\n";
    }
    o << "<line x1=\"" << left << "\" y1=\"" << bottom << "\" x2=\"" << right << "\" y2=\"" << bottom
      << "\" stroke=\"black\"/>\n";
    o << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << bottom
      << "\" stroke=\"black\"/>\n";
    auto xpos = [&](int x) {
      if (xs.size() <= 1) return (left + right) / 2;
      const double lo = xs.front(), hi = xs.back();
      return left + 20 + (x - lo) / (hi - lo) * (right - left - 40);
    };
    for (int x : xs)
      o << "<text x=\"" << xpos(x) << "\" y=\"" << bottom + 18 << "\" text-anchor=\"middle\">" << x << "</text>\n";
    o << "<text x=\"" << (left + right) / 2 << "\" y=\"" << bottom + 38 << "\" text-anchor=\"middle\">"
      << Escape(xlabel) << "</text>\n";
    o << "<text x=\"" << x0 + 16 << "\" y=\"" << (top + bottom) / 2
      << "\" text-anchor=\"middle\" transform=\"rotate(-90 " << x0 + 16 << " " << (top + bottom) / 2
      << ")\">mAP</text>\n";
    if (xs.empty())
      o << "<text x=\"" << (left + right) / 2 << "\" y=\"" << (top + bottom) / 2
        << "\" text-anchor=\"middle\" fill=\"#777777\">no data</text>\n";
    int legend = 0;
    for (const auto& s : series) {
      std::string pts;
      for (const auto& [x, v] : s.points) {
        const double y = bottom - std::clamp(v, 0.0, 1.0) * (bottom - top);
        pts += Fmt(xpos(x), 1) + "," + Fmt(y, 1) + " ";
        o << "<circle cx=\"" << Fmt(xpos(x), 1) << "\" cy=\"" << Fmt(y, 1) << "\" r=\"3.5\" fill=\"" << s.color
          << "\"><title>" << Escape(s.name) << " " << x << ": " << Fmt(v) << "</title></circle>\n";
      }
      if (s.points.size() > 1)
        o << "<polyline points=\"" << pts << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
          << (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") << "/>\n";
      const double ly = top + 8 + 16 * legend++;
      o << "<line x1=\"" << right - 110 << "\" y1=\"" << ly << "\" x2=\"" << right - 90 << "\" y2=\"" << ly
        << "\" stroke=\"" << s.color << "\" stroke-width=\"2\""
        << (s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"") << "/>\n";
      o << "<text x=\"" << right - 85 << "\" y=\"" << ly + 4 << "\">" << Escape(s.name) << "</text>\n";
    }
    o << "</g>\n";
  };
  std::vector<int> levels;
  std::vector<Series> by_level;
  if (!report.runs.empty()) {
    for (const auto& [l, v] : report.runs.front().map_by_level) levels.push_back(l);
    by_level.push_back({"engine", "#1f77b4", "", report.runs.front().map_by_level});
    by_level.push_back({"baseline", "#d62728", "6,4", report.runs.front().baseline_map_by_level});
  }
  panel(0, "mAP by query complexity level", "complexity level (spec 7)", levels, by_level);
  std::vector<int> noises;
  for (const auto& [n, v] : report.map_by_noise) noises.push_back(n);
  panel(pw, "mAP by detection noise level", "noise level (0 = ground-truth boxes)", noises,
        {{"engine", "#1f77b4", "", report.map_by_noise}, {"baseline", "#d62728", "6,4", report.baseline_map_by_noise}});
  o << "<text x=\"" << pw << "\" y=\"" << ph + 28 << "\" text-anchor=\"middle\" fill=\"#555555\">"
    << "RRQC engine " << (report.runs.empty() ? "n/a" : Fmt(report.runs.front().rrqc)) << ", baseline "
    << (report.runs.empty() ? "n/a" : Fmt(report.runs.front().baseline_rrqc)) << "; RRIU engine " << Fmt(report.rriu)
    << ", baseline " << Fmt(report.baseline_rriu) << " (project definitions, spec 8)</text>\n";
  o << "</svg>\n";
  return o.str();
}

}  // namespace georune::eval
