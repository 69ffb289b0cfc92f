// The retrieval benchmark: a query set, gold answers from ground-truth labels, the engine and a
// bag-of-entities baseline ranked over one or more archives, metrics per query, per complexity
// level and per noise level (spec/logic.md §7–§8; project definitions, see
// retrieval_metrics.h), and reports in JSON, Markdown and SVG.
//
// Gold: the gold labelTxt folder is ingested into a temporary archive (or a gold archive is
// given, EvalOptions::gold_archive) and every query is evaluated there in crisp mode (search::Run, top_k = 0); R =
// images with score >= 0.5. Engine: each archive is ranked in the default soft mode exactly as `georune query --all`
// does (search::Run with default SearchOptions and top_k = 0; score desc, image id asc,
// score > 0). Baseline ("joint-embedding stand-in"): each image's class vector (sum of the
// confidences >= min_conf of its entities, per class) against the query's class mentions by
// cosine; relations, negation and quantifier structure are ignored, counting quantifiers
// weight their class by n (BagOfEntitiesQueryVector). Archives are given in noise order
// (0 = ground-truth boxes, 1, 2, …) for RRIU.
// A query that fails (e.g. metric units on an image without gsd) is reported with its error
// and left out of every mean. Not thread safe to share one report while it is being built.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/eval/retrieval_metrics.h"
#include "georune/logic/bound.h"
#include "georune/ontology/ontology.h"

namespace georune::eval {

struct BenchQuery {
  std::string id, text, logic;
};

// JSON Lines with "id", "logic" (required) and "text" (optional); blank lines ignored.
// kInvalidInput "FILE:LINE: …" on a malformed line or a repeated id; kNotFound.
Result<std::vector<BenchQuery>> ReadQueries(const std::string& path);

// The query's class-mention vector (size ontology.ClassCount()): every class atom adds
// weight w (the n of a counting quantifier binding its variable, else 1), split evenly over
// the classes of a group; object(x) adds nothing.
std::vector<double> BagOfEntitiesQueryVector(const logic::BoundQuery& query, int class_count);
// Cosine of two vectors of equal length; 0 if either is zero.
double Cosine(const std::vector<double>& a, const std::vector<double>& b);

struct QueryOutcome {
  std::string id, text, logic;
  int complexity = 0, level = 0;
  std::string error;        // non-empty: the query failed on this archive (or on gold)
  bool empty_gold = false;  // |R| = 0: reported apart
  QueryMetrics engine, baseline;
};

struct RunSummary {
  std::string archive;
  int noise = 0;  // position in the --archive list
  std::vector<QueryOutcome> queries;
  size_t evaluated = 0;  // queries with non-empty gold and no error
  double map = 0, baseline_map = 0;
  double mean_p_at_k = 0, mean_r_at_k = 0, mean_precision = 0, mean_recall = 0, mean_f1 = 0;
  double baseline_mean_p_at_k = 0, baseline_mean_r_at_k = 0, baseline_mean_f1 = 0;
  std::map<int, double> map_by_level, baseline_map_by_level;
  std::map<int, size_t> queries_by_level;
  std::optional<double> rrqc, baseline_rrqc;
};

struct EvalOptions {
  size_t k = 10;
  double tau_ret = 0.5;
  double min_conf = 0.05;    // baseline: entities below are ignored (as the engine does)
  std::string gold_archive;  // non-empty: the ground truth is this archive (e.g. polygon
                             // entities), evaluated crisp as it is; `gold_labels` is then unused
};

struct EvalReport {
  EvalOptions options;
  std::string gold_labels;
  size_t gold_images = 0;
  std::vector<RunSummary> runs;
  std::map<int, double> map_by_noise, baseline_map_by_noise;
  std::optional<double> rriu, baseline_rriu;
};

// Runs the whole benchmark. kNotFound / kCorrupt for a missing or damaged archive or label
// folder; kInvalidInput when there are no archives.
Result<EvalReport> EvaluateArchives(const std::vector<std::string>& archives, const std::vector<BenchQuery>& queries,
                                    const std::string& gold_labels, const EvalOptions& options);

// Renders a report. JSON: {"queries": [...first archive...], "summary": {...}, "runs": [...]}.
std::string ReportJson(const EvalReport& report);
std::string ReportMarkdown(const EvalReport& report);
// SVG 1.1: mAP against complexity level (first archive) and against noise level, engine and
// baseline, with axes, labels and a legend.
std::string ReportSvg(const EvalReport& report);

}  // namespace georune::eval
