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
#include "georune/embed/image_stats.h"
#include "georune/eval/rswk_eval.h"
#include "georune/rag/pipeline.h"
#include "georune/rag/rswk_bench.h"
#include "rag_options.h"

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
    return ReportError(
        Status::InvalidInput("nothing to build from (hint: --rswk FILE, --jsonl "
                             "FILE, --images DIR or --archive DIR)"));
  Result<std::vector<rag::Record>> records = !a.rswk.empty()    ? rag::ReadRswkFile(a.rswk)
                                             : !a.jsonl.empty() ? rag::ReadJsonlFile(a.jsonl)
                                             : !a.images.empty()
                                                 ? rag::ReadImageDir(a.images)
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
      for (uint32_t e = 0; e < ents.count; ++e) ++counts[(*archive)->ontology().Class(ents.class_id[e]).name];
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
  auto kb =
      rag::KnowledgeBase::Build(std::move(*records), *embedders->text, embedders->image.get(), options, &warnings);
  if (!kb.ok()) return ReportError(kb.status());
  for (const auto& w : warnings) std::fprintf(stderr, "georune: warning: %s\n", w.c_str());
  rag::KbSaveOptions save;
  save.lock_wait_seconds = a.wait;
  std::vector<std::string> save_warnings;
  save.warnings = &save_warnings;
  Status s = kb->Save(a.out, save);
  if (!s.ok()) return ReportError(s);
  for (const auto& w : save_warnings) std::fprintf(stderr, "georune: warning: %s\n", w.c_str());
  if (!a.quiet) {
    std::fprintf(stderr,
                 "kb: %zu records, %zu chunks, %zu image vectors, %zu described from the archive "
                 "(text: %s%s%s) -> %s\n",
                 kb->records().size(), kb->chunks().size(), kb->image_count(), described, kb->text_embedder().c_str(),
                 kb->image_embedder().empty() ? "" : ", image: ", kb->image_embedder().c_str(), a.out.c_str());
  }
  return 0;
}

struct EvalArgs {
  std::string kb, questions, format = "text", metrics = "rsrag", predictions;
  RagQueryArgs rag;
  std::vector<int> recall_k = {1, 5, 10};
  size_t limit = 0;
};

int RunEval(EvalArgs a) {
  auto kb = rag::KnowledgeBase::Load(a.kb);
  if (!kb.ok()) return ReportError(kb.status());
  for (const auto& note : kb->store().GraphNotes()) std::fprintf(stderr, "georune: note: %s\n", note.c_str());
  auto mode = eval::ParseMetricsMode(a.metrics);
  if (!mode.ok()) return ReportError(mode.status());
  auto embedders = rag::MakeEmbeddersFor(*kb, a.rag.embed);
  if (!embedders.ok()) return ReportError(embedders.status());
  auto wordnet = a.rag.OpenWordNet();
  if (!wordnet.ok()) return ReportError(wordnet.status());
  eval::RswkEvalOptions options;
  auto items = rag::LoadRswkQuestions(a.questions, *kb, &options.skipped);
  if (!items.ok()) return ReportError(items.status());
  if (a.limit && items->size() > a.limit) items->resize(a.limit);
  if (items->empty())
    return ReportError(Status::InvalidInput(a.questions +
                                            ": no question names a landmark of the "
                                            "knowledge base (" +
                                            std::to_string(options.skipped) + " skipped)"));
  options.retrieve = a.rag.Retrieve();
  options.recall_k = a.recall_k;
  options.metrics = *mode;
  options.kb_path = a.kb;
  options.wordnet = !a.rag.no_wordnet;
  rag::Retriever retriever(*kb, *embedders->text, embedders->image.get(), wordnet->get());
  auto result = eval::RunRswkEval(*kb, retriever, *items, options);
  if (!result.ok()) return ReportError(result.status());
  if (!a.predictions.empty()) {
    std::string lines;
    for (const auto& p : result->predictions) lines += p.dump() + "\n";
    Status s = WriteFileAtomic(a.predictions, lines);
    if (!s.ok()) return ReportError(s);
  }
  if (a.format == "json") {
    std::printf("%s\n", result->report.dump(2).c_str());
    return 0;
  }
  std::fputs(eval::RswkEvalText(result->report, a.recall_k).c_str(), stdout);
  if (result->report.contains("notes")) {
    for (const auto& note : result->report["notes"])
      std::fprintf(stderr, "note: %s\n", note.get<std::string>().c_str());
  }
  return 0;
}

const bool kRegistered = RegisterCommand("kb", [](CLI::App& app, int& exit_code) {
  CLI::App* kb = app.add_subcommand("kb", "Build and evaluate RS-RAG knowledge bases");
  kb->require_subcommand(1);

  auto b = std::make_shared<BuildArgs>();
  CLI::App* build = kb->add_subcommand("build", "Build a knowledge base from records");
  build->add_option("--rswk", b->rswk, "JSON array of RSWK records");
  build->add_option("--jsonl", b->jsonl, "JSON Lines documents (id, title, text, …)");
  build->add_option("--images", b->images, "folder of images (alone, or matched to records by name)");
  build->add_option("--archive", b->archive, "georune archive: describe record images by their detected objects");
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
  ev->add_option("--recall-k", e->recall_k, "K values for recall@K of the right record")->delimiter(',');
  ev->add_option("--limit", e->limit, "at most this many questions (0: all)");
  ev->add_option("--metrics", e->metrics, "text metrics mode: rsrag or coco");
  ev->add_option("--predictions", e->predictions, "write per-question predictions (JSON Lines)");
  ev->add_option("--format", e->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  AddRagQueryOptions(ev, e->rag);
  ev->callback([e, &exit_code] { exit_code = RunEval(*e); });
});

}  // namespace
}  // namespace georune::cli
