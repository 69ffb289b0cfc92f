// georune ask: answer a question from a knowledge base (RS-RAG), offline or with an LLM.
//   georune ask --kb KB "QUESTION" [--image FILE] [--task vqa|caption|classify] [--alpha A]
//               [--tau T] [--top-k K] [--llm-url URL --llm-model M] [--format json]
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "command.h"
#include "georune/common/wordnet.h"
#include "georune/rag/pipeline.h"

namespace georune::cli {
namespace {

struct AskArgs {
  std::string kb, question, image, task = "vqa", format = "text", fusion = "weighted";
  std::string llm_url, llm_model, filter_type, category, box;
  double timeout_s = 120;
  int retries = 2;
  bool stream = false, llm_fuse = false, no_wordnet = false;
  size_t context_words = 400;
  rag::RetrieveOptions retrieve;
  rag::EmbedderConfig embed;
};

int RunAsk(AskArgs a) {
  auto task = rag::ParseTask(a.task);
  if (!task.ok()) return ReportError(task.status());
  if (a.question.empty() && a.image.empty())
    return ReportError(Status::InvalidInput("give a question, an --image, or both"));
  auto kb = rag::KnowledgeBase::Load(a.kb);
  if (!kb.ok()) return ReportError(kb.status());
  auto embedders = rag::MakeEmbeddersFor(*kb, a.embed);
  if (!embedders.ok()) return ReportError(embedders.status());
  const embed::ImageEmbedder* image_embedder = embedders->image.get();
  if (!a.image.empty() && kb->image_count() == 0) {
    std::fprintf(stderr, "georune: note: the knowledge base has no images; the query image is "
                         "not used for retrieval\n");
  }
  if (!a.image.empty() && kb->image_count() > 0 && image_embedder->Name() != kb->image_embedder())
    return ReportError(Status::InvalidInput(
        "the knowledge base's images were embedded with " + kb->image_embedder() +
        " (hint: pass the same --clip-image)"));
  std::unique_ptr<WordNet> wordnet;
  if (!a.no_wordnet) {
    auto wn = WordNet::Open(WordNet::kDefaultDir);
    if (!wn.ok()) return ReportError(wn.status());
    wordnet = std::move(*wn);
  }
  rag::AskRequest req;
  req.question = a.question;
  req.image_path = a.image;
  req.task = *task;
  req.retrieve = a.retrieve;
  req.retrieve.fusion = a.fusion == "rrf" ? rag::Fusion::kRrf : rag::Fusion::kWeighted;
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
    if (!(bs >> v[0] >> c1 >> v[1] >> c2 >> v[2] >> c3 >> v[3]) || c1 != ',' || c2 != ',' ||
        c3 != ',')
      return ReportError(Status::InvalidInput("--box must be MIN_LAT,MIN_LON,MAX_LAT,MAX_LON"));
    req.retrieve.filter.use_box = true;
    req.retrieve.filter.min_lat = v[0];
    req.retrieve.filter.min_lon = v[1];
    req.retrieve.filter.max_lat = v[2];
    req.retrieve.filter.max_lon = v[3];
  }
  req.context_words = a.context_words;
  req.llm_fuse = a.llm_fuse;
  rag::Retriever retriever(*kb, *embedders->text, image_embedder, wordnet.get());
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
    nlohmann::json j;
    j["question"] = a.question;
    j["task"] = a.task;
    j["answer"] = res->answer;
    j["prompt"] = res->prompt.empty() ? nlohmann::json() : nlohmann::json(res->prompt);
    j["context"] = res->context;
    j["generated"] = res->generated;
    j["answer_source"] = {{"record_id", res->extractive.record_id},
                          {"field", res->extractive.field}};
    j["params"] = {{"alpha", req.retrieve.alpha}, {"tau", req.retrieve.tau},
                   {"top_k", req.retrieve.top_k}, {"fusion", a.fusion}};
    j["retrieved"] = nlohmann::json::array();
    for (const auto& r : res->retrieved) {
      const auto& rec = kb->records()[size_t(kb->RecordIndex(r.record_id))];
      nlohmann::json e = {{"rank", r.rank},           {"record_id", r.record_id},
                          {"name", rec.name},         {"chunk", r.chunk},
                          {"chunk_type", r.chunk_type}, {"score", r.score},
                          {"rank_text", r.rank_text}, {"rank_image", r.rank_image},
                          {"text", kb->chunks()[r.chunk].text}};
      e["s_text"] = r.s_text ? nlohmann::json(*r.s_text) : nlohmann::json();
      e["s_image"] = r.s_image ? nlohmann::json(*r.s_image) : nlohmann::json();
      j["retrieved"].push_back(e);
    }
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  if (!(res->generated && a.stream)) std::printf("%s\n", res->answer.c_str());
  else std::printf("\n");
  for (const auto& r : res->retrieved) {
    std::fprintf(stderr, "  %d. %s %s (chunk %u) score %.4f\n", r.rank, r.record_id.c_str(),
                 r.chunk_type.c_str(), r.chunk, r.score);
  }
  return 0;
}

const bool kRegistered = RegisterCommand("ask", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<AskArgs>();
  CLI::App* cmd = app.add_subcommand("ask", "Answer a question from a knowledge base (RS-RAG)");
  cmd->add_option("question", a->question, "the question (may be empty with --image)");
  cmd->add_option("--kb", a->kb, "knowledge base folder")->required();
  cmd->add_option("--image", a->image, "query image");
  cmd->add_option("--task", a->task, "vqa, caption or classify")
      ->check(CLI::IsMember({"vqa", "caption", "classify"}));
  cmd->add_option("--alpha", a->retrieve.alpha, "image weight in fused scores (0.5)");
  cmd->add_option("--tau", a->retrieve.tau, "candidates per modality (20)");
  cmd->add_option("--top-k", a->retrieve.top_k, "chunks kept after re-ranking (5)");
  cmd->add_option("--fusion", a->fusion, "weighted or rrf")
      ->check(CLI::IsMember({"weighted", "rrf"}));
  cmd->add_flag("--exact", a->retrieve.exact, "exact (flat) vector search instead of HNSW");
  cmd->add_option("--chunk-type", a->filter_type, "only these chunk types (comma separated)");
  cmd->add_option("--category", a->category, "only records of this category");
  cmd->add_option("--box", a->box, "only records inside MIN_LAT,MIN_LON,MAX_LAT,MAX_LON");
  cmd->add_option("--context-words", a->context_words, "budget of the fused context (400)");
  cmd->add_option("--llm-url", a->llm_url, "OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080)");
  cmd->add_option("--llm-model", a->llm_model, "model name sent to the endpoint");
  cmd->add_option("--llm-timeout", a->timeout_s, "seconds for a whole answer, headers, body and retries included (120)");
  cmd->add_option("--llm-retries", a->retries, "extra attempts on transient errors (2)");
  cmd->add_flag("--llm-fuse", a->llm_fuse, "fuse the retrieved chunks with the LLM");
  cmd->add_flag("--stream", a->stream, "stream the LLM's answer");
  cmd->add_flag("--no-wordnet", a->no_wordnet, "no WordNet widening of query terms");
  cmd->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--clip-text", a->embed.clip_text_onnx, "CLIP text encoder (ONNX)");
  cmd->add_option("--clip-vocab", a->embed.clip_vocab, "bpe_simple_vocab_16e6.txt or vocab.json");
  cmd->add_option("--clip-merges", a->embed.clip_merges, "merges.txt (with vocab.json)");
  cmd->add_option("--clip-image", a->embed.clip_image_onnx, "CLIP image encoder (ONNX)");
  cmd->add_option("--clip-image-size", a->embed.clip_image_size, "CLIP image input size (224)");
  cmd->callback([a, &exit_code] { exit_code = RunAsk(*a); });
});

}  // namespace
}  // namespace georune::cli
