#include "answer.h"

#include <algorithm>

#include "errors.h"

namespace georune::py {
namespace {

using nlohmann::ordered_json;

Status Bad(const std::string& what) { return Status::Corrupt("malformed answer on the wire: " + what); }

search::ImageResult ResultFromJson(const ordered_json& j) {
  search::ImageResult r;
  r.image_id = j.at("image").get<std::string>();
  r.score = j.at("score").get<double>();
  for (const auto& [var, id] : j.at("witness").items()) r.witness.emplace_back(var, id.get<int>());
  for (const auto& a : j.at("atoms")) r.atoms.push_back({a.at("atom").get<std::string>(), a.at("value").get<double>()});
  return r;
}

service::ResultImage ResultImageFromJson(const ordered_json& j) {
  service::ResultImage image;
  image.path = j.at("path").get<std::string>();
  image.width = j.at("width").get<int32_t>();
  image.height = j.at("height").get<int32_t>();
  for (const auto& e : j.at("entities")) {
    image.entities.push_back({e.at("variable").get<std::string>(),
                              e.at("id").get<int>(),
                              e.at("class").get<std::string>(),
                              e.at("confidence").get<double>(),
                              e.at("corners").get<Corners>(),
                              {}});
    if (auto it = e.find("polygon"); it != e.end())
      for (const auto& part : *it) {
        PolygonRings& rings = image.entities.back().polygon.emplace_back();
        for (const auto& ring : part) {
          Ring& r = rings.emplace_back();
          for (const auto& p : ring) r.push_back({p.at(0).get<double>(), p.at(1).get<double>()});
        }
      }
  }
  return image;
}

service::QueryAnswer AnswerFromJson(const ordered_json& j) {
  service::QueryAnswer a;
  a.text = j.at("query").get<std::string>();
  a.logic = j.at("logic").get<std::string>();
  a.echo = j.at("echo").get<std::string>();
  a.semantics = j.at("semantics").get<std::string>();
  a.crisp = j.at("mode").get<std::string>() == "crisp";
  if (j.contains("translation")) {
    const auto& t = j["translation"];
    a.translation = service::TranslationInfo{t.at("translator").get<std::string>(), t.at("agreement").get<double>(),
                                             t.at("samples").get<int>()};
  }
  for (const auto& r : j.at("results")) {
    a.response.results.push_back(ResultFromJson(r));
    a.images.push_back(ResultImageFromJson(r));
  }
  const auto& s = j.at("stats");
  a.response.stats.images = s.at("images").get<uint64_t>();
  a.response.stats.candidates = s.at("candidates").get<uint64_t>();
  a.response.stats.evaluated = s.at("evaluated").get<uint64_t>();
  a.response.stats.ms = s.at("ms").get<double>();
  a.explain = j.contains("plan");
  if (a.explain) a.response.plan = j["plan"].get<std::string>();
  return a;
}

bool Ranks(const search::ImageResult& a, const search::ImageResult& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.image_id < b.image_id;
}

}  // namespace

Answer Answer::Explained(service::QueryAnswer answer) {
  Answer out;
  out.shard.assign(answer.response.results.size(), -1);
  out.answer = std::move(answer);
  return out;
}

Answer Answer::Unexplained(service::QueryAnswer answer, std::shared_ptr<const Archive> archive) {
  Answer out;
  const size_t n = answer.response.results.size();
  out.answer = std::move(answer);
  out.shard.assign(n, -1);
  if (n == 0) return out;
  out.lazy = std::make_shared<LazyRows>();
  out.lazy->archive = std::move(archive);
  out.lazy->query = out.answer.query;
  out.lazy->done.assign(n, 0);
  out.lazy->left = n;
  return out;
}

void Answer::ExplainRows(size_t first, size_t last) {
  if (!lazy) return;
  std::lock_guard lock(lazy->mu);
  if (lazy->left == 0) return;
  auto& results = answer.response.results;
  last = std::min(last, results.size());
  answer.images.resize(results.size());  // sized on the first explanation
  using Clock = std::chrono::steady_clock;
  const auto max_age = std::chrono::duration<double>(0.5 * answer.options.query_budget_seconds);
  for (size_t i = first; i < last; ++i) {
    if (lazy->done[i]) continue;
    if (!lazy->explainer || Clock::now() - lazy->built > max_age) {
      lazy->explainer = std::make_unique<service::RowExplainer>(*lazy->archive, answer);
      lazy->built = Clock::now();
    }
    answer.images[i] = ValueOrThrow(lazy->explainer->Explain(&results[i]));
    lazy->done[i] = 1;
    --lazy->left;
  }
}

void Answer::DropFirst(size_t n) {
  auto drop = [](auto& v, size_t k) {
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(k, v.size())));
  };
  std::unique_lock<std::mutex> lock;
  if (lazy) {
    lock = std::unique_lock(lazy->mu);
    const size_t k = std::min(n, lazy->done.size());
    lazy->left -=
        k - static_cast<size_t>(std::count(lazy->done.begin(), lazy->done.begin() + static_cast<std::ptrdiff_t>(k), 1));
    drop(lazy->done, n);
  }
  drop(answer.response.results, n);
  drop(answer.images, n);
  drop(shard, n);
}

std::string Answer::ToJson() {
  ExplainAll();
  return service::QueryAnswerJson(answer).dump(2);
}

std::string Answer::ToWire() {
  ExplainAll();
  ordered_json j = {{"answer", service::QueryAnswerJson(answer)}, {"index", ordered_json::array()}, {"shard", shard}};
  for (const auto& r : answer.response.results) j["index"].push_back(r.image);
  return j.dump();
}

Answer Answer::FromWire(const std::string& wire) {
  ordered_json j = ordered_json::parse(wire, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw EngineError(Bad("not JSON"));
  try {
    Answer a;
    a.answer = AnswerFromJson(j.at("answer"));
    a.shard = j.at("shard").get<std::vector<int>>();
    auto index = j.at("index").get<std::vector<uint32_t>>();
    auto& results = a.answer.response.results;
    if (index.size() != results.size() || a.shard.size() != results.size()) throw EngineError(Bad("lengths differ"));
    for (size_t i = 0; i < results.size(); ++i) results[i].image = index[i];
    return a;
  } catch (const nlohmann::json::exception& e) {
    throw EngineError(Bad(e.what()));
  }
}

Answer Merge(std::vector<Answer*> parts, size_t keep) {
  if (parts.empty()) throw EngineError(Status::InvalidInput("nothing to merge"));
  for (Answer* p : parts) p->ExplainAll();
  Answer out;
  out.answer = parts.front()->answer;
  out.answer.response = {};
  struct Ranked {
    search::ImageResult result;
    service::ResultImage image;
    int shard;
  };
  std::vector<Ranked> all;
  for (const Answer* p : parts) {
    const auto& a = p->answer;
    if (a.logic != out.answer.logic || a.semantics != out.answer.semantics || a.crisp != out.answer.crisp)
      throw EngineError(Status::InvalidInput("cannot merge answers of different queries ('" + a.logic + "' and '" +
                                             out.answer.logic + "')"));
    auto& s = out.answer.response.stats;
    s.images += a.response.stats.images;
    s.candidates += a.response.stats.candidates;
    s.evaluated += a.response.stats.evaluated;
    s.ms = std::max(s.ms, a.response.stats.ms);
    if (!a.response.plan.empty())
      out.answer.response.plan += (out.answer.response.plan.empty() ? "" : "\n") + a.response.plan;
    for (size_t i = 0; i < a.response.results.size(); ++i)
      all.push_back({a.response.results[i], a.images.at(i), p->shard[i]});
  }
  size_t n = keep == 0 ? all.size() : std::min(keep, all.size());
  auto by_rank = [](const Ranked& a, const Ranked& b) { return Ranks(a.result, b.result); };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), by_rank);
  all.resize(n);
  out.answer.images.clear();
  for (auto& [result, image, shard] : all) {
    out.answer.response.results.push_back(std::move(result));
    out.answer.images.push_back(std::move(image));
    out.shard.push_back(shard);
  }
  return out;
}

}  // namespace georune::py
