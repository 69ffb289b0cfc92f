// Retrieval benchmark runner (include/georune/eval/retrieval_bench.h).
#include "georune/eval/retrieval_bench.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>

#include "georune/archive/archive.h"
#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/ingest/readers.h"
#include "georune/search/search.h"

namespace georune::eval {
namespace {

using logic::BoundNode;
using logic::NodeKind;

void CollectMentions(const BoundNode& node, std::map<int, double>& var_weight, std::vector<double>& out) {
  switch (node.kind) {
    case NodeKind::kClass: {
      if (node.any_class || node.class_ids.empty()) return;
      double w = 1;
      if (!node.vars.empty()) {
        auto it = var_weight.find(node.vars[0]);
        if (it != var_weight.end()) w = it->second;
      }
      for (int c : node.class_ids)
        if (c >= 0 && c < static_cast<int>(out.size())) out[c] += w / node.class_ids.size();
      return;
    }
    case NodeKind::kAtLeast:
    case NodeKind::kExactly:
    case NodeKind::kAtMost: {
      std::map<int, double> inner = var_weight;
      for (int v : node.vars) inner[v] = std::max<double>(1.0, static_cast<double>(node.count));
      for (const auto& child : node.children) CollectMentions(*child, inner, out);
      return;
    }
    default:
      for (const auto& child : node.children) CollectMentions(*child, var_weight, out);
  }
}

// Sparse class vector of one image: (class id, weight).
using SparseVector = std::vector<std::pair<uint16_t, float>>;

std::vector<SparseVector> ImageVectors(const Archive& archive, double min_conf) {
  std::vector<SparseVector> out(archive.ImageCount());
  std::vector<double> dense(archive.ontology().ClassCount());
  for (uint32_t i = 0; i < archive.ImageCount(); ++i) {
    if (!archive.CheckImage(i).ok()) continue;
    const EntitySpan span = archive.Entities(i);
    std::fill(dense.begin(), dense.end(), 0.0);
    for (uint32_t e = 0; e < span.count; ++e)
      if (span.score[e] >= min_conf && span.class_id[e] < dense.size()) dense[span.class_id[e]] += span.score[e];
    for (size_t c = 0; c < dense.size(); ++c)
      if (dense[c] > 0) out[i].emplace_back(static_cast<uint16_t>(c), static_cast<float>(dense[c]));
  }
  return out;
}

std::vector<RankedImage> BaselineRanking(const Archive& archive, const std::vector<SparseVector>& images,
                                         const std::vector<double>& query) {
  double qn = 0;
  for (double v : query) qn += v * v;
  std::vector<RankedImage> out;
  if (qn <= 0) return out;
  qn = std::sqrt(qn);
  for (uint32_t i = 0; i < images.size(); ++i) {
    double dot = 0, n = 0;
    for (const auto& [c, w] : images[i]) {
      dot += w * query[c];
      n += static_cast<double>(w) * w;
    }
    if (dot > 0) out.push_back({std::string(archive.ImageId(i)), dot / (std::sqrt(n) * qn)});
  }
  SortRanking(out);
  return out;
}

std::vector<RankedImage> ToRanking(const search::SearchResponse& response) {
  std::vector<RankedImage> out;
  out.reserve(response.results.size());
  for (const auto& r : response.results) out.push_back({r.image_id, r.score});
  SortRanking(out);  // already in this order; kept so the definition lives in one place
  return out;
}

void Summarise(RunSummary& run) {
  std::map<int, std::pair<double, size_t>> by_level, base_by_level;
  run.evaluated = 0;
  double ap = 0, bap = 0, pk = 0, rk = 0, p = 0, r = 0, f = 0, bpk = 0, brk = 0, bf = 0;
  for (const auto& q : run.queries) {
    if (!q.error.empty() || q.empty_gold) continue;
    ++run.evaluated;
    ap += q.engine.ap, bap += q.baseline.ap;
    pk += q.engine.p_at_k, rk += q.engine.r_at_k;
    p += q.engine.precision, r += q.engine.recall, f += q.engine.f1;
    bpk += q.baseline.p_at_k, brk += q.baseline.r_at_k, bf += q.baseline.f1;
    by_level[q.level].first += q.engine.ap, by_level[q.level].second++;
    base_by_level[q.level].first += q.baseline.ap, base_by_level[q.level].second++;
    run.queries_by_level[q.level]++;
  }
  const double n = run.evaluated ? static_cast<double>(run.evaluated) : 1.0;
  run.map = ap / n, run.baseline_map = bap / n;
  run.mean_p_at_k = pk / n, run.mean_r_at_k = rk / n;
  run.mean_precision = p / n, run.mean_recall = r / n, run.mean_f1 = f / n;
  run.baseline_mean_p_at_k = bpk / n, run.baseline_mean_r_at_k = brk / n, run.baseline_mean_f1 = bf / n;
  for (const auto& [level, s] : by_level) run.map_by_level[level] = s.first / s.second;
  for (const auto& [level, s] : base_by_level) run.baseline_map_by_level[level] = s.first / s.second;
  run.rrqc = Robustness(run.map_by_level);
  run.baseline_rrqc = Robustness(run.baseline_map_by_level);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "georune-gold-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

Result<std::vector<BenchQuery>> ReadQueries(const std::string& path) {
  // Read whole (a benchmark's queries are a few hundred KiB); a file over 64 MiB is refused as
  // the wrong file.
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path, uint64_t{64} << 20));
  std::vector<BenchQuery> out;
  std::unordered_set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return Status::InvalidInput(where +
                                  "not a JSON object\n  hint: one query per line, "
                                  "{\"id\": …, \"text\": …, \"logic\": …}");
    if (!j.contains("id") || !j["id"].is_string() || !j.contains("logic") || !j["logic"].is_string())
      return Status::InvalidInput(where + "a query needs string fields \"id\" and \"logic\"");
    BenchQuery q;
    q.id = j["id"].get<std::string>();
    q.logic = j["logic"].get<std::string>();
    if (j.contains("text") && j["text"].is_string()) q.text = j["text"].get<std::string>();
    if (!seen.insert(q.id).second) return Status::InvalidInput(where + "query id \"" + q.id + "\" appears twice");
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<double> BagOfEntitiesQueryVector(const logic::BoundQuery& query, int class_count) {
  std::vector<double> out(std::max(0, class_count), 0.0);
  std::map<int, double> weights;
  if (query.root) CollectMentions(*query.root, weights, out);
  return out;
}

double Cosine(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / (std::sqrt(na) * std::sqrt(nb)) : 0.0;
}

Result<EvalReport> EvaluateArchives(const std::vector<std::string>& archives, const std::vector<BenchQuery>& queries,
                                    const std::string& gold_labels, const EvalOptions& options) {
  if (archives.empty()) return PlainDiagnostic("no archive to evaluate", "name one").With(Setting::kArchive).ToStatus();
  EvalReport report;
  report.options = options;
  report.gold_labels = gold_labels;

  std::vector<std::unique_ptr<Archive>> opened;
  for (const auto& dir : archives) {
    GEORUNE_ASSIGN_OR_RETURN(auto a, Archive::Open(dir));
    opened.push_back(std::move(a));
  }
  const Ontology& ontology = opened.front()->ontology();

  // Gold: crisp evaluation on the ground truth (an archive given as it is, or the labels ingested).
  TempDir tmp;
  std::unique_ptr<Archive> gold_archive;
  if (!options.gold_archive.empty()) {
    GEORUNE_ASSIGN_OR_RETURN(gold_archive, Archive::Open(options.gold_archive));
    report.gold_labels = options.gold_archive;
    report.gold_images = gold_archive->ImageCount();
  } else {
    ingest::ReadOptions read_options;
    GEORUNE_ASSIGN_OR_RETURN(auto gold_images, ingest::ReadDotaLabelDir(gold_labels, ontology, read_options));
    report.gold_images = gold_images.size();
    if (tmp.path().empty()) return Status::IoError("cannot create a temporary folder for the gold archive");
    const std::string gold_dir = tmp.path() + "/archive";
    IngestOptions ingest_options;
    ingest_options.show_progress = false;
    GEORUNE_ASSIGN_OR_RETURN(auto ingest_report,
                             AppendToArchive(gold_dir, ontology, std::move(gold_images), ingest_options));
    (void)ingest_report;
    GEORUNE_ASSIGN_OR_RETURN(gold_archive, Archive::Open(gold_dir));
  }

  struct Prepared {
    std::string error;
    int complexity = 0, level = 0;
    std::unordered_set<std::string> gold;
  };
  std::vector<Prepared> prepared(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    auto bound = logic::ParseAndBind(queries[i].logic, ontology);
    if (!bound.ok()) {
      prepared[i].error = bound.status().message();
      continue;
    }
    const logic::Complexity c = logic::MeasureComplexity(*bound);
    prepared[i].complexity = c.total();
    prepared[i].level = c.level();
    search::SearchOptions so;
    so.truth.crisp = true;
    so.top_k = 0;
    auto gold = search::Run(*gold_archive, *bound, so);
    if (!gold.ok()) {
      prepared[i].error = "gold: " + gold.status().message();
      continue;
    }
    for (const auto& r : gold->results)
      if (r.score >= 0.5) prepared[i].gold.insert(r.image_id);
  }

  for (size_t a = 0; a < opened.size(); ++a) {
    const Archive& archive = *opened[a];
    RunSummary run;
    run.archive = archives[a];
    run.noise = static_cast<int>(a);
    const auto vectors = ImageVectors(archive, options.min_conf);
    for (size_t i = 0; i < queries.size(); ++i) {
      QueryOutcome q;
      q.id = queries[i].id;
      q.text = queries[i].text;
      q.logic = queries[i].logic;
      q.complexity = prepared[i].complexity;
      q.level = prepared[i].level;
      q.error = prepared[i].error;
      q.empty_gold = q.error.empty() && prepared[i].gold.empty();
      if (q.error.empty()) {
        auto bound = logic::ParseAndBind(queries[i].logic, archive.ontology());
        if (!bound.ok()) {
          q.error = bound.status().message();
        } else {
          search::SearchOptions so;  // the default soft mode, as `georune query --all`
          so.top_k = 0;
          auto response = search::Run(archive, *bound, so);
          if (!response.ok()) {
            q.error = response.status().message();
          } else {
            q.engine = ScoreRanking(ToRanking(*response), prepared[i].gold, options.k, options.tau_ret);
            const auto qv = BagOfEntitiesQueryVector(*bound, archive.ontology().ClassCount());
            q.baseline =
                ScoreRanking(BaselineRanking(archive, vectors, qv), prepared[i].gold, options.k, options.tau_ret);
          }
        }
      }
      run.queries.push_back(std::move(q));
    }
    Summarise(run);
    report.map_by_noise[run.noise] = run.map;
    report.baseline_map_by_noise[run.noise] = run.baseline_map;
    report.runs.push_back(std::move(run));
  }
  report.rriu = Robustness(report.map_by_noise);
  report.baseline_rriu = Robustness(report.baseline_map_by_noise);
  return report;
}

}  // namespace georune::eval
