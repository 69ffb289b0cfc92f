// Internal: the adapter over hnswlib 0.6 (Debian's libhnswlib-dev). Everything that touches
// hnswlib is here; the collection (store.cpp) sees a graph that it builds, updates, searches,
// serialises and restores.
//
// Serialize/Restore read and write hnswlib's internals (link lists, levels, labels, the delete
// mark), so a saved graph is only valid for the same internal layout. LayoutOfThisBuild() names
// that layout (type widths, link list shape, delete mark); the vector store file records it
// (format 3) and Load refuses a graph of another layout (the collection then rebuilds it from
// its items and says so).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"
#include "georune/vector/store.h"

namespace georune::vector {

namespace hnsw {

// The layout this build's hnswlib keeps its graph in, e.g.
// "hnswlib tableint=4 linklistsize=4 label=8 M0=2M links0=count+ids links=count+ids level0@0
// mark=byte2:0x01" (measured on a one-node graph, not taken from a version number).
const std::string& LayoutOfThisBuild();
// The layout format-2 files were written with (they do not record it): hnswlib 0.6.
extern const char kLayoutOfFormat2[];

// A graph over every slot of `data` (slot-major, dim floats each), dead slots marked deleted.
// kInternal naming `name` when hnswlib fails (it throws, e.g. out of memory).
Result<HnswGraph> Build(const std::string& name, int dim, const HnswParams& params, const std::vector<float>& data,
                        const std::vector<bool>& alive);
// Adds a slot (growing the graph when full) / marks one deleted. kInternal when hnswlib throws:
// the graph may then be inconsistent and must be dropped.
Status Add(HnswState& graph, const float* vec, uint32_t slot);
Status MarkDeleted(HnswState& graph, uint32_t slot);
// The query beam width of searches.
void SetEf(HnswState& graph, size_t ef);
// The labels of the graph's `fetch` nearest nodes, in no order: slots, or labels at or above
// 2^62 for tombstones of a restored graph. kInternal when hnswlib throws.
Result<std::vector<uint64_t>> SearchKnn(const HnswState& graph, const float* query, size_t fetch);

// The graph section (docs/rag.md): live slots numbered in slot order, as Save writes the items.
Result<std::string> Serialize(const std::string& name, const HnswState& graph, int dim, const std::vector<bool>& alive);
// A graph from a section, for a freshly loaded collection (slot i = item i, every slot alive,
// `items` of them in `data`). kCorrupt (message naming the collection, not the file) for any
// inconsistency; kInternal when memory cannot be had.
Result<HnswGraph> Restore(const std::string& name, std::string_view section, int dim, const HnswParams& params,
                          const std::vector<float>& data, size_t items);

}  // namespace hnsw
}  // namespace georune::vector
