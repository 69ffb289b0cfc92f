// One query request → one answer: the shared core of the CLI's `query`, the HTTP server and
// the Python module, so that all three give the same answer and the same JSON.
//
// AnswerQuery() takes a logic formula or an English query (translated with the translator
// given), binds it against the archive's ontology, runs search::Run and keeps what a renderer
// needs (with each result's witness entities and image file). QueryAnswerJson() renders an
// answer with the keys in the order of shared/spec/formats.md ("Results out"); every front end prints that object as it
// is.
//
// Errors: kInvalidInput for a request that is not well formed (neither or both of logic and
// English, an unknown semantics, English without a translator), a formula that does not parse
// or bind, or English the translator refuses; otherwise search::Run's errors.
// Thread safety: AnswerQuery may run concurrently on one Archive; a Translator is not
// thread-safe (one per thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "georune/archive/archive.h"
#include "georune/common/polygon.h"
#include "georune/common/status.h"
#include "georune/nl/translator.h"
#include "georune/search/search.h"

namespace georune::service {

struct QueryRequest {
  std::string logic;                  // a formula (docs/query-language.md), or
  std::string english;                // an English query; exactly one of the two is set
  std::string semantics = "product";  // product | godel | lukasiewicz
  bool crisp = false;
  size_t top = 10;       // results listed (ignored with all)
  size_t offset = 0;     // results skipped before the first listed (pagination)
  bool all = false;      // every image with a score above 0
  bool explain = false;  // fill the plan
  bool reference = false;
  double default_gsd = std::nan("");  // metres per pixel for images without gsd; NaN = none
  double min_conf = 0.05;
  std::set<std::string> disabled;  // optimisations off, by name
  int threads = 0;                 // 0 = all cores
  uint64_t image_budget = 50'000'000;
  double query_budget_seconds = 30.0;
  // When the query budget started (a CLI: the process start); the default: when the search starts.
  std::chrono::steady_clock::time_point budget_start{};
  // False: results carry image, id and score only (no witness, atoms or images); a
  // RowExplainer fills the rows as they are written (streaming large answers).
  bool explain_rows = true;
  // With explain: called with the plan (search::PlanBeforeRun) before the search starts.
  std::function<void(const std::string& plan)> on_plan;
};

// What the translator said, when the query was English.
struct TranslationInfo {
  std::string translator;
  double agreement = 1.0;
  int samples = 1;
};

// One entity of a result's witness, as stored in the archive.
struct WitnessEntity {
  std::string variable;    // the query variable it is bound to
  int id = 0;              // entity index within its image
  std::string class_name;  // canonical ontology class
  double confidence = 0;
  Corners corners{};                  // x1,y1,…,x4,y4 in pixels (a polygon's minimum rotated rectangle)
  std::vector<PolygonRings> polygon;  // a polygon entity's parts (shell, then holes; rings
                                      // closed), in pixels; empty for a box
};

// What a renderer needs about a result's image, beyond search::ImageResult.
struct ResultImage {
  std::string path;  // image file as ingested; may be empty (no file)
  int32_t width = 0, height = 0;
  std::vector<WitnessEntity> entities;  // in the order of ImageResult::witness
};

struct QueryAnswer {
  std::string text;       // the query as given
  std::string logic;      // canonical print of the formula evaluated
  std::string echo;       // the formula rendered back as plain English (logic/echo.h)
  std::string semantics;  // as requested
  bool crisp = false;
  bool explain = false;
  std::optional<TranslationInfo> translation;  // set for English queries
  search::SearchResponse response;             // results already cut to [offset, offset + top)
  std::vector<ResultImage> images;             // parallel to response.results (empty without explain_rows)
  // What a RowExplainer needs: the bound query and the search options it ran with.
  std::shared_ptr<const logic::BoundQuery> query;
  search::SearchOptions options;
};

// Explains the rows of an answer made without explain_rows, one at a time, as search::Run
// would have: witness, atom values and the witness entities. Not thread safe; `archive` and
// `answer` must outlive it.
class RowExplainer {
 public:
  RowExplainer(const Archive& archive, const QueryAnswer& answer);
  Result<ResultImage> Explain(search::ImageResult* result);

 private:
  const Archive& archive_;
  search::Explainer explainer_;
};

// `translator` may be null when the request holds logic; it is used only for English.
Result<QueryAnswer> AnswerQuery(const Archive& archive, const QueryRequest& request, nl::Translator* translator);

// The request's query evaluated on one image only (for an overlay of any image): its score,
// witness and atom values, as search::Run would explain that image; offset, top and all are
// ignored. The same request errors as AnswerQuery, kInvalidInput for metric units on an image
// without gsd (and no default gsd), and kTooComplex when the image budget runs out.
Result<search::ImageResult> ExplainImage(const Archive& archive, const QueryRequest& request,
                                         nl::Translator* translator, uint32_t image);

// The answer as formats.md's JSON object (the plan only when the request asked to explain).
// Each result also carries, after formats.md's keys, "entities" (the witness entities:
// variable, id, class, confidence, corners, and "polygon" for a polygon entity: its parts, each
// a list of rings [[x, y], …], the shell first), "path" (the image file, "" when none), "width"
// and "height".
nlohmann::ordered_json QueryAnswerJson(const QueryAnswer& answer);
// One result of that object.
nlohmann::ordered_json QueryResultJson(const search::ImageResult& result, const ResultImage& image);
// Its header (query, logic, echo, semantics, mode, translation) and its stats.
nlohmann::ordered_json QueryHeaderJson(const QueryAnswer& answer);
nlohmann::ordered_json QueryStatsJson(const search::SearchStats& stats);

}  // namespace georune::service
