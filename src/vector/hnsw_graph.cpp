// The one translation unit that includes hnswlib (its headers define globals).
#include "vector/hnsw_graph.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "georune/common/coding.h"

namespace georune::vector {

struct HnswState {
  explicit HnswState(int dim) : space(size_t(dim)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
};

void HnswStateDeleter::operator()(HnswState* state) const { delete state; }

namespace hnsw {
namespace {

// Graph section: the item number of a tombstoned node (its vector follows in the section).
constexpr uint64_t kDeadItem = ~uint64_t(0);
// Labels given to tombstoned nodes of a loaded graph, far above any slot.
constexpr hnswlib::labeltype kDeadLabelBase = hnswlib::labeltype(1) << 62;

// The layout, measured on a one-node graph: type widths, link list sizes as multiples of M, and
// where markDelete puts its mark in the layer-0 list head.
std::string MeasureLayout() {
  constexpr size_t m = 4;
  HnswState s(1);
  s.index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&s.space, 2, m, 16, 1);
  auto& g = *s.index;
  const float v = 1;
  g.addPoint(&v, 0);
  const auto* head = reinterpret_cast<const unsigned char*>(g.get_linklist0(0));
  unsigned char before[sizeof(hnswlib::linklistsizeint)];
  std::memcpy(before, head, sizeof before);
  g.markDelete(0);
  std::string mark = "none";
  for (size_t b = 0; b < sizeof before; ++b) {
    if (head[b] != before[b]) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "byte%zu:0x%02x", b, unsigned(head[b] ^ before[b]));
      mark = buf;
    }
  }
  auto per_m = [&](size_t bytes, size_t max_m) {
    return bytes == max_m * sizeof(hnswlib::tableint) + sizeof(hnswlib::linklistsizeint)
               ? std::string("count+ids")
               : "other(" + std::to_string(bytes) + ")";
  };
  return "hnswlib tableint=" + std::to_string(sizeof(hnswlib::tableint)) +
         " linklistsize=" + std::to_string(sizeof(hnswlib::linklistsizeint)) +
         " label=" + std::to_string(sizeof(hnswlib::labeltype)) + " M0=" + std::to_string(g.maxM0_ / m) + "M" +
         " links0=" + per_m(g.size_links_level0_, g.maxM0_) + " links=" + per_m(g.size_links_per_element_, g.maxM_) +
         " level0@" + std::to_string(g.offsetLevel0_) + " mark=" + mark;
}

}  // namespace

const char kLayoutOfFormat2[] =
    "hnswlib tableint=4 linklistsize=4 label=8 M0=2M links0=count+ids links=count+ids level0@0 "
    "mark=byte2:0x01";

const std::string& LayoutOfThisBuild() {
  static const std::string layout = MeasureLayout();
  return layout;
}

Result<HnswGraph> Build(const std::string& name, int dim, const HnswParams& params, const std::vector<float>& data,
                        const std::vector<bool>& alive) {
  try {
    HnswGraph state(new HnswState(dim));
    const size_t capacity = std::max<size_t>(16, alive.size());
    state->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&state->space, capacity, params.m,
                                                                     params.ef_construction, params.seed);
    state->index->setEf(params.ef_search);
    for (size_t slot = 0; slot < alive.size(); ++slot) {
      state->index->addPoint(data.data() + slot * size_t(dim), slot);
    }
    for (size_t slot = 0; slot < alive.size(); ++slot) {
      if (!alive[slot]) state->index->markDelete(slot);
    }
    return state;
  } catch (const std::exception& e) {
    return Status::Internal("collection \"" + name + "\": cannot build the HNSW graph: " + e.what());
  }
}

Status Add(HnswState& graph, const float* vec, uint32_t slot) {
  try {
    auto& index = *graph.index;
    if (index.cur_element_count >= index.max_elements_) {
      index.resizeIndex(std::max<size_t>(16, index.max_elements_ * 2));
    }
    index.addPoint(vec, slot);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HNSW insertion failed: ") + e.what());
  }
}

Status MarkDeleted(HnswState& graph, uint32_t slot) {
  try {
    graph.index->markDelete(slot);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HNSW deletion failed: ") + e.what());
  }
}

void SetEf(HnswState& graph, size_t ef) { graph.index->setEf(ef); }

Result<std::vector<uint64_t>> SearchKnn(const HnswState& graph, const float* query, size_t fetch) {
  try {
    auto pq = graph.index->searchKnn(query, fetch);
    std::vector<uint64_t> labels;
    labels.reserve(pq.size());
    for (; !pq.empty(); pq.pop()) labels.push_back(pq.top().second);
    return labels;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HNSW search failed: ") + e.what());
  }
}

// Graph section (docs/rag.md): u64 node count, u64 maxM, u64 maxM0, i32 max level, u32 entry
// node, u64 tombstoned node count; per node in hnswlib's internal order: u64 item (or kDeadItem
// followed by dim × f32), u32 level, then for layers 0..level: u32 count, count × u32 node ids.
Result<std::string> Serialize(const std::string& name, const HnswState& graph, int dim,
                              const std::vector<bool>& alive) {
  const auto& g = *graph.index;
  const size_t n = g.cur_element_count;
  std::vector<uint64_t> item_of_slot(alive.size(), kDeadItem);
  uint64_t live = 0;
  for (size_t slot = 0; slot < alive.size(); ++slot) {
    if (alive[slot]) item_of_slot[slot] = live++;
  }
  auto item_of = [&](size_t node) {
    const hnswlib::labeltype label = g.getExternalLabel(hnswlib::tableint(node));
    return label < item_of_slot.size() ? item_of_slot[label] : kDeadItem;
  };
  uint64_t dead = 0, live_nodes = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool is_dead = item_of(i) == kDeadItem;
    if (is_dead != g.isMarkedDeleted(hnswlib::tableint(i))) {
      return Status::Internal("collection \"" + name + "\": graph out of step with the items");
    }
    is_dead ? ++dead : ++live_nodes;
  }
  if (live_nodes != live) {
    return Status::Internal("collection \"" + name + "\": graph misses live items");
  }
  coding::Encoder w;
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
    if (item == kDeadItem) w.PutBytes(g.getDataByInternalId(node), sizeof(float) * size_t(dim));
    const int level = g.element_levels_[i];
    w.Put<uint32_t>(uint32_t(level));
    for (int layer = 0; layer <= level; ++layer) {
      const hnswlib::linklistsizeint* list = layer == 0 ? g.get_linklist0(node) : g.get_linklist(node, layer);
      const uint32_t count = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
      w.Put<uint32_t>(count);
      w.PutBytes(list + 1, sizeof(hnswlib::tableint) * count);
    }
  }
  return std::move(w.buf());
}

Result<HnswGraph> Restore(const std::string& name, std::string_view section, int dim, const HnswParams& params,
                          const std::vector<float>& data, size_t items) {
  auto corrupt = [&](const std::string& why) {
    return Status::Corrupt("HNSW graph of collection \"" + name + "\": " + why);
  };
  coding::Decoder r(section);
  uint64_t n, max_m, max_m0, dead;
  int32_t max_level;
  uint32_t entry;
  if (!r.Get(n) || !r.Get(max_m) || !r.Get(max_m0) || !r.Get(max_level) || !r.Get(entry) || !r.Get(dead)) {
    return corrupt("truncated header");
  }
  if (dead > n || n - dead != items || n >= (uint64_t(1) << 32)) {
    return corrupt(std::to_string(n) + " nodes, " + std::to_string(dead) + " tombstoned, for " + std::to_string(items) +
                   " items");
  }
  if (n > 0 && (max_level < 0 || entry >= n)) return corrupt("bad entry node or top level");
  HnswGraph state(new HnswState(dim));
  try {
    state->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&state->space, std::max<size_t>(16, n), params.m,
                                                                     params.ef_construction, params.seed);
  } catch (const std::exception& e) {
    return Status::Internal("collection \"" + name + "\": cannot allocate the HNSW graph: " + e.what());
  }
  auto& g = *state->index;
  if (max_m != g.maxM_ || max_m0 != g.maxM0_) {
    return corrupt("degree " + std::to_string(max_m) + "/" + std::to_string(max_m0) +
                   " does not match the collection's M = " + std::to_string(params.m));
  }
  // From here on the index owns what it holds: a node's upper layers are freed by hnswlib's
  // destructor only once element_levels_[node] > 0, which is set right after they exist.
  g.cur_element_count = size_t(n);
  const size_t row_bytes = sizeof(float) * size_t(dim);
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
        return corrupt("node " + std::to_string(i) + " names item " + std::to_string(item) + " (missing or twice)");
      }
      seen[item] = true;
      std::memcpy(g.getDataByInternalId(node), data.data() + item * size_t(dim), row_bytes);
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
      if (!upper) return Status::Internal("collection \"" + name + "\": out of memory");
      std::memset(upper, 0, bytes);
      g.linkLists_[i] = upper;
      g.element_levels_[i] = int(level);
      for (uint32_t layer = 1; layer <= level; ++layer) {
        if (!read_list(g.get_linklist(node, int(layer)), g.maxM_)) {
          return corrupt("bad layer-" + std::to_string(layer) + " links at node " + std::to_string(i));
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
  g.setEf(params.ef_search);
  return state;
}

}  // namespace hnsw
}  // namespace georune::vector
