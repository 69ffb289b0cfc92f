// The vector collection: items, payloads, filters, exact and HNSW search. The hnswlib adapter is
// hnsw_graph.cpp; the file format (VectorStore::Save/Load) is store_file.cpp.
#include "georune/vector/store.h"

#include <algorithm>
#include <cmath>

#include "vector/hnsw_graph.h"

namespace georune::vector {
namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void SortHits(std::vector<Hit>& hits) {
  std::sort(hits.begin(), hits.end(),
            [](const Hit& a, const Hit& b) { return a.score != b.score ? a.score > b.score : a.key < b.key; });
}

float InnerProduct(const float* a, const float* b, int dim) {
  float s = 0;
  for (int i = 0; i < dim; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

bool Filter::Matches(const Payload& p) const {
  if (!chunk_types.empty() && std::find(chunk_types.begin(), chunk_types.end(), p.chunk_type) == chunk_types.end()) {
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
    : name_(std::move(name)), dim_(dim), params_(params), graph_mu_(std::make_unique<std::mutex>()) {}
Collection::~Collection() = default;
Collection::Collection(Collection&&) noexcept = default;
Collection& Collection::operator=(Collection&&) noexcept = default;

Status Collection::Upsert(uint64_t key, const std::vector<float>& vec, Payload payload) {
  if (int(vec.size()) != dim_) {
    return Status::InvalidInput("collection \"" + name_ + "\": vector of dimension " + std::to_string(vec.size()) +
                                ", expected " + std::to_string(dim_));
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
  if (graph_) {
    // hnswlib failed (out of memory): the data change stands, the graph is rebuilt.
    Status added = hnsw::Add(*graph_, data_.data() + size_t(slot) * size_t(dim_), slot);
    if (!added.ok()) DropGraph(added.message());
  }
  return Status::Ok();
}

void Collection::DropGraph(const std::string& why) {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  graph_.reset();
  graph_note_ = "HNSW graph dropped (" + why + "); it is rebuilt at the next HNSW search";
}

std::string Collection::graph_note() const {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  return graph_note_;
}

bool Collection::has_graph() const { return graph_ != nullptr; }

bool Collection::Delete(uint64_t key) {
  auto it = key_to_slot_.find(key);
  if (it == key_to_slot_.end()) return false;
  const uint32_t slot = it->second;
  alive_[slot] = false;
  key_to_slot_.erase(it);
  if (graph_) {
    Status marked = hnsw::MarkDeleted(*graph_, slot);
    if (!marked.ok()) DropGraph(marked.message());
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
  auto better = [](const Hit& a, const Hit& b) { return a.score != b.score ? a.score > b.score : a.key < b.key; };
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
  if (graph_) hnsw::SetEf(*graph_, ef);
}

Status Collection::EnsureGraph() const {
  std::lock_guard<std::mutex> lock(*graph_mu_);
  if (graph_) return Status::Ok();
  auto built = hnsw::Build(name_, dim_, params_, data_, alive_);
  if (!built.ok()) {
    graph_note_ = built.status().message();
    return built.status();
  }
  graph_ = std::move(*built);
  return Status::Ok();
}

std::vector<Hit> Collection::SearchHnsw(const float* query, size_t k, const Filter& filter,
                                        SearchReport* report) const {
  std::vector<Hit> hits;
  const size_t live = key_to_slot_.size();
  if (k == 0 || live == 0) return hits;
  // Without a usable graph the search is exact, and says why.
  auto exact = [&](const Status& why) {
    if (report) report->exact_because = why.message();
    return SearchFlat(query, k, filter);
  };
  if (Status built = EnsureGraph(); !built.ok()) return exact(built);
  const bool filtered = !filter.empty();
  size_t fetch = std::min(live, filtered ? k * 4 : k);
  while (true) {
    hits.clear();
    auto labels = hnsw::SearchKnn(*graph_, query, fetch);
    if (!labels.ok()) return exact(labels.status());
    for (const uint64_t slot : *labels) {
      if (slot >= slot_key_.size() || !alive_[slot]) continue;
      if (filtered && !filter.Matches(payloads_[slot])) continue;
      hits.push_back({slot_key_[slot], InnerProduct(data_.data() + slot * size_t(dim_), query, dim_)});
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
      return Status::InvalidInput("collection \"" + name + "\" has dimension " + std::to_string(it->second->dim()) +
                                  ", not " + std::to_string(dim));
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

std::vector<std::string> VectorStore::GraphNotes() const {
  std::vector<std::string> notes;
  for (const auto& [n, c] : collections_) {
    std::string note = c->graph_note();
    if (!note.empty()) notes.push_back("collection \"" + n + "\": " + note);
  }
  return notes;
}

}  // namespace georune::vector
