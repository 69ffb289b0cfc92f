// AnswerQuery: translate or parse, bind, search, cut the page. ExplainImage: the same on one image.
#include "georune/service/query.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "georune/common/diagnostic.h"
#include "georune/logic/bound.h"
#include "georune/logic/echo.h"
#include "georune/reason/evaluator.h"

namespace georune::service {
namespace {

Result<reason::Semantics> ParseSemantics(const std::string& name) {
  if (name == "product") return reason::Semantics::kProduct;
  if (name == "godel") return reason::Semantics::kGodel;
  if (name == "lukasiewicz") return reason::Semantics::kLukasiewicz;
  return Status::InvalidInput("unknown semantics '" + name + "' (hint: product, godel or lukasiewicz)");
}

// A budget is a positive, finite number of seconds; threads are 0 (all cores) or more; an image
// budget allows at least one assignment. Refused here, for the CLI, the server and Python alike.
Status CheckLimits(const QueryRequest& r) {
  if (!(r.query_budget_seconds > 0.0) || !std::isfinite(r.query_budget_seconds)) {
    std::ostringstream got;
    got << r.query_budget_seconds;
    return PlainDiagnostic("the query budget must be a positive, finite number of seconds, got " + got.str(),
                           "give the seconds a query may run, for example 30 (the default)")
        .With(Setting::kQueryBudget)
        .ToStatus();
  }
  if (r.threads < 0) {
    return PlainDiagnostic("the number of threads must be 0 or more, got " + std::to_string(r.threads),
                           "0 uses every core")
        .With(Setting::kThreads)
        .ToStatus();
  }
  if (r.image_budget == 0) {
    return PlainDiagnostic("the evaluation budget per image must be at least 1 assignment", "the default is 50000000")
        .With(Setting::kImageBudget)
        .ToStatus();
  }
  return Status::Ok();
}

Result<search::SearchOptions> SearchOptionsFor(const QueryRequest& r) {
  GEORUNE_RETURN_IF_ERROR(CheckLimits(r));
  auto semantics = ParseSemantics(r.semantics);
  if (!semantics.ok()) return semantics.status();
  search::SearchOptions opts;
  opts.truth.semantics = *semantics;
  opts.truth.crisp = r.crisp;
  opts.truth.default_gsd = r.default_gsd;
  opts.truth.min_conf = r.min_conf;
  opts.top_k = r.all ? 0 : r.offset + r.top;
  opts.reference = r.reference;
  opts.explain = r.explain;
  opts.threads = r.threads;
  opts.image_budget = r.image_budget;
  opts.query_budget_seconds = r.query_budget_seconds;
  opts.budget_start = r.budget_start;
  opts.disabled = r.disabled;
  opts.explain_results = r.explain_rows;
  return opts;
}

// The bound query of the request, and what the translator said when it was English.
Result<logic::BoundQuery> BindRequest(const Archive& archive, const QueryRequest& r, nl::Translator* translator,
                                      std::optional<TranslationInfo>& info) {
  if (r.logic.empty() == r.english.empty()) {
    return Status::InvalidInput("give either a logic formula or an English query, not both and not neither");
  }
  if (!r.logic.empty()) return logic::ParseAndBind(r.logic, archive.ontology());
  if (translator == nullptr) return Status::InvalidInput("an English query needs a translator");
  auto t = translator->Translate(r.english, archive.ontology());
  if (!t.ok()) return t.status();
  info = TranslationInfo{t->translator, t->agreement, t->samples};
  return std::move(t->query);
}

void CutPage(std::vector<search::ImageResult>& results, size_t offset) {
  results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(std::min(offset, results.size())));
}

ResultImage ImageOf(const Archive& archive, const search::ImageResult& res) {
  ResultImage out;
  out.path = std::string(archive.ImagePath(res.image));
  out.width = archive.Width(res.image);
  out.height = archive.Height(res.image);
  const EntitySpan span = archive.Entities(res.image);  // search::Run checked the image's blocks
  for (const auto& [var, id] : res.witness) {
    const auto i = static_cast<uint32_t>(id);
    WitnessEntity e{var, id, archive.ontology().Class(span.class_id[i]).name, span.score[i], span.CornersOf(i), {}};
    if (std::span<const uint8_t> wkb = span.PolygonWkb(i); !wkb.empty()) {
      auto shape = PolygonShape::FromWkb(wkb, /*validate=*/false);  // search::Run checked the block's polygons
      if (shape.ok()) e.polygon = (*shape)->Rings();
    }
    out.entities.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<QueryAnswer> AnswerQuery(const Archive& archive, const QueryRequest& request, nl::Translator* translator) {
  auto opts = SearchOptionsFor(request);
  if (!opts.ok()) return opts.status();
  QueryAnswer answer;
  auto bound = BindRequest(archive, request, translator, answer.translation);
  if (!bound.ok()) return bound.status();
  auto query = std::make_shared<const logic::BoundQuery>(std::move(bound).value());
  if (request.explain && request.on_plan) request.on_plan(search::PlanBeforeRun(archive, *query, *opts));
  auto response = search::Run(archive, *query, *opts);
  if (!response.ok()) return response.status();
  answer.text = request.logic.empty() ? request.english : request.logic;
  answer.logic = logic::Print(*query);
  answer.echo = logic::RenderEnglish(*query);
  answer.semantics = request.semantics;
  answer.crisp = request.crisp;
  answer.explain = request.explain;
  answer.response = std::move(response).value();
  if (!request.all) CutPage(answer.response.results, request.offset);
  if (request.explain_rows) {
    for (const auto& res : answer.response.results) answer.images.push_back(ImageOf(archive, res));
  }
  answer.query = std::move(query);
  answer.options = *opts;
  return answer;
}

RowExplainer::RowExplainer(const Archive& archive, const QueryAnswer& answer)
    : archive_(archive), explainer_(archive, *answer.query, answer.options) {}

Result<ResultImage> RowExplainer::Explain(search::ImageResult* result) {
  GEORUNE_RETURN_IF_ERROR(explainer_.Explain(result));
  return ImageOf(archive_, *result);
}

Result<search::ImageResult> ExplainImage(const Archive& archive, const QueryRequest& request,
                                         nl::Translator* translator, uint32_t image) {
  auto opts = SearchOptionsFor(request);
  if (!opts.ok()) return opts.status();
  std::optional<TranslationInfo> info;
  auto query = BindRequest(archive, request, translator, info);
  if (!query.ok()) return query.status();
  GEORUNE_RETURN_IF_ERROR(archive.CheckImage(image));
  double gsd = archive.Gsd(image);
  if (std::isnan(gsd)) gsd = opts->truth.default_gsd;
  if (query->uses_metric_units && std::isnan(gsd)) {
    return Status::InvalidInput("image '" + std::string(archive.ImageId(image)) +
                                "' has no gsd, and the query uses metric units (hint: give a default gsd)");
  }
  // The reference evaluator: the plain loops every optimised evaluator must agree with (spec §6).
  reason::ReferenceEvaluator evaluator(*query, opts->truth, opts->image_budget);
  auto score = evaluator.Score(reason::BuildScene(archive.Entities(image), gsd, opts->truth.min_conf), true);
  if (!score.ok()) return score.status();
  search::ImageResult out;
  out.image = image;
  out.image_id = std::string(archive.ImageId(image));
  out.score = score->value;
  if (out.score > 0) {
    out.witness = std::move(score->witness);
    for (auto& [atom, value] : score->atoms) out.atoms.push_back({std::move(atom), value});
  }
  return out;
}

}  // namespace georune::service
