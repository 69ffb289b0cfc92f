// georune ask: answer a question from a knowledge base (RS-RAG), offline or with an LLM.
//   georune ask --kb KB "QUESTION" [--image FILE] [--task vqa|caption|classify] [--alpha A]
//               [--tau T] [--top-k K] [--llm-url URL --llm-model M] [--format json]
// Text output: the answer on stdout; on stderr the status, one "source:" line per record and
// field the answer came from, and the retrieved chunks. JSON adds status, looked_for, sources.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "command.h"
#include "georune/rag/pipeline.h"
#include "georune/rag/text_fold.h"
#include "rag_options.h"

namespace georune::cli {
namespace {

struct AskArgs {
  std::string kb, question, image, task = "vqa", format = "text";
  std::string llm_url, llm_model, filter_type, category, box;
  double timeout_s = 120;
  int retries = 2;
  bool stream = false, llm_fuse = false;
  size_t context_words = 400;
  size_t list_limit = 20;
  double name_threshold = rag::kNameThreshold;
  RagQueryArgs rag;
};

// The knowledge base's categories, sorted, for diagnostics.
std::string KnownCategories(const rag::KnowledgeBase& kb) {
  std::set<std::string> cats;
  for (const auto& r : kb.records()) {
    if (!r.category.empty()) cats.insert(r.category);
  }
  std::string out;
  for (const auto& c : cats) out += (out.empty() ? "" : ", ") + ("\"" + c + "\"");
  return out.empty() ? "none (the records have no category)" : out;
}

// An unknown --category, or a category and box that together keep no record: exit 2.
Status CheckFilter(const rag::KnowledgeBase& kb, const vector::Filter& f) {
  if (!f.category.empty()) {
    const bool known = std::any_of(kb.records().begin(), kb.records().end(), [&](const rag::Record& r) {
      return rag::Fold(r.category) == rag::Fold(f.category);
    });
    if (!known) {
      return Status::InvalidInput("--category \"" + f.category +
                                  "\" is not a category of the knowledge "
                                  "base (hint: known categories: " +
                                  KnownCategories(kb) + ")");
    }
  }
  if (!f.use_box) return Status::Ok();
  size_t kept = 0, located = 0;
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const auto& r : kb.records()) {
    if (!r.has_location) continue;
    ++located;
    lat0 = std::min(lat0, r.lat), lat1 = std::max(lat1, r.lat);
    lon0 = std::min(lon0, r.lon), lon1 = std::max(lon1, r.lon);
    const bool cat_ok = f.category.empty() || rag::Fold(r.category) == rag::Fold(f.category);
    if (cat_ok && r.lat >= f.min_lat && r.lat <= f.max_lat && r.lon >= f.min_lon && r.lon <= f.max_lon) ++kept;
  }
  if (kept > 0) return Status::Ok();
  char extent[160];
  std::snprintf(extent, sizeof extent, "%.4f,%.4f,%.4f,%.4f", lat0, lon0, lat1, lon1);
  return Status::InvalidInput("the filter (--box" + std::string(f.category.empty() ? "" : " and --category") +
                              ") keeps no record (hint: " + std::to_string(located) +
                              " records have a location, within " +
                              (located ? std::string(extent) : std::string("nothing")) +
                              " as MIN_LAT,MIN_LON,MAX_LAT,MAX_LON; "
                              "categories: " +
                              KnownCategories(kb) + ")");
}

// One stderr line per source: "source: NAME (ID), FIELD = VALUE [name 1.00, retrieval 0.83]".
void PrintSources(const rag::ExtractiveAnswer& e) {
  for (const auto& s : e.sources) {
    std::string line = "source: " + s.name + " (" + s.record_id + ")";
    if (!s.field.empty()) line += ", " + s.field;
    if (!s.value.empty() && s.value.size() <= 80) line += " = " + s.value;
    char scores[96];
    std::snprintf(scores, sizeof scores, " [name %.2f", s.name_score);
    line += scores;
    if (s.retrieval_score) {
      std::snprintf(scores, sizeof scores, ", retrieval %.4f", *s.retrieval_score);
      line += scores;
    }
    std::fprintf(stderr, "%s]\n", line.c_str());
  }
}

int RunAsk(AskArgs a) {
  auto task = rag::ParseTask(a.task);
  if (!task.ok()) return ReportError(task.status());
  if (a.question.empty() && a.image.empty())
    return ReportError(Status::InvalidInput("give a question, an --image, or both"));
  auto kb = rag::KnowledgeBase::Load(a.kb);
  if (!kb.ok()) return ReportError(kb.status());
  for (const auto& note : kb->store().GraphNotes()) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  auto embedders = rag::MakeEmbeddersFor(*kb, a.rag.embed);
  if (!embedders.ok()) return ReportError(embedders.status());
  const embed::ImageEmbedder* image_embedder = embedders->image.get();
  if (!a.image.empty() && kb->image_count() == 0) {
    std::fprintf(stderr,
                 "georune: note: the knowledge base has no images; the query image is "
                 "not used for retrieval\n");
  }
  if (!a.image.empty() && kb->image_count() > 0 && image_embedder->Name() != kb->image_embedder())
    return ReportError(Status::InvalidInput("the knowledge base's images were embedded with " + kb->image_embedder() +
                                            " (hint: pass the same --clip-image)"));
  auto wordnet = a.rag.OpenWordNet();
  if (!wordnet.ok()) return ReportError(wordnet.status());
  rag::AskRequest req;
  req.question = a.question;
  req.image_path = a.image;
  req.task = *task;
  req.retrieve = a.rag.Retrieve();
  if (!a.filter_type.empty()) {
    std::stringstream ss(a.filter_type);
    std::string t;
    while (std::getline(ss, t, ',')) req.retrieve.filter.chunk_types.push_back(t);
  }
  req.retrieve.filter.category = a.category;
  if (!a.box.empty()) {
    double v[4];
    char c1, c2, c3;
    std::istringstream bs(a.box);
    if (!(bs >> v[0] >> c1 >> v[1] >> c2 >> v[2] >> c3 >> v[3]) || c1 != ',' || c2 != ',' || c3 != ',')
      return ReportError(Status::InvalidInput("--box must be MIN_LAT,MIN_LON,MAX_LAT,MAX_LON"));
    req.retrieve.filter.use_box = true;
    req.retrieve.filter.min_lat = v[0];
    req.retrieve.filter.min_lon = v[1];
    req.retrieve.filter.max_lat = v[2];
    req.retrieve.filter.max_lon = v[3];
  }
  if (Status st = CheckFilter(*kb, req.retrieve.filter); !st.ok()) return ReportError(st);
  req.context_words = a.context_words;
  req.answer.list_limit = a.list_limit;
  req.answer.name_threshold = a.name_threshold;
  req.llm_fuse = a.llm_fuse;
  rag::Retriever retriever(*kb, *embedders->text, image_embedder, wordnet->get());
  std::unique_ptr<llm::HttpChatClient> client;
  if (!a.llm_url.empty()) {
    llm::ClientConfig cc;
    cc.base_url = a.llm_url;
    cc.read_timeout_s = a.timeout_s;
    cc.max_retries = a.retries;
    auto c = llm::HttpChatClient::Create(cc);
    if (!c.ok()) return ReportError(c.status());
    client = std::move(*c);
    req.generate.model = a.llm_model;
    req.generate.stream = a.stream;
    if (a.stream && a.format != "json") {
      req.generate.on_delta = [](std::string_view d) {
        std::fwrite(d.data(), 1, d.size(), stdout);
        std::fflush(stdout);
        return true;
      };
    }
  } else if (a.llm_fuse || a.stream) {
    return ReportError(Status::InvalidInput("--llm-fuse and --stream need --llm-url"));
  }
  auto res = rag::Ask(*kb, retriever, req, client.get());
  if (!res.ok()) return ReportError(res.status());
  if (a.format == "json") {
    nlohmann::json j = rag::AskResultJson(*kb, a.question, a.task, *res);
    j["params"] = {{"alpha", req.retrieve.alpha},
                   {"tau", req.retrieve.tau},
                   {"top_k", req.retrieve.top_k},
                   {"fusion", a.rag.fusion},
                   {"name_threshold", req.answer.name_threshold},
                   {"list_limit", req.answer.list_limit}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  if (!(res->generated && a.stream)) std::printf("%s\n", res->answer.c_str());
  else std::printf("\n");
  std::fflush(stdout);
  std::fprintf(stderr, "status: %s\n", rag::StatusName(res->status));
  for (const auto& note : res->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  if (!res->generated) PrintSources(res->extractive);
  for (const auto& r : res->retrieved) {
    std::fprintf(stderr, "  %d. %s %s (chunk %u) score %.4f\n", r.rank, r.record_id.c_str(), r.chunk_type.c_str(),
                 r.chunk, r.score);
  }
  return 0;
}

const bool kRegistered = RegisterCommand("ask", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<AskArgs>();
  CLI::App* cmd = app.add_subcommand("ask", "Answer a question from a knowledge base (RS-RAG)");
  cmd->add_option("question", a->question, "the question (may be empty with --image)");
  cmd->add_option("--kb", a->kb, "knowledge base folder")->required();
  cmd->add_option("--image", a->image, "query image");
  cmd->add_option("--task", a->task, "vqa, caption or classify")->check(CLI::IsMember({"vqa", "caption", "classify"}));
  cmd->add_option("--chunk-type", a->filter_type, "only these chunk types (comma separated)");
  cmd->add_option("--category", a->category, "only records of this category");
  cmd->add_option("--box", a->box, "only records inside MIN_LAT,MIN_LON,MAX_LAT,MAX_LON");
  cmd->add_option("--context-words", a->context_words, "budget of the fused context (400)");
  cmd->add_option("--list-limit", a->list_limit, "most records a list or superlative shows (20)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--name-threshold", a->name_threshold,
                  "landmark-name similarity needed for a match (0.8, see docs/rag.md)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--llm-url", a->llm_url, "OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080)");
  cmd->add_option("--llm-model", a->llm_model, "model name sent to the endpoint");
  cmd->add_option("--llm-timeout", a->timeout_s,
                  "seconds for a whole answer, headers, body and retries included (120)");
  cmd->add_option("--llm-retries", a->retries, "extra attempts on transient errors (2)");
  cmd->add_flag("--llm-fuse", a->llm_fuse, "fuse the retrieved chunks with the LLM");
  cmd->add_flag("--stream", a->stream, "stream the LLM's answer");
  cmd->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  AddRagQueryOptions(cmd, a->rag);
  cmd->callback([a, &exit_code] { exit_code = RunAsk(*a); });
});

}  // namespace
}  // namespace georune::cli
