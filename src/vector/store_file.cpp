// The vector store file (docs/rag.md, "Vector store file"): VectorStore::Save and Load.
#include <cstring>

#include "georune/common/coding.h"
#include "georune/vector/store.h"
#include "vector/hnsw_graph.h"

namespace georune::vector {
namespace {

constexpr char kMagic[coding::kMagicBytes] = {'G', 'R', 'V', 'E', 'C', 'S', 'T', '1'};
constexpr uint32_t kVersionNoGraph = 1;  // format 1: head + trailing checksum, no graph
constexpr uint32_t kVersionGraph = 2;    // format 2: head, head checksum, graph sections
constexpr uint32_t kVersion = 3;         // format 3: format 2 + the graphs' hnswlib layout
constexpr size_t kVersionAt = coding::kMagicBytes;
constexpr size_t kHeadLengthAt = kVersionAt + 4;

void PutItem(coding::Encoder& w, uint64_t key, const float* vec, int dim, const Payload& p) {
  w.Put<uint64_t>(key);
  for (int j = 0; j < dim; ++j) w.Put<float>(vec[j]);
  w.PutString(p.record_id);
  w.Put<uint32_t>(p.chunk);
  w.PutString(p.chunk_type);
  w.PutString(p.category);
  w.PutString(p.text);
  w.PutString(p.image_path);
  w.Put<uint8_t>(p.has_location ? 1 : 0);
  w.Put<double>(p.lat);
  w.Put<double>(p.lon);
}

bool GetItem(coding::Decoder& r, int dim, uint64_t& key, std::vector<float>& vec, Payload& p) {
  uint8_t has_loc = 0;
  const bool ok = r.Get(key) && r.GetFloats(vec, size_t(dim)) && r.GetString(p.record_id) && r.Get(p.chunk) &&
                  r.GetString(p.chunk_type) && r.GetString(p.category) && r.GetString(p.text) &&
                  r.GetString(p.image_path) && r.Get(has_loc) && r.Get(p.lat) && r.Get(p.lon);
  p.has_location = has_loc != 0;
  return ok;
}

}  // namespace

Status VectorStore::Save(const std::string& path, std::vector<std::string>* notes) const {
  // Graphs first: their lengths and checksums go into the head.
  std::vector<std::string> graphs;
  for (const auto& [name, c] : collections_) {
    std::string section;
    if (c->size() > 0) {
      if (Status built = c->EnsureGraph(); built.ok()) {
        GEORUNE_ASSIGN_OR_RETURN(section, hnsw::Serialize(name, *c->graph_, c->dim_, c->alive_));
      } else if (notes) {
        notes->push_back(built.message() + "; saved without it (loading builds it at the first HNSW search)");
      }
    }
    graphs.push_back(std::move(section));
  }
  coding::Encoder w;
  w.PutBytes(kMagic, sizeof(kMagic));
  w.Put<uint32_t>(kVersion);
  w.Put<uint64_t>(0);  // head length, patched below
  w.PutString(hnsw::LayoutOfThisBuild());
  w.Put<uint32_t>(uint32_t(collections_.size()));
  size_t ci = 0;
  for (const auto& [name, c] : collections_) {
    w.PutString(name);
    w.Put<int32_t>(c->dim_);
    w.Put<uint64_t>(c->params_.m);
    w.Put<uint64_t>(c->params_.ef_construction);
    w.Put<uint64_t>(c->params_.ef_search);
    w.Put<uint64_t>(c->params_.seed);
    w.Put<uint64_t>(c->key_to_slot_.size());
    for (size_t slot = 0; slot < c->slot_key_.size(); ++slot) {
      if (!c->alive_[slot]) continue;
      PutItem(w, c->slot_key_[slot], c->data_.data() + slot * size_t(c->dim_), c->dim_, c->payloads_[slot]);
    }
    const std::string& graph = graphs[ci++];
    w.Put<uint64_t>(graph.size());
    w.Put<uint64_t>(graph.empty() ? 0 : Checksum64(graph));
  }
  w.PatchAt<uint64_t>(kHeadLengthAt, w.size());
  w.Put<uint64_t>(Checksum64(w.buf()));
  for (std::string& graph : graphs) {
    w.buf() += graph;
    std::string().swap(graph);
  }
  return WriteFileAtomic(path, w.buf());
}

Result<VectorStore> VectorStore::Load(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  const std::string_view data = file->view();
  auto corrupt = [&](const std::string& why) { return Status::Corrupt(path + ": vector store is damaged: " + why); };
  if (data.size() < kHeadLengthAt + 8 || !coding::HasMagic(data, kMagic)) {
    return corrupt("bad magic (not a georune vector store)");
  }
  const uint32_t version = coding::DecodeFixed<uint32_t>(data.data() + kVersionAt);
  std::string_view head;  // from the magic up to (not including) the head checksum
  if (version == kVersionNoGraph) {
    head = data.substr(0, data.size() - 8);  // format 1: the checksum ends the file
  } else if (version == kVersionGraph || version == kVersion) {
    if (data.size() < kHeadLengthAt + 8 + 4 + 8) return corrupt("truncated header");
    const uint64_t head_length = coding::DecodeFixed<uint64_t>(data.data() + kHeadLengthAt);
    if (head_length < kHeadLengthAt + 8 + 4 || head_length > data.size() - 8) {
      return corrupt("truncated (head of " + std::to_string(head_length) + " bytes, file of " +
                     std::to_string(data.size()) + ")");
    }
    head = data.substr(0, size_t(head_length));
  } else {
    return corrupt("format version " + std::to_string(version) + " is not supported (expected 1 to " +
                   std::to_string(kVersion) + ")");
  }
  const uint64_t stored = coding::DecodeFixed<uint64_t>(data.data() + head.size());
  if (Checksum64(head) != stored) return corrupt("checksum mismatch");
  coding::Decoder r(head.substr(kHeadLengthAt + (version == kVersionNoGraph ? 0 : 8)));
  std::string layout = hnsw::kLayoutOfFormat2;  // format 2 graphs: hnswlib 0.6's layout
  if (version == kVersion && !r.GetString(layout)) return corrupt("truncated header");
  uint32_t n = 0;
  if (!r.Get(n)) return corrupt("truncated header");
  struct GraphRef {
    Collection* collection;
    uint64_t length, checksum;
  };
  std::vector<GraphRef> graph_refs;
  VectorStore store;
  for (uint32_t ci = 0; ci < n; ++ci) {
    std::string name;
    int32_t dim;
    HnswParams params;
    uint64_t count, m, efc, efs, seed;
    if (!r.GetString(name) || !r.Get(dim) || !r.Get(m) || !r.Get(efc) || !r.Get(efs) || !r.Get(seed) || !r.Get(count) ||
        dim <= 0 || dim > (1 << 20)) {
      return corrupt("bad collection header");
    }
    params.m = m;
    params.ef_construction = efc;
    params.ef_search = efs;
    params.seed = seed;
    auto c = store.GetOrCreate(name, dim, params);
    if (!c.ok()) return corrupt("duplicate collection \"" + name + "\"");
    std::vector<float> vec;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t key;
      Payload p;
      if (!GetItem(r, dim, key, vec, p)) {
        return corrupt("truncated item in collection \"" + name + "\"");
      }
      Status s = (*c)->Upsert(key, vec, std::move(p));
      if (!s.ok()) return corrupt(s.message());
    }
    if ((*c)->size() != count) return corrupt("duplicate key in collection \"" + name + "\"");
    if (version != kVersionNoGraph) {
      GraphRef ref{*c, 0, 0};
      if (!r.Get(ref.length) || !r.Get(ref.checksum)) {
        return corrupt("truncated graph entry of collection \"" + name + "\"");
      }
      if (ref.length > 0) graph_refs.push_back(ref);
    }
  }
  if (!r.done()) return corrupt("trailing bytes");
  if (version == kVersionNoGraph) return store;
  // A graph written by another hnswlib layout is refused (its sections are still checked);
  // the collection rebuilds it from its items and its graph_note() says why.
  const bool same_layout = layout == hnsw::LayoutOfThisBuild();
  size_t offset = head.size() + 8;
  for (const GraphRef& ref : graph_refs) {
    Collection& c = *ref.collection;
    if (data.size() - offset < ref.length) {
      return corrupt("HNSW graph of collection \"" + c.name() + "\" is truncated (" +
                     std::to_string(data.size() - offset) + " of " + std::to_string(ref.length) + " bytes)");
    }
    const std::string_view section = data.substr(offset, size_t(ref.length));
    if (Checksum64(section) != ref.checksum) {
      return corrupt("HNSW graph of collection \"" + c.name() + "\": checksum mismatch");
    }
    offset += size_t(ref.length);
    if (!same_layout) {
      c.graph_note_ = "saved HNSW graph not used: written for \"" + layout + "\", this build's hnswlib keeps \"" +
                      hnsw::LayoutOfThisBuild() + "\"; it is rebuilt from the items at the first HNSW search";
      continue;
    }
    auto graph = hnsw::Restore(c.name(), section, c.dim_, c.params_, c.data_, c.slot_key_.size());
    if (!graph.ok()) {
      const Status& s = graph.status();
      if (s.code() == StatusCode::kCorrupt) return corrupt(s.message());
      return Status(s.code(), path + ": " + s.message());
    }
    c.graph_ = std::move(*graph);
  }
  if (offset != data.size()) return corrupt("trailing bytes after the graphs");
  return store;
}

}  // namespace georune::vector
