// georune kb: build a knowledge base (RS-RAG's MKVD) and run the RSWK benchmark on it.
//   georune kb build --rswk FILE|--jsonl FILE [--images DIR] --out KB
//   georune kb eval --kb KB --questions DIR_OR_FILE [--format json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "command.h"
#include "georune/archive/archive.h"
#include "georune/common/files.h"
#include "georune/common/wordnet.h"
#include "georune/embed/image_stats.h"
#include "georune/eval/text_metrics.h"
#include "georune/rag/pipeline.h"
#include "georune/rag/rswk_bench.h"

namespace georune::cli {
namespace {

struct BuildArgs {
  std::string rswk, jsonl, images, archive, out;
  rag::EmbedderConfig embed;
  int max_tokens = 200, overlap = 40;
  bool quiet = false;
  double wait = 0;  // seconds to wait for another writer of the knowledge base
};

// The image of a record in `dir`: a file whose stem is the record's name, image name or id.
std::string FindImage(const std::string& dir, const rag::Record& r) {
  static const char* kExt[] = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"};
  for (const std::string& stem : {r.name, r.id}) {
    for (const char* ext : kExt) {
      const std::string p = dir + "/" + stem + ext;
      if (std::filesystem::exists(p)) return p;
    }
  }
  return "";
}

int RunBuild(const BuildArgs& a) {
  const int sources = int(!a.rswk.empty()) + int(!a.jsonl.empty());
  if (sources > 1) return ReportError(Status::InvalidInput("give one of --rswk and --jsonl"));
  if (sources == 0 && a.images.empty() && a.archive.empty())
    return ReportError(Status::InvalidInput("nothing to build from (hint: --rswk FILE, --jsonl "
                                            "FILE, --images DIR or --archive DIR)"));
  Result<std::vector<rag::Record>> records =
      !a.rswk.empty()    ? rag::ReadRswkFile(a.rswk)
      : !a.jsonl.empty() ? rag::ReadJsonlFile(a.jsonl)
      : !a.images.empty() ? rag::ReadImageDir(a.images)
                          : Result<std::vector<rag::Record>>(std::vector<rag::Record>{});
  if (!records.ok()) return ReportError(records.status());
  size_t described = 0;
  if (!a.archive.empty()) {
    // Images described by their detected objects: an archive image whose id is a record's id
    // (or image file stem) gives that record's image description; with no other source, every
    // archive image becomes a record.
    auto archive = Archive::Open(a.archive);
    if (!archive.ok()) return ReportError(archive.status());
    std::map<std::string, size_t> by_key;
    for (size_t i = 0; i < records->size(); ++i) {
      by_key.emplace((*records)[i].id, i);
      if (!(*records)[i].image_path.empty())
        by_key.emplace(std::filesystem::path((*records)[i].image_path).stem().string(), i);
    }
    const bool create = records->empty();
    for (uint32_t img = 0; img < (*archive)->ImageCount(); ++img) {
      const std::string id((*archive)->ImageId(img));
      auto it = by_key.find(id);
      if (it == by_key.end() && !create) continue;
      Status check = (*archive)->CheckImage(img);
      if (!check.ok()) return ReportError(check);
      std::map<std::string, int> counts;
      const EntitySpan ents = (*archive)->Entities(img);
      for (uint32_t e = 0; e < ents.count; ++e)
        ++counts[(*archive)->ontology().Class(ents.class_id[e]).name];
      rag::Record* rec;
      if (it == by_key.end()) {
        records->push_back({});
        rec = &records->back();
        rec->id = id;
        rec->name = id;
        rec->fields["Name"] = id;
      } else {
        rec = &(*records)[it->second];
      }
      rec->image_description = "objects: " + embed::DescribeObjects(counts);
      if (rec->image_path.empty()) rec->image_path = std::string((*archive)->ImagePath(img));
      ++described;
    }
  }
  size_t attached = 0;
  if (sources == 1 && !a.images.empty()) {
    if (Status st = CheckFolder(a.images); !st.ok()) return ReportError(st);
    for (auto& r : *records) {
      if (!r.image_path.empty()) continue;
      r.image_path = FindImage(a.images, r);
      attached += !r.image_path.empty();
    }
  }
  auto embedders = rag::MakeEmbedders(a.embed);
  if (!embedders.ok()) return ReportError(embedders.status());
  rag::KbOptions options;
  options.chunking.max_tokens = a.max_tokens;
  options.chunking.overlap = a.overlap;
  std::vector<std::string> warnings;
  auto kb = rag::KnowledgeBase::Build(std::move(*records), *embedders->text,
                                      embedders->image.get(), options, &warnings);
  if (!kb.ok()) return ReportError(kb.status());
  for (const auto& w : warnings) std::fprintf(stderr, "georune: warning: %s\n", w.c_str());
  rag::KbSaveOptions save;
  save.lock_wait_seconds = a.wait;
  Status s = kb->Save(a.out, save);
  if (!s.ok()) return ReportError(s);
  if (!a.quiet) {
    std::fprintf(stderr,
                 "kb: %zu records, %zu chunks, %zu image vectors, %zu described from the archive "
                 "(text: %s%s%s) -> %s\n",
                 kb->records().size(), kb->chunks().size(), kb->image_count(), described,
                 kb->text_embedder().c_str(), kb->image_embedder().empty() ? "" : ", image: ",
                 kb->image_embedder().c_str(), a.out.c_str());
  }
  return 0;
}

struct EvalArgs {
  std::string kb, questions, format = "text", metrics = "rsrag", predictions;
  rag::EmbedderConfig embed;
  rag::RetrieveOptions retrieve;
  std::string fusion = "weighted";
  std::vector<int> recall_k = {1, 5, 10};
  size_t limit = 0;
  bool no_wordnet = false;
};

int RunEval(EvalArgs a) {
  auto kb = rag::KnowledgeBase::Load(a.kb);
  if (!kb.ok()) return ReportError(kb.status());
  auto mode = eval::ParseMetricsMode(a.metrics);
  if (!mode.ok()) return ReportError(mode.status());
  auto embedders = rag::MakeEmbeddersFor(*kb, a.embed);
  if (!embedders.ok()) return ReportError(embedders.status());
  std::unique_ptr<WordNet> wordnet;
  if (!a.no_wordnet) {
    auto wn = WordNet::Open(WordNet::kDefaultDir);
    if (!wn.ok()) return ReportError(wn.status());
    wordnet = std::move(*wn);
  }
  size_t skipped = 0;
  auto items = rag::LoadRswkQuestions(a.questions, *kb, &skipped);
  if (!items.ok()) return ReportError(items.status());
  if (a.limit && items->size() > a.limit) items->resize(a.limit);
  if (items->empty())
    return ReportError(Status::InvalidInput(a.questions + ": no question names a landmark of the "
                                            "knowledge base (" + std::to_string(skipped) +
                                            " skipped)"));
  a.retrieve.fusion = a.fusion == "rrf" ? rag::Fusion::kRrf : rag::Fusion::kWeighted;
  const size_t answer_k = a.retrieve.top_k;
  rag::RetrieveOptions ro = a.retrieve;
  for (int k : a.recall_k) ro.top_k = std::max(ro.top_k, size_t(std::max(1, k)) * 8);
  rag::Retriever retriever(*kb, *embedders->text, embedders->image.get(), wordnet.get());

  struct KindStats {
    size_t n = 0;
    std::map<int, size_t> hits;
    double mrr = 0;
    std::map<std::string, std::vector<std::string>> refs;
    std::map<std::string, std::string> hyps, gold_labels;
    double ms = 0;
    bool classify = false;
  };
  std::map<std::string, KindStats> stats;
  nlohmann::json preds = nlohmann::json::array();
  rag::AnswerOptions answer_options;
  answer_options.names = std::make_shared<const rag::LandmarkIndex>(kb->records());
  for (const auto& item : *items) {
    const auto t0 = std::chrono::steady_clock::now();
    auto got = retriever.Retrieve({item.question, ""}, ro);
    if (!got.ok()) return ReportError(got.status());
    std::vector<std::string> rec_order;
    for (const auto& r : *got) {
      if (std::find(rec_order.begin(), rec_order.end(), r.record_id) == rec_order.end())
        rec_order.push_back(r.record_id);
    }
    std::vector<rag::Retrieved> top(got->begin(),
                                    got->begin() + long(std::min(answer_k, got->size())));
    const auto ans = rag::AnswerExtractive(*kb, top, item.task, item.question, answer_options);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    KindStats& st = stats[item.kind];
    ++st.n;
    st.ms += ms;
    st.classify = item.task == rag::Task::kClassify;
    const auto pos = std::find(rec_order.begin(), rec_order.end(), item.record_id);
    const int rank = pos == rec_order.end() ? 0 : int(pos - rec_order.begin()) + 1;
    for (int k : a.recall_k) st.hits[k] += (rank > 0 && rank <= k);
    if (rank > 0) st.mrr += 1.0 / rank;
    st.refs[item.id] = {item.gold};
    st.hyps[item.id] = ans.answer;
    st.gold_labels[item.id] = item.gold;
    if (!a.predictions.empty()) {
      preds.push_back({{"id", item.id}, {"question", item.question}, {"gold", item.gold},
                       {"answer", ans.answer}, {"field", ans.field}, {"record_rank", rank},
                       {"gold_record", item.record_id}});
    }
  }
  if (!a.predictions.empty()) {
    std::string lines;
    for (const auto& p : preds) lines += p.dump() + "\n";
    Status s = WriteFileAtomic(a.predictions, lines);
    if (!s.ok()) return ReportError(s);
  }
  nlohmann::json out;
  out["kb"] = a.kb;
  out["records"] = kb->records().size();
  out["chunks"] = kb->chunks().size();
  out["questions"] = items->size();
  out["skipped_not_in_kb"] = skipped;
  out["params"] = {{"alpha", a.retrieve.alpha}, {"tau", a.retrieve.tau},
                   {"top_k", answer_k}, {"fusion", a.fusion}, {"wordnet", !a.no_wordnet},
                   {"metrics", a.metrics}, {"exact_search", a.retrieve.exact}};
  for (auto& [kind, st] : stats) {
    nlohmann::json j;
    j["n"] = st.n;
    for (int k : a.recall_k) j["recall@" + std::to_string(k)] = double(st.hits[k]) / double(st.n);
    j["mrr"] = st.mrr / double(st.n);
    j["mean_ms"] = st.ms / double(st.n);
    if (st.classify) {
      auto acc = eval::ClassificationAccuracy(st.gold_labels, st.hyps);
      if (!acc.ok()) return ReportError(acc.status());
      j["accuracy"] = acc->accuracy;
      j["mean_class_accuracy"] = acc->mean_class_accuracy;
      for (const auto& [cls, c] : acc->per_class)
        j["per_class"][cls] = {{"correct", c.correct}, {"total", c.total}, {"accuracy", c.accuracy}};
    } else {
      auto sc = eval::ScoreCorpus(st.refs, st.hyps, *mode);
      if (!sc.ok()) return ReportError(sc.status());
      j["exact_match"] = sc->exact_match;
      j["bleu"] = sc->bleu;
      j["meteor"] = sc->meteor;
      j["rouge_l"] = sc->rouge_l;
      j["cider"] = sc->cider;
    }
    out["by_file"][kind] = j;
  }
  if (a.format == "json") {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("RSWK benchmark (this project's): %zu questions on %zu records, %zu skipped\n",
              items->size(), kb->records().size(), skipped);
  for (auto& [kind, j] : out["by_file"].items()) {
    std::printf("%s (n=%d):", kind.c_str(), j["n"].get<int>());
    for (int k : a.recall_k) {
      const std::string key = "recall@" + std::to_string(k);
      std::printf(" %s=%.3f", key.c_str(), j[key].get<double>());
    }
    std::printf(" mrr=%.3f", j["mrr"].get<double>());
    if (j.contains("accuracy")) std::printf(" accuracy=%.3f", j["accuracy"].get<double>());
    if (j.contains("bleu")) {
      std::printf(" EM=%.3f BLEU-1..4=%.3f/%.3f/%.3f/%.3f METEOR=%.3f ROUGE-L=%.3f CIDEr=%.3f",
                  j["exact_match"].get<double>(), j["bleu"][0].get<double>(),
                  j["bleu"][1].get<double>(), j["bleu"][2].get<double>(),
                  j["bleu"][3].get<double>(), j["meteor"].get<double>(),
                  j["rouge_l"].get<double>(), j["cider"].get<double>());
    }
    std::printf(" (%.2f ms/question)\n", j["mean_ms"].get<double>());
  }
  return 0;
}

void AddClipOptions(CLI::App* cmd, rag::EmbedderConfig& e) {
  cmd->add_option("--clip-text", e.clip_text_onnx, "CLIP text encoder (ONNX)");
  cmd->add_option("--clip-vocab", e.clip_vocab, "bpe_simple_vocab_16e6.txt or vocab.json");
  cmd->add_option("--clip-merges", e.clip_merges, "merges.txt (with vocab.json)");
  cmd->add_option("--clip-image", e.clip_image_onnx, "CLIP image encoder (ONNX)");
  cmd->add_option("--clip-image-size", e.clip_image_size, "CLIP image input size (default 224)");
}

const bool kRegistered = RegisterCommand("kb", [](CLI::App& app, int& exit_code) {
  CLI::App* kb = app.add_subcommand("kb", "Build and evaluate RS-RAG knowledge bases");
  kb->require_subcommand(1);

  auto b = std::make_shared<BuildArgs>();
  CLI::App* build = kb->add_subcommand("build", "Build a knowledge base from records");
  build->add_option("--rswk", b->rswk, "JSON array of RSWK records");
  build->add_option("--jsonl", b->jsonl, "JSON Lines documents (id, title, text, …)");
  build->add_option("--images", b->images, "folder of images (alone, or matched to records by name)");
  build->add_option("--archive", b->archive,
                    "georune archive: describe record images by their detected objects");
  build->add_option("--out", b->out, "knowledge base folder to write")->required();
  build->add_option("--max-tokens", b->max_tokens, "words per chunk of long free text (200)");
  build->add_option("--overlap", b->overlap, "words shared by neighbouring chunks (40)");
  build->add_option("--text-dim", b->embed.hashed_dim, "dimension of the hashed text embedding");
  build->add_flag("--quiet", b->quiet, "no summary");
  build->add_option("--wait", b->wait, "seconds to wait while another process writes the knowledge base (default 0)")
      ->check(CLI::NonNegativeNumber);
  AddClipOptions(build, b->embed);
  build->callback([b, &exit_code] { exit_code = RunBuild(*b); });

  auto e = std::make_shared<EvalArgs>();
  CLI::App* ev = kb->add_subcommand("eval", "Run the RSWK benchmark questions against a knowledge base");
  ev->add_option("--kb", e->kb, "knowledge base folder")->required();
  ev->add_option("--questions", e->questions, "RSWK question file or folder (DATASET_FULL)")->required();
  ev->add_option("--alpha", e->retrieve.alpha, "image weight in fused scores (0.5)");
  ev->add_option("--tau", e->retrieve.tau, "candidates per modality (20)");
  ev->add_option("--top-k", e->retrieve.top_k, "chunks the answer is drawn from (5)");
  ev->add_option("--fusion", e->fusion, "weighted or rrf")->check(CLI::IsMember({"weighted", "rrf"}));
  ev->add_option("--recall-k", e->recall_k, "K values for recall@K of the right record")->delimiter(',');
  ev->add_option("--limit", e->limit, "at most this many questions (0: all)");
  ev->add_option("--metrics", e->metrics, "text metrics mode: rsrag or coco");
  ev->add_option("--predictions", e->predictions, "write per-question predictions (JSON Lines)");
  ev->add_flag("--exact", e->retrieve.exact, "exact (flat) vector search instead of HNSW");
  ev->add_flag("--no-wordnet", e->no_wordnet, "no WordNet widening of query terms");
  ev->add_option("--format", e->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  AddClipOptions(ev, e->embed);
  ev->callback([e, &exit_code] { exit_code = RunEval(*e); });
});

}  // namespace
}  // namespace georune::cli
