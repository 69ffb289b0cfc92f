#include "georune/vector/store.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <queue>

#include "georune/common/files.h"

namespace georune::vector {

struct HnswState {
  explicit HnswState(int dim) : space(size_t(dim)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
};

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void SortHits(std::vector<Hit>& hits) {
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.key < b.key;
  });
}

float InnerProduct(const float* a, const float* b, int dim) {
  float s = 0;
  for (int i = 0; i < dim; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

bool Filter::Matches(const Payload& p) const {
  if (!chunk_types.empty() &&
      std::find(chunk_types.begin(), chunk_types.end(), p.chunk_type) == chunk_types.end()) {
    return false;
  }
  if (!category.empty() && !EqualsIgnoreCase(category, p.category)) return false;
  if (!record_id.empty() && record_id != p.record_id) return false;
  if (use_box) {
    if (!p.has_location) return false;
    if (p.lat < min_lat || p.lat > max_lat || p.lon < min_lon || p.lon > max_lon) return false;
  }
  return true;
}

Collection::Collection(std::string name, int dim, HnswParams params)
    : name_(std::move(name)), dim_(dim), params_(params),
      graph_mu_(std::make_unique<std::mutex>()) {}
Collection::~Collection() = default;
Collection::Collection(Collection&&) noexcept = default;
Collection& Collection::operator=(Collection&&) noexcept = default;

Status Collection::Upsert(uint64_t key, const std::vector<float>& vec, Payload payload) {
  if (int(vec.size()) != dim_) {
    return Status::InvalidInput("collection \"" + name_ + "\": vector of dimension " +
                                std::to_string(vec.size()) + ", expected " +
                                std::to_string(dim_));
  }
  for (float x : vec) {
    if (!std::isfinite(x)) {
      return Status::InvalidInput("collection \"" + name_ + "\": vector has a non-finite value");
    }
  }
  Delete(key);
  const uint32_t slot = uint32_t(slot_key_.size());
  slot_key_.push_back(key);
  data_.insert(data_.end(), vec.begin(), vec.end());
  payloads_.push_back(std::move(payload));
  alive_.push_back(true);
  key_to_slot_[key] = slot;
  if (graph_ && graph_->index) {
    // hnswlib throws (out of memory, capacity); the data change stands, the graph is rebuilt.
    try {
      auto& index = *graph_->index;
      if (index.cur_element_count >= index.max_elements_) {
        index.resizeIndex(std::max<size_t>(16, index.max_elements_ * 2));
      }
      index.addPoint(data_.data() + size_t(slot) * size_t(dim_), slot);
    } catch (const std::exception&) {
      DropGraph();
    }
  }
  return Status::Ok();
}

void Collection::DropGraph() {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  graph_.reset();
}

bool Collection::has_graph() const { return graph_ && graph_->index; }

bool Collection::Delete(uint64_t key) {
  auto it = key_to_slot_.find(key);
  if (it == key_to_slot_.end()) return false;
  const uint32_t slot = it->second;
  alive_[slot] = false;
  key_to_slot_.erase(it);
  if (graph_ && graph_->index) {
    try {
      graph_->index->markDelete(slot);
    } catch (const std::exception&) {
      DropGraph();
    }
  }
  return true;
}

const Payload* Collection::GetPayload(uint64_t key) const {
  auto it = key_to_slot_.find(key);
  return it == key_to_slot_.end() ? nullptr : &payloads_[it->second];
}

const float* Collection::GetVector(uint64_t key) const {
  auto it = key_to_slot_.find(key);
  return it == key_to_slot_.end() ? nullptr : data_.data() + size_t(it->second) * size_t(dim_);
}

std::optional<float> Collection::Score(uint64_t key, const float* query) const {
  const float* v = GetVector(key);
  if (!v) return std::nullopt;
  return InnerProduct(v, query, dim_);
}

std::vector<uint64_t> Collection::Keys() const {
  std::vector<uint64_t> keys;
  keys.reserve(key_to_slot_.size());
  for (const auto& [k, s] : key_to_slot_) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<Hit> Collection::SearchFlat(const float* query, size_t k, const Filter& filter) const {
  std::vector<Hit> hits;
  if (k == 0) return hits;
  const bool filtered = !filter.empty();
  for (size_t slot = 0; slot < slot_key_.size(); ++slot) {
    if (!alive_[slot]) continue;
    if (filtered && !filter.Matches(payloads_[slot])) continue;
    hits.push_back({slot_key_[slot], InnerProduct(data_.data() + slot * size_t(dim_), query, dim_)});
  }
  auto better = [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.key < b.key;
  };
  if (hits.size() > k) {
    std::partial_sort(hits.begin(), hits.begin() + long(k), hits.end(), better);
    hits.resize(k);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return hits;
}

void Collection::SetEfSearch(size_t ef) {
  params_.ef_search = ef;
  if (graph_ && graph_->index) graph_->index->setEf(ef);
}

bool Collection::EnsureGraph() const {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  if (graph_ && graph_->index) return true;
  try {
    auto state = std::make_unique<HnswState>(dim_);
    const size_t capacity = std::max<size_t>(16, slot_key_.size());
    state->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &state->space, capacity, params_.m, params_.ef_construction, params_.seed);
    state->index->setEf(params_.ef_search);
    for (size_t slot = 0; slot < slot_key_.size(); ++slot) {
      state->index->addPoint(data_.data() + slot * size_t(dim_), slot);
    }
    for (size_t slot = 0; slot < slot_key_.size(); ++slot) {
      if (!alive_[slot]) state->index->markDelete(slot);
    }
    graph_ = std::move(state);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<Hit> Collection::SearchHnsw(const float* query, size_t k, const Filter& filter) const {
  std::vector<Hit> hits;
  const size_t live = key_to_slot_.size();
  if (k == 0 || live == 0) return hits;
  if (!EnsureGraph()) return SearchFlat(query, k, filter);
  const bool filtered = !filter.empty();
  size_t fetch = std::min(live, filtered ? k * 4 : k);
  while (true) {
    hits.clear();
    std::priority_queue<std::pair<float, hnswlib::labeltype>> pq;
    try {
      pq = graph_->index->searchKnn(query, fetch);
    } catch (const std::exception&) {
      return SearchFlat(query, k, filter);
    }
    while (!pq.empty()) {
      const size_t slot = pq.top().second;
      pq.pop();
      if (slot >= slot_key_.size() || !alive_[slot]) continue;
      if (filtered && !filter.Matches(payloads_[slot])) continue;
      hits.push_back(
          {slot_key_[slot], InnerProduct(data_.data() + slot * size_t(dim_), query, dim_)});
    }
    if (hits.size() >= k || fetch >= live) break;
    fetch = std::min(live, fetch * 2);
  }
  SortHits(hits);
  if (hits.size() > k) hits.resize(k);
  return hits;
}

Result<Collection*> VectorStore::GetOrCreate(const std::string& name, int dim, HnswParams params) {
  auto it = collections_.find(name);
  if (it != collections_.end()) {
    if (it->second->dim() != dim) {
      return Status::InvalidInput("collection \"" + name + "\" has dimension " +
                                  std::to_string(it->second->dim()) + ", not " +
                                  std::to_string(dim));
    }
    return it->second.get();
  }
  if (dim <= 0) return Status::InvalidInput("collection dimension must be positive");
  auto c = std::make_unique<Collection>(name, dim, params);
  Collection* raw = c.get();
  collections_.emplace(name, std::move(c));
  return raw;
}

Collection* VectorStore::Find(const std::string& name) {
  auto it = collections_.find(name);
  return it == collections_.end() ? nullptr : it->second.get();
}
const Collection* VectorStore::Find(const std::string& name) const {
  auto it = collections_.find(name);
  return it == collections_.end() ? nullptr : it->second.get();
}
std::vector<std::string> VectorStore::Names() const {
  std::vector<std::string> names;
  for (const auto& [n, c] : collections_) names.push_back(n);
  return names;
}

// ---- persistence ----

namespace {

constexpr char kMagic[8] = {'G', 'R', 'V', 'E', 'C', 'S', 'T', '1'};
constexpr uint32_t kVersionNoGraph = 1;  // format 1: head + trailing checksum, no graph
constexpr uint32_t kVersion = 2;         // format 2: head, head checksum, graph sections
// Graph section: the item number of a tombstoned node (its vector follows in the section).
constexpr uint64_t kDeadItem = ~uint64_t(0);
// Labels given to tombstoned nodes of a loaded graph, far above any slot.
constexpr hnswlib::labeltype kDeadLabelBase = hnswlib::labeltype(1) << 62;

class Writer {
 public:
  template <typename T>
  void Put(T v) {
    buf_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void PutString(const std::string& s) {
    Put<uint32_t>(uint32_t(s.size()));
    buf_ += s;
  }
  void PutBytes(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string& buf() { return buf_; }

 private:
  std::string buf_;
};

class Reader {
 public:
  Reader(std::string_view data) : data_(data) {}
  template <typename T>
  bool Get(T& v) {
    if (data_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetString(std::string& s) {
    uint32_t n;
    if (!Get(n) || data_.size() - pos_ < n) return false;
    s.assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool GetFloats(std::vector<float>& v, size_t n) {
    v.resize(n);
    return GetBytes(v.data(), n * sizeof(float));
  }
  bool GetBytes(void* out, size_t n) {
    if (data_.size() - pos_ < n) return false;
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

// Graph section (docs/rag.md): u64 node count, u64 maxM, u64 maxM0, i32 max level, u32 entry
// node, u64 tombstoned node count; per node in hnswlib's internal order: u64 item (or kDeadItem
// followed by dim × f32), u32 level, then for layers 0..level: u32 count, count × u32 node ids.
Result<std::string> Collection::SerializeGraph() const {
  if (!graph_ || !graph_->index) return std::string();
  const auto& g = *graph_->index;
  const size_t n = g.cur_element_count;
  std::vector<uint64_t> item_of_slot(slot_key_.size(), kDeadItem);
  uint64_t live = 0;
  for (size_t slot = 0; slot < slot_key_.size(); ++slot) {
    if (alive_[slot]) item_of_slot[slot] = live++;
  }
  auto item_of = [&](size_t node) {
    const hnswlib::labeltype label = g.getExternalLabel(hnswlib::tableint(node));
    return label < item_of_slot.size() ? item_of_slot[label] : kDeadItem;
  };
  uint64_t dead = 0, live_nodes = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool is_dead = item_of(i) == kDeadItem;
    if (is_dead != g.isMarkedDeleted(hnswlib::tableint(i))) {
      return Status::Internal("collection \"" + name_ + "\": graph out of step with the items");
    }
    is_dead ? ++dead : ++live_nodes;
  }
  if (live_nodes != live) {
    return Status::Internal("collection \"" + name_ + "\": graph misses live items");
  }
  Writer w;
  w.Put<uint64_t>(n);
  w.Put<uint64_t>(g.maxM_);
  w.Put<uint64_t>(g.maxM0_);
  w.Put<int32_t>(g.maxlevel_);
  w.Put<uint32_t>(g.enterpoint_node_);
  w.Put<uint64_t>(dead);
  for (size_t i = 0; i < n; ++i) {
    const auto node = hnswlib::tableint(i);
    const uint64_t item = item_of(i);
    w.Put<uint64_t>(item);
    if (item == kDeadItem) w.PutBytes(g.getDataByInternalId(node), sizeof(float) * size_t(dim_));
    const int level = g.element_levels_[i];
    w.Put<uint32_t>(uint32_t(level));
    for (int layer = 0; layer <= level; ++layer) {
      const hnswlib::linklistsizeint* list =
          layer == 0 ? g.get_linklist0(node) : g.get_linklist(node, layer);
      const uint32_t count = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
      w.Put<uint32_t>(count);
      w.PutBytes(list + 1, sizeof(hnswlib::tableint) * count);
    }
  }
  return std::move(w.buf());
}

Status Collection::RestoreGraph(std::string_view section) {
  auto corrupt = [&](const std::string& why) {
    return Status::Corrupt("HNSW graph of collection \"" + name_ + "\": " + why);
  };
  Reader r(section);
  uint64_t n, max_m, max_m0, dead;
  int32_t max_level;
  uint32_t entry;
  if (!r.Get(n) || !r.Get(max_m) || !r.Get(max_m0) || !r.Get(max_level) || !r.Get(entry) ||
      !r.Get(dead)) {
    return corrupt("truncated header");
  }
  const size_t items = slot_key_.size();
  if (dead > n || n - dead != items || n >= (uint64_t(1) << 32)) {
    return corrupt(std::to_string(n) + " nodes, " + std::to_string(dead) + " tombstoned, for " +
                   std::to_string(items) + " items");
  }
  if (n > 0 && (max_level < 0 || entry >= n)) return corrupt("bad entry node or top level");
  auto state = std::make_unique<HnswState>(dim_);
  try {
    state->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &state->space, std::max<size_t>(16, n), params_.m, params_.ef_construction,
        params_.seed);
  } catch (const std::exception& e) {
    return Status::Internal("collection \"" + name_ + "\": cannot allocate the HNSW graph: " +
                            e.what());
  }
  auto& g = *state->index;
  if (max_m != g.maxM_ || max_m0 != g.maxM0_) {
    return corrupt("degree " + std::to_string(max_m) + "/" + std::to_string(max_m0) +
                   " does not match the collection's M = " + std::to_string(params_.m));
  }
  // From here on the index owns what it holds: a node's upper layers are freed by hnswlib's
  // destructor only once element_levels_[node] > 0, which is set right after they exist.
  g.cur_element_count = size_t(n);
  const size_t row_bytes = sizeof(float) * size_t(dim_);
  std::vector<bool> seen(items, false);
  uint64_t dead_seen = 0;
  auto read_list = [&](hnswlib::linklistsizeint* list, size_t max_count) {
    uint32_t count;
    if (!r.Get(count) || count > max_count) return false;
    auto* ids = reinterpret_cast<hnswlib::tableint*>(list + 1);
    if (!r.GetBytes(ids, sizeof(hnswlib::tableint) * count)) return false;
    for (uint32_t j = 0; j < count; ++j) {
      if (ids[j] >= n) return false;
    }
    g.setListCount(list, static_cast<unsigned short>(count));
    return true;
  };
  for (uint64_t i = 0; i < n; ++i) {
    const auto node = hnswlib::tableint(i);
    uint64_t item;
    if (!r.Get(item)) return corrupt("truncated at node " + std::to_string(i));
    hnswlib::linklistsizeint* list0 = g.get_linklist0(node);
    std::memset(list0, 0, g.size_links_level0_);
    hnswlib::labeltype label;
    if (item == kDeadItem) {
      if (!r.GetBytes(g.getDataByInternalId(node), row_bytes)) {
        return corrupt("truncated at node " + std::to_string(i));
      }
      label = kDeadLabelBase + i;
      ++dead_seen;
    } else {
      if (item >= items || seen[item]) {
        return corrupt("node " + std::to_string(i) + " names item " + std::to_string(item) +
                       " (missing or twice)");
      }
      seen[item] = true;
      std::memcpy(g.getDataByInternalId(node), data_.data() + item * size_t(dim_), row_bytes);
      label = item;  // freshly loaded: slot == item
    }
    g.setExternalLabel(node, label);
    g.label_lookup_[label] = node;
    uint32_t level;
    if (!r.Get(level) || int64_t(level) > max_level || level > r.remaining() / 4) {
      return corrupt("bad level at node " + std::to_string(i));
    }
    if (!read_list(list0, g.maxM0_)) return corrupt("bad layer-0 links at node " + std::to_string(i));
    if (item == kDeadItem) {
      reinterpret_cast<unsigned char*>(list0)[2] |= g.DELETE_MARK;
    }
    if (level > 0) {
      const size_t bytes = g.size_links_per_element_ * level;
      char* upper = static_cast<char*>(std::malloc(bytes));
      if (!upper) return Status::Internal("collection \"" + name_ + "\": out of memory");
      std::memset(upper, 0, bytes);
      g.linkLists_[i] = upper;
      g.element_levels_[i] = int(level);
      for (uint32_t layer = 1; layer <= level; ++layer) {
        if (!read_list(g.get_linklist(node, int(layer)), g.maxM_)) {
          return corrupt("bad layer-" + std::to_string(layer) + " links at node " +
                         std::to_string(i));
        }
      }
    } else {
      g.linkLists_[i] = nullptr;
      g.element_levels_[i] = 0;
    }
  }
  if (dead_seen != dead) return corrupt("tombstone count does not match");
  if (!r.done()) return corrupt("trailing bytes");
  if (n > 0 && g.element_levels_[entry] != max_level) {
    return corrupt("entry node is not on the top level");
  }
  g.maxlevel_ = n > 0 ? max_level : -1;
  g.enterpoint_node_ = n > 0 ? entry : hnswlib::tableint(-1);
  g.num_deleted_ = size_t(dead);
  g.setEf(params_.ef_search);
  std::lock_guard<std::mutex> lock(*graph_mu_);
  graph_ = std::move(state);
  return Status::Ok();
}

Status VectorStore::Save(const std::string& path) const {
  // Graphs first: their lengths and checksums go into the head.
  std::vector<std::string> graphs;
  for (const auto& [name, c] : collections_) {
    std::string section;
    if (c->size() > 0 && c->EnsureGraph()) {
      auto serialized = c->SerializeGraph();
      if (!serialized.ok()) return serialized.status();
      section = std::move(*serialized);
    }
    graphs.push_back(std::move(section));
  }
  Writer w;
  w.PutBytes(kMagic, sizeof(kMagic));
  w.Put<uint32_t>(kVersion);
  w.Put<uint64_t>(0);  // head length, patched below
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
      const Payload& p = c->payloads_[slot];
      w.Put<uint64_t>(c->slot_key_[slot]);
      w.PutBytes(c->data_.data() + slot * size_t(c->dim_), sizeof(float) * size_t(c->dim_));
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
    const std::string& graph = graphs[ci++];
    w.Put<uint64_t>(graph.size());
    w.Put<uint64_t>(graph.empty() ? 0 : Checksum64(graph));
  }
  const uint64_t head_length = w.buf().size();
  std::memcpy(w.buf().data() + sizeof(kMagic) + sizeof(uint32_t), &head_length, sizeof(uint64_t));
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
  auto corrupt = [&](const std::string& why) {
    return Status::Corrupt(path + ": vector store is damaged: " + why);
  };
  constexpr size_t kVersionAt = sizeof(kMagic);
  if (data.size() < kVersionAt + 4 + 8 || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("bad magic (not a georune vector store)");
  }
  uint32_t version = 0;
  std::memcpy(&version, data.data() + kVersionAt, 4);
  std::string_view head;  // from the magic up to (not including) the head checksum
  if (version == kVersionNoGraph) {
    head = data.substr(0, data.size() - 8);  // format 1: the checksum ends the file
  } else if (version == kVersion) {
    uint64_t head_length = 0;
    if (data.size() < kVersionAt + 4 + 8 + 4 + 8) return corrupt("truncated header");
    std::memcpy(&head_length, data.data() + kVersionAt + 4, 8);
    if (head_length < kVersionAt + 4 + 8 + 4 || head_length > data.size() - 8) {
      return corrupt("truncated (head of " + std::to_string(head_length) + " bytes, file of " +
                     std::to_string(data.size()) + ")");
    }
    head = data.substr(0, size_t(head_length));
  } else {
    return corrupt("format version " + std::to_string(version) +
                   " is not supported (expected 1 or " + std::to_string(kVersion) + ")");
  }
  uint64_t stored;
  std::memcpy(&stored, data.data() + head.size(), 8);
  if (Checksum64(head) != stored) return corrupt("checksum mismatch");
  Reader r(head.substr(kVersionAt + 4 + (version == kVersion ? 8 : 0)));
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
    if (!r.GetString(name) || !r.Get(dim) || !r.Get(m) || !r.Get(efc) || !r.Get(efs) ||
        !r.Get(seed) || !r.Get(count) || dim <= 0 || dim > (1 << 20)) {
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
      uint8_t has_loc;
      if (!r.Get(key) || !r.GetFloats(vec, size_t(dim)) || !r.GetString(p.record_id) ||
          !r.Get(p.chunk) || !r.GetString(p.chunk_type) || !r.GetString(p.category) ||
          !r.GetString(p.text) || !r.GetString(p.image_path) || !r.Get(has_loc) ||
          !r.Get(p.lat) || !r.Get(p.lon)) {
        return corrupt("truncated item in collection \"" + name + "\"");
      }
      p.has_location = has_loc != 0;
      Status s = (*c)->Upsert(key, vec, std::move(p));
      if (!s.ok()) return corrupt(s.message());
    }
    if ((*c)->size() != count) return corrupt("duplicate key in collection \"" + name + "\"");
    if (version == kVersion) {
      GraphRef ref{*c, 0, 0};
      if (!r.Get(ref.length) || !r.Get(ref.checksum)) {
        return corrupt("truncated graph entry of collection \"" + name + "\"");
      }
      if (ref.length > 0) graph_refs.push_back(ref);
    }
  }
  if (!r.done()) return corrupt("trailing bytes");
  if (version == kVersionNoGraph) return store;
  size_t offset = head.size() + 8;
  for (const GraphRef& ref : graph_refs) {
    const std::string& name = ref.collection->name();
    if (data.size() - offset < ref.length) {
      return corrupt("HNSW graph of collection \"" + name + "\" is truncated (" +
                     std::to_string(data.size() - offset) + " of " + std::to_string(ref.length) +
                     " bytes)");
    }
    const std::string_view section = data.substr(offset, size_t(ref.length));
    if (Checksum64(section) != ref.checksum) {
      return corrupt("HNSW graph of collection \"" + name + "\": checksum mismatch");
    }
    Status s = ref.collection->RestoreGraph(section);
    if (s.code() == StatusCode::kCorrupt) return corrupt(s.message());
    if (!s.ok()) return Status(s.code(), path + ": " + s.message());
    offset += size_t(ref.length);
  }
  if (offset != data.size()) return corrupt("trailing bytes after the graphs");
  return store;
}

}  // namespace georune::vector
