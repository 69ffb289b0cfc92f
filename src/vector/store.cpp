#include "georune/vector/store.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

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
    auto& index = *graph_->index;
    if (index.cur_element_count >= index.max_elements_) {
      index.resizeIndex(std::max<size_t>(16, index.max_elements_ * 2));
    }
    index.addPoint(data_.data() + size_t(slot) * size_t(dim_), slot);
  }
  return Status::Ok();
}

bool Collection::Delete(uint64_t key) {
  auto it = key_to_slot_.find(key);
  if (it == key_to_slot_.end()) return false;
  const uint32_t slot = it->second;
  alive_[slot] = false;
  key_to_slot_.erase(it);
  if (graph_ && graph_->index) graph_->index->markDelete(slot);
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

void Collection::EnsureGraph() const {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  if (graph_ && graph_->index) return;
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
}

std::vector<Hit> Collection::SearchHnsw(const float* query, size_t k, const Filter& filter) const {
  std::vector<Hit> hits;
  const size_t live = key_to_slot_.size();
  if (k == 0 || live == 0) return hits;
  EnsureGraph();
  const bool filtered = !filter.empty();
  size_t fetch = std::min(live, filtered ? k * 4 : k);
  while (true) {
    hits.clear();
    auto pq = graph_->index->searchKnn(query, fetch);
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
constexpr uint32_t kVersion = 1;

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
    if ((data_.size() - pos_) / sizeof(float) < n) return false;
    v.resize(n);
    std::memcpy(v.data(), data_.data() + pos_, n * sizeof(float));
    pos_ += n * sizeof(float);
    return true;
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

Status VectorStore::Save(const std::string& path) const {
  Writer w;
  w.PutBytes(kMagic, sizeof(kMagic));
  w.Put<uint32_t>(kVersion);
  w.Put<uint32_t>(uint32_t(collections_.size()));
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
  }
  const uint64_t sum = Checksum64(w.buf());
  w.Put<uint64_t>(sum);
  return WriteFileAtomic(path, w.buf());
}

Result<VectorStore> VectorStore::Load(const std::string& path) {
  auto file = ReadFile(path);
  if (!file.ok()) return file.status();
  const std::string& data = *file;
  auto corrupt = [&](const std::string& why) {
    return Status::Corrupt(path + ": vector store is damaged: " + why);
  };
  if (data.size() < sizeof(kMagic) + 16 || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("bad magic (not a georune vector store)");
  }
  uint64_t stored;
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  const std::string_view body(data.data(), data.size() - 8);
  if (Checksum64(body) != stored) return corrupt("checksum mismatch");
  Reader r(body.substr(sizeof(kMagic)));
  uint32_t version = 0, n = 0;
  if (!r.Get(version) || !r.Get(n)) return corrupt("truncated header");
  if (version != kVersion) {
    return corrupt("format version " + std::to_string(version) + " is not supported (expected " +
                   std::to_string(kVersion) + ")");
  }
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
  }
  if (!r.done()) return corrupt("trailing bytes");
  return store;
}

}  // namespace georune::vector
