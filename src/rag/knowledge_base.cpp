#include "georune/rag/knowledge_base.h"

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "georune/common/files.h"

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

Result<KnowledgeBase> KnowledgeBase::Build(std::vector<Record> records,
                                           const embed::TextEmbedder& text,
                                           const embed::ImageEmbedder* image,
                                           const KbOptions& options,
                                           std::vector<std::string>* warnings) {
  KnowledgeBase kb;
  std::unordered_map<std::string, int> seen;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!seen.emplace(records[i].id, int(i)).second) {
      return Status::InvalidInput("duplicate record id \"" + records[i].id + "\" (records " +
                                  std::to_string(seen[records[i].id] + 1) + " and " +
                                  std::to_string(i + 1) + ")");
    }
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
    vector::Payload p{r.id, uint32_t(ci), c.type, r.category, c.text, r.image_path,
                      r.has_location, r.lat, r.lon};
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
        GEORUNE_ASSIGN_OR_RETURN(image_coll, kb.store_.GetOrCreate(kImageCollection,
                                                                   image->Dim(), options.hnsw));
        kb.image_embedder_ = image->Name();
      }
      vector::Payload p{r.id, uint32_t(std::max(0, image_chunk[ri])), kChunkImage, r.category,
                        "", r.image_path, r.has_location, r.lat, r.lon};
      if (image_chunk[ri] >= 0) p.text = kb.chunks_[size_t(image_chunk[ri])].text;
      GEORUNE_RETURN_IF_ERROR(image_coll->Upsert(ri, *vec, std::move(p)));
    }
  }
  kb.Index();
  return kb;
}

Status KnowledgeBase::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create folder: " + ec.message());
  json body;
  body["text_embedder"] = text_embedder_;
  body["image_embedder"] = image_embedder_;
  body["records"] = json::array();
  for (const auto& r : records_) body["records"].push_back(RecordToJson(r));
  body["chunks"] = json::array();
  for (const auto& c : chunks_) body["chunks"].push_back({c.record_id, c.type, c.text});
  const std::string text = body.dump();
  std::string buf(kMagic, sizeof(kMagic));
  const uint32_t version = kVersion;
  const uint64_t len = text.size();
  buf.append(reinterpret_cast<const char*>(&version), 4);
  buf.append(reinterpret_cast<const char*>(&len), 8);
  buf += text;
  const uint64_t sum = Checksum64(buf);
  buf.append(reinterpret_cast<const char*>(&sum), 8);
  // Vectors first: a reader that finds the new kb.grkb also finds matching vectors.
  GEORUNE_RETURN_IF_ERROR(store_.Save(dir + "/vectors.grvs"));
  return WriteFileAtomic(dir + "/kb.grkb", buf);
}

Result<KnowledgeBase> KnowledgeBase::Load(const std::string& dir) {
  const std::string path = dir + "/kb.grkb";
  if (!std::filesystem::exists(path)) {
    return Status::NotFound(dir + ": no knowledge base here (hint: build one with "
                            "`georune kb build ... --out " + dir + "`)");
  }
  GEORUNE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  auto corrupt = [&](const std::string& why) {
    return Status::Corrupt(path + ": knowledge base is damaged: " + why);
  };
  if (data.size() < 28 || std::memcmp(data.data(), kMagic, 8) != 0) return corrupt("bad magic");
  uint32_t version;
  uint64_t len, sum;
  std::memcpy(&version, data.data() + 8, 4);
  std::memcpy(&len, data.data() + 12, 8);
  if (version != kVersion) return corrupt("unsupported format version " + std::to_string(version));
  if (len != data.size() - 28) return corrupt("length mismatch");
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  if (Checksum64(data.data(), data.size() - 8) != sum) return corrupt("checksum mismatch");
  KnowledgeBase kb;
  try {
    const json body = json::parse(data.substr(20, len));
    kb.text_embedder_ = body.at("text_embedder").get<std::string>();
    kb.image_embedder_ = body.at("image_embedder").get<std::string>();
    for (const auto& r : body.at("records")) kb.records_.push_back(RecordFromJson(r));
    for (const auto& c : body.at("chunks"))
      kb.chunks_.push_back({c.at(0).get<std::string>(), c.at(1).get<std::string>(),
                            c.at(2).get<std::string>()});
  } catch (const json::exception& e) {
    return corrupt(std::string("bad body: ") + e.what());
  }
  GEORUNE_ASSIGN_OR_RETURN(kb.store_, vector::VectorStore::Load(dir + "/vectors.grvs"));
  const auto* text = kb.store_.Find(kTextCollection);
  if (!text || text->size() != kb.chunks_.size())
    return corrupt("vectors.grvs does not match kb.grkb (chunk count)");
  kb.Index();
  return kb;
}

}  // namespace georune::rag
