#include "georune/rag/knowledge_base.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "georune/common/coding.h"
#include "georune/common/diagnostic.h"
#include "georune/common/json_error.h"
#include "georune/common/store_lock.h"
#include "rag/kb_store.h"

namespace georune::rag {
namespace {

using nlohmann::json;
constexpr char kMagic[8] = {'G', 'R', 'R', 'A', 'G', 'K', 'B', '1'};
constexpr uint32_t kVersion = 1;

json RecordToJson(const Record& r) {
  json j;
  j["id"] = r.id;
  j["name"] = r.name;
  j["category"] = r.category;
  j["image_path"] = r.image_path;
  j["image_description"] = r.image_description;
  j["has_location"] = r.has_location;
  j["lat"] = r.lat;
  j["lon"] = r.lon;
  j["fields"] = r.fields;
  j["variables"] = r.variables;
  j["monthly"] = r.monthly;
  j["text"] = r.text;
  return j;
}

// "FILE:LINE: duplicate record id "X" (first at FILE:LINE)", or by record number when the
// records were not read from files.
Status DuplicateRecord(const std::vector<Record>& records, int first, size_t again) {
  const Record& a = records[size_t(first)];
  const Record& b = records[again];
  const std::string hint = "record ids must be unique; rename or remove one of them";
  if (!a.source.empty() && !b.source.empty()) {
    return Status::InvalidInput(b.source + ": duplicate record id \"" + b.id + "\" (first at " + a.source +
                                ")\n  hint: " + hint);
  }
  return Status::InvalidInput("duplicate record id \"" + b.id + "\" (records " + std::to_string(first + 1) + " and " +
                              std::to_string(again + 1) + ")\n  hint: " + hint);
}

Record RecordFromJson(const json& j) {
  Record r;
  r.id = j.at("id").get<std::string>();
  r.name = j.at("name").get<std::string>();
  r.category = j.at("category").get<std::string>();
  r.image_path = j.at("image_path").get<std::string>();
  r.image_description = j.at("image_description").get<std::string>();
  r.has_location = j.at("has_location").get<bool>();
  r.lat = j.at("lat").get<double>();
  r.lon = j.at("lon").get<double>();
  r.fields = j.at("fields").get<std::map<std::string, std::string>>();
  r.variables = j.at("variables").get<std::map<std::string, std::string>>();
  r.monthly = j.at("monthly").get<std::map<std::string, std::map<std::string, std::string>>>();
  r.text = j.at("text").get<std::string>();
  return r;
}

}  // namespace

void KnowledgeBase::Index() {
  bm25_ = std::make_unique<embed::Bm25Index>();
  for (const auto& c : chunks_) bm25_->Add(c.text);
  bm25_->Finalize();
  record_index_.clear();
  for (size_t i = 0; i < records_.size(); ++i) record_index_[records_[i].id] = int(i);
}

int KnowledgeBase::RecordIndex(const std::string& id) const {
  auto it = record_index_.find(id);
  return it == record_index_.end() ? -1 : it->second;
}

size_t KnowledgeBase::image_count() const {
  const auto* c = store_.Find(kImageCollection);
  return c ? c->size() : 0;
}

Result<KnowledgeBase> KnowledgeBase::Build(std::vector<Record> records, const embed::TextEmbedder& text,
                                           const embed::ImageEmbedder* image, const KbOptions& options,
                                           std::vector<std::string>* warnings) {
  KnowledgeBase kb;
  std::unordered_map<std::string, int> seen;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!seen.emplace(records[i].id, int(i)).second) return DuplicateRecord(records, seen[records[i].id], i);
  }
  kb.records_ = std::move(records);
  kb.text_embedder_ = text.Name();
  GEORUNE_ASSIGN_OR_RETURN(vector::Collection * text_coll,
                           kb.store_.GetOrCreate(kTextCollection, text.Dim(), options.hnsw));
  std::vector<int> image_chunk(kb.records_.size(), -1);
  for (const auto& r : kb.records_) {
    for (auto& c : ChunkRecord(r, options.chunking)) kb.chunks_.push_back(std::move(c));
  }
  for (size_t ci = 0; ci < kb.chunks_.size(); ++ci) {
    const Chunk& c = kb.chunks_[ci];
    const int ri = seen[c.record_id];
    const Record& r = kb.records_[size_t(ri)];
    if (c.type == kChunkImage) image_chunk[size_t(ri)] = int(ci);
    GEORUNE_ASSIGN_OR_RETURN(auto vec, text.EmbedText(c.text));
    vector::Payload p{r.id, uint32_t(ci), c.type, r.category, c.text, r.image_path, r.has_location, r.lat, r.lon};
    GEORUNE_RETURN_IF_ERROR(text_coll->Upsert(ci, vec, std::move(p)));
  }
  if (image) {
    vector::Collection* image_coll = nullptr;
    for (size_t ri = 0; ri < kb.records_.size(); ++ri) {
      const Record& r = kb.records_[ri];
      if (r.image_path.empty()) continue;
      auto vec = image->EmbedImage(r.image_path);
      if (!vec.ok()) {
        if (warnings) warnings->push_back("record " + r.id + ": " + vec.status().message());
        continue;
      }
      if (!image_coll) {
        GEORUNE_ASSIGN_OR_RETURN(image_coll, kb.store_.GetOrCreate(kImageCollection, image->Dim(), options.hnsw));
        kb.image_embedder_ = image->Name();
      }
      vector::Payload p{r.id,
                        uint32_t(std::max(0, image_chunk[ri])),
                        kChunkImage,
                        r.category,
                        "",
                        r.image_path,
                        r.has_location,
                        r.lat,
                        r.lon};
      if (image_chunk[ri] >= 0) p.text = kb.chunks_[size_t(image_chunk[ri])].text;
      GEORUNE_RETURN_IF_ERROR(image_coll->Upsert(ri, *vec, std::move(p)));
    }
  }
  kb.Index();
  return kb;
}

Status KnowledgeBase::Save(const std::string& dir, const KbSaveOptions& options) const {
  const std::string build = kb_store::NewBuildId();
  json body;
  body["build_id"] = build;
  body["text_embedder"] = text_embedder_;
  body["image_embedder"] = image_embedder_;
  body["records"] = json::array();
  for (const auto& r : records_) body["records"].push_back(RecordToJson(r));
  body["chunks"] = json::array();
  for (const auto& c : chunks_) body["chunks"].push_back({c.record_id, c.type, c.text});
  const std::string records_bytes =
      coding::Frame(kMagic, kVersion, body.dump(-1, ' ', false, json::error_handler_t::replace));

  LockRequest request;
  request.what = "knowledge base";
  request.wait_seconds = options.lock_wait_seconds;
  request.create_dir = true;
  GEORUNE_ASSIGN_OR_RETURN(WriterLock lock, WriterLock::Acquire(dir, request));
  Result<kb_store::Manifest> old = kb_store::ReadManifest(dir);
  kb_store::RemoveOtherBuilds(dir, old.ok() ? old->build_id : "");

  kb_store::Manifest m;
  m.build_id = build;
  const std::string records_file = "kb-" + build + ".grkb", vectors_file = "vectors-" + build + ".grvs";
  auto abandon = [&](Status st) {
    ::unlink((dir + "/" + records_file).c_str());
    ::unlink((dir + "/" + vectors_file).c_str());
    std::error_code ec;
    if (lock.created_dir()) std::filesystem::remove_all(dir, ec);
    return st;
  };
  Status st = store_.Save(dir + "/" + vectors_file, options.warnings);
  if (st.ok()) st = WriteFileAtomic(dir + "/" + records_file, records_bytes);
  if (!st.ok()) return abandon(st);
  Result<kb_store::FileEntry> vectors = kb_store::Describe(dir, vectors_file);
  if (!vectors.ok()) return abandon(vectors.status());
  m.vectors = *vectors;
  m.records = {records_file, records_bytes.size(), Checksum64(records_bytes)};
  if (options.hook) GEORUNE_RETURN_IF_ERROR(options.hook("files-written"));
  st = WriteFileAtomic(dir + "/" + kb_store::kManifestName, kb_store::EncodeManifest(m));  // the commit
  if (!st.ok()) {
    // The rename may have happened (only the folder sync failed): then the new build stands.
    Result<kb_store::Manifest> now = kb_store::ReadManifest(dir);
    return now.ok() && now->build_id == build ? st : abandon(st);
  }
  if (options.hook) GEORUNE_RETURN_IF_ERROR(options.hook("manifest-switched"));
  kb_store::RemoveOtherBuilds(dir, build);
  return Status::Ok();
}

Result<KnowledgeBase> KnowledgeBase::Load(const std::string& dir) {
  constexpr int kAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    Result<kb_store::Manifest> m = kb_store::ReadManifest(dir);
    if (!m.ok()) {
      if (m.status().code() != StatusCode::kNotFound) return m.status();
      if (std::filesystem::exists(dir + "/kb.grkb"))
        return FileDiagnostic(dir, 0,
                              "this knowledge base was written by an earlier georune, without a MANIFEST, so "
                              "its files cannot be checked to belong to one build",
                              "rebuild the knowledge base in this folder")
            .ToStatus(StatusCode::kCorrupt);
      return FileDiagnostic(dir, 0, "no knowledge base here", "build a knowledge base in this folder")
          .ToStatus(StatusCode::kNotFound);
    }
    Result<KnowledgeBase> kb = LoadVersion(dir, *m);
    if (kb.ok() || attempt == kAttempts) return kb;
    // A writer may have committed and removed the files this manifest named: read the new one.
    Result<kb_store::Manifest> now = kb_store::ReadManifest(dir);
    if (!now.ok() || now->build_id == m->build_id) return kb;
  }
}

Result<KnowledgeBase> KnowledgeBase::LoadVersion(const std::string& dir, const kb_store::Manifest& m) {
  const std::string path = dir + "/" + m.records.file;
  GEORUNE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  GEORUNE_RETURN_IF_ERROR(kb_store::Verify(dir, m.records, data));
  GEORUNE_ASSIGN_OR_RETURN(std::string_view text, kb_store::Unframe(data, kMagic, kVersion, path, "knowledge base"));
  auto corrupt = [&](const std::string& why) { return Status::Corrupt(path + ": knowledge base is damaged: " + why); };
  KnowledgeBase kb;
  try {
    const json body = json::parse(text.begin(), text.end());
    if (body.at("build_id").get<std::string>() != m.build_id)
      return corrupt("it belongs to build " + body.at("build_id").get<std::string>() + ", the manifest names " +
                     m.build_id);
    kb.text_embedder_ = body.at("text_embedder").get<std::string>();
    kb.image_embedder_ = body.at("image_embedder").get<std::string>();
    for (const auto& r : body.at("records")) kb.records_.push_back(RecordFromJson(r));
    for (const auto& c : body.at("chunks"))
      kb.chunks_.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>(), c.at(2).get<std::string>()});
  } catch (const json::exception& e) {
    return corrupt("its records do not have the expected shape: " + DescribeJsonError(e.what()).reason);
  }
  const std::string vectors_path = dir + "/" + m.vectors.file;
  {
    GEORUNE_ASSIGN_OR_RETURN(MappedFile map, MappedFile::Open(vectors_path));
    GEORUNE_RETURN_IF_ERROR(kb_store::Verify(dir, m.vectors, map.view()));
  }
  GEORUNE_ASSIGN_OR_RETURN(kb.store_, vector::VectorStore::Load(vectors_path));
  const auto* text_coll = kb.store_.Find(kTextCollection);
  if (!text_coll || text_coll->size() != kb.chunks_.size())
    return corrupt(m.vectors.file + " does not match (chunk count)");
  kb.Index();
  return kb;
}

}  // namespace georune::rag
