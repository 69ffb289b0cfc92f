// ingest, translate and shard in Python: the library calls the CLI's commands make.
#include <filesystem>

#include <pybind11/stl.h>

#include "bindings.h"
#include "errors.h"
#include "georune/archive/archive.h"
#include "georune/archive/shard.h"
#include "georune/ingest/registry.h"

namespace georune::py {
namespace {

namespace pb = pybind11;

// The ontology of an ingest: the target's own when it exists (`requested` must then agree), else
// `requested` (default dota-v2.0).
Ontology IngestOntology(const std::string& archive, const std::string& shard_of, const std::string& requested) {
  std::string existing;
  if (!shard_of.empty()) {
    ShardManifest m = ValueOrThrow(ReadShardManifest(shard_of));
    existing = ShardPath(shard_of, m.shards.front());
  } else if (std::filesystem::exists(std::filesystem::path(archive) / "MANIFEST")) {
    existing = archive;
  }
  if (existing.empty()) return ValueOrThrow(Ontology::Load(requested.empty() ? "dota-v2.0" : requested));
  auto opened = ValueOrThrow(Archive::Open(existing));
  Ontology own = opened->ontology();
  if (!requested.empty() && ValueOrThrow(Ontology::Load(requested)).ToJson() != own.ToJson())
    throw EngineError(Status::InvalidInput(existing + ": the archive was built with the ontology '" + own.name() +
                                           "', not '" + requested + "'\n  hint: leave out ontology="));
  return own;
}

struct IngestDone {
  uint64_t images = 0, entities = 0;
  ingest::ReadReport report;
  std::string compaction_error;
};

// Reads every source, then one atomic append (to the archive, or dealt over the shard set).
IngestDone DoIngest(const std::string& archive, const std::map<std::string, std::vector<std::string>>& sources,
                    const Ontology& ontology, const std::string& shard_of, const ingest::ReadOptions& opt,
                    const IngestOptions& iopt) {
  IngestDone done;
  std::vector<ImageRecord> all;
  for (const auto& [kind, paths] : sources) {
    const ingest::InputFormat* format = ingest::FindInputFormat(kind);
    if (!format) throw EngineError(Status::InvalidInput("unknown source kind '" + kind + "'"));
    for (const auto& p : paths) {
      auto r = ValueOrThrow(format->read(p, ontology, opt, &done.report));
      for (auto& im : r) all.push_back(std::move(im));
    }
  }
  done.images = all.size();
  for (const auto& im : all) done.entities += im.entities.size();
  if (shard_of.empty()) {
    done.compaction_error = ValueOrThrow(AppendToArchive(archive, ontology, std::move(all), iopt)).compaction_error;
  } else {
    (void)ValueOrThrow(AppendToShards(shard_of, ontology, std::move(all), iopt));
  }
  return done;
}

pb::dict Ingest(const std::string& archive, const std::map<std::string, std::vector<std::string>>& sources,
                const std::string& ontology_name, const std::string& shard_of, std::pair<int, int> image_size,
                const std::string& yolo_names, bool skip_bad_lines, int threads, uint32_t max_segments) {
  if (archive.empty() == shard_of.empty())
    throw EngineError(Status::InvalidInput("give exactly one of archive= and shard_of="));
  ingest::ReadOptions opt;
  opt.skip_bad_lines = skip_bad_lines;
  opt.threads = threads;
  opt.yolo_names = yolo_names;
  std::tie(opt.image_width, opt.image_height) = image_size;
  IngestOptions iopt;
  iopt.show_progress = false;
  iopt.threads = threads;
  iopt.max_segments = max_segments;
  IngestDone done;
  {
    pb::gil_scoped_release release;
    Ontology ontology = IngestOntology(archive, shard_of, ontology_name);
    done = DoIngest(archive, sources, ontology, shard_of, opt, iopt);
  }
  return pb::dict(pb::arg("images") = done.images, pb::arg("entities") = done.entities,
                  pb::arg("skipped_lines") = done.report.skipped_lines, pb::arg("notes") = done.report.notes,
                  pb::arg("compaction_error") = done.compaction_error);
}

pb::dict Translate(const std::string& english, const std::string& ontology_name, const pb::object& translator) {
  nl::Translator* t = TranslatorFor(translator);
  nl::Translation out;
  {
    pb::gil_scoped_release release;
    Ontology ontology = ValueOrThrow(Ontology::Load(ontology_name));
    out = ValueOrThrow(t->Translate(english, ontology));
  }
  return pb::dict(pb::arg("text") = english, pb::arg("logic") = out.formula, pb::arg("translator") = out.translator,
                  pb::arg("agreement") = out.agreement, pb::arg("samples") = out.samples, pb::arg("votes") = out.votes,
                  pb::arg("rejected") = out.rejected, pb::arg("note") = out.note);
}

pb::dict ManifestDict(const std::string& dir, const ShardManifest& m) {
  pb::list shards;
  for (const auto& s : m.shards)
    shards.append(
        pb::dict(pb::arg("path") = ShardPath(dir, s), pb::arg("images") = s.images, pb::arg("entities") = s.entities));
  return pb::dict(pb::arg("dir") = dir, pb::arg("ontology") = m.ontology, pb::arg("shards") = shards);
}

}  // namespace

void BindTools(pb::module_& m) {
  m.def("ingest", &Ingest, pb::arg("archive"), pb::arg("sources"), pb::arg("ontology"), pb::arg("shard_of"),
        pb::arg("image_size"), pb::arg("yolo_names"), pb::arg("skip_bad_lines"), pb::arg("threads"),
        pb::arg("max_segments"));
  m.def("translate", &Translate, pb::arg("english"), pb::arg("ontology"), pb::arg("translator"));
  m.def(
      "shard",
      [](const std::string& archive, const std::string& out, uint32_t shards, int threads) {
        ShardOptions opt;
        opt.threads = threads;
        ShardManifest made;
        {
          pb::gil_scoped_release release;
          made = ValueOrThrow(ShardArchive(archive, out, shards, opt));
        }
        return ManifestDict(out, made);
      },
      pb::arg("archive"), pb::arg("out"), pb::arg("shards"), pb::arg("threads") = 0);
  m.def(
      "read_shards",
      [](const std::string& dir) {
        ShardManifest made;
        {
          pb::gil_scoped_release release;
          made = ValueOrThrow(ReadShardManifest(dir));
        }
        return ManifestDict(dir, made);
      },
      pb::arg("dir"));
}

}  // namespace georune::py
