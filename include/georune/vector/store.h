// The vector store (RS-RAG's Multi-Modal Knowledge Vector Database, MKVD).
//
// A VectorStore holds named Collections (RS-RAG uses "text" and "image"), each of fixed
// dimension. Every item has a caller-chosen 64-bit key, a vector and a Payload that links it to
// its knowledge-base record (record id, chunk number, chunk type, category, raw text, image path,
// location). Items of different collections are linked by Payload::record_id.
//
// Similarity is the inner product; callers store L2-normalised vectors so that it is cosine.
//
// Search:
//  - SearchFlat(): exact, a scan of every live item; the oracle for the approximate index.
//  - SearchHnsw(): approximate, hnswlib's HNSW graph (inner-product space). The graph is loaded
//    with the store when the file holds one (format 2 or 3); otherwise (a format-1 file, or a
//    collection created in memory) it is built on the first HNSW search or BuildGraph(). Either
//    way Upsert/Delete then keep it up to date. If hnswlib fails (it throws, e.g. out of memory)
//    the graph is dropped and rebuilt on the next HNSW search; a search that cannot get a graph
//    answers with SearchFlat (exact) and says so in its SearchReport. graph_note() tells why
//    the collection's graph is not the saved one (refused layout, dropped, failed build).
//    hnswlib 0.6 has no filtered search, so with a filter the search over-fetches (4k, doubling)
//    until k items pass the filter or every item has been seen; results are then exact ranks of
//    what the graph returned.
// Both return at most k hits, best first, ties broken by lower key; empty when nothing matches.
//
// Upsert() replaces an existing key (its old vector is tombstoned in the graph). Delete()
// returns false when the key is absent.
//
// Persistence (docs/rag.md, "Vector store file"; src/vector/store_file.cpp, with the coding
// layer of common/coding.h): Save() writes format 3 through WriteFileAtomic: magic
// "GRVECST1", version, head length, the hnswlib layout of the graphs (hnsw_graph.h), the
// collections and their live items, and an
// XXH3-64 checksum of that head; then one section per non-empty collection holding its HNSW
// graph (nodes, levels, neighbour lists; the vectors of tombstoned nodes), each with its own
// length and XXH3-64 checksum recorded in the head. Save() builds a missing graph first (so it
// can take as long as a build; at 100k × 128 about half a minute on one core) so that the next
// Load() does not have to; when it cannot build one (hnswlib fails) it saves the collection
// without a graph and appends why to `notes`. Live items are renumbered densely on save; the graph is stored
// node for node, so a loaded graph answers every search exactly as the saved one did.
// Load() reads format 1 (no graph: built on the first HNSW search, as before), format 2 (graphs
// of hnswlib 0.6's layout) and format 3. A graph saved with another hnswlib layout than this
// build's is not used: the collection rebuilds it at the first HNSW search and graph_note()
// (and VectorStore::GraphNotes()) says so. It verifies magic, version, the head checksum, every section checksum, every
// length and the graph's structure (neighbour ids, levels, entry point, one node per live item) before use, and returns
// kCorrupt naming the file (and the collection, for a graph) for any damage; kNotFound for a missing file; kInternal if
// memory for the graph cannot be had.
//
// Thread safety: any number of concurrent searches are safe; Upsert/Delete/Save/SetEfSearch
// need exclusive access (no search in flight). has_graph() must not race a first search.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/status.h"

namespace georune::vector {

struct Payload {
  std::string record_id;   // the knowledge-base record this item belongs to
  uint32_t chunk = 0;      // chunk number within the knowledge base
  std::string chunk_type;  // e.g. "basic_info", "image"
  std::string category;    // e.g. "Historic Site"; may be empty
  std::string text;        // the raw chunk text (or image description)
  std::string image_path;  // may be empty
  bool has_location = false;
  double lat = 0, lon = 0;  // degrees, WGS 84, when has_location
};

// Conjunction of the set conditions; an empty Filter matches everything.
struct Filter {
  std::vector<std::string> chunk_types;  // any of these (exact match); empty: any type
  std::string category;                  // case-insensitive equality; empty: any
  std::string record_id;                 // exact; empty: any
  bool use_box = false;                  // keep only items with a location inside the box
  double min_lat = -90, max_lat = 90, min_lon = -180, max_lon = 180;

  bool empty() const { return chunk_types.empty() && category.empty() && record_id.empty() && !use_box; }
  bool Matches(const Payload& p) const;
};

struct Hit {
  uint64_t key = 0;
  float score = 0;  // inner product with the query
};

struct HnswParams {
  size_t m = 16;                 // graph degree
  size_t ef_construction = 200;  // build beam width
  size_t ef_search = 64;         // query beam width (at least k is used)
  size_t seed = 100;             // hnswlib's level generator seed
};

// How an approximate search was answered.
struct SearchReport {
  std::string exact_because;  // empty: by the HNSW graph; else why it was an exact (flat) scan
};

// The hnswlib index, kept out of this header: src/vector/hnsw_graph.cpp is the one file that
// includes hnswlib (its headers define globals, so only one translation unit may).
struct HnswState;
struct HnswStateDeleter {
  void operator()(HnswState* state) const;
};
using HnswGraph = std::unique_ptr<HnswState, HnswStateDeleter>;

class Collection {
 public:
  Collection(std::string name, int dim, HnswParams params = {});
  ~Collection();
  Collection(Collection&&) noexcept;
  Collection& operator=(Collection&&) noexcept;

  const std::string& name() const { return name_; }
  int dim() const { return dim_; }
  const HnswParams& params() const { return params_; }
  size_t size() const { return key_to_slot_.size(); }

  // kInvalidInput if vec.size() != dim() or holds a non-finite value.
  Status Upsert(uint64_t key, const std::vector<float>& vec, Payload payload);
  bool Delete(uint64_t key);

  // nullptr when absent. Pointers stay valid until the next Upsert/Delete.
  const Payload* GetPayload(uint64_t key) const;
  const float* GetVector(uint64_t key) const;
  // Inner product of the key's vector with `query`; nullopt when the key is absent.
  std::optional<float> Score(uint64_t key, const float* query) const;
  // Live keys in ascending order.
  std::vector<uint64_t> Keys() const;

  // Changes the HNSW query beam width (needs exclusive access, like Upsert).
  void SetEfSearch(size_t ef);
  // Builds the HNSW graph now (otherwise the first SearchHnsw does). No-op when it exists;
  // kInternal when hnswlib fails.
  Status BuildGraph() const { return EnsureGraph(); }
  // True when the HNSW graph exists (built, or loaded with the store).
  bool has_graph() const;
  // Why the graph is not the one saved or last built (empty when nothing happened): a saved
  // graph of another hnswlib layout, a graph dropped after an hnswlib failure, a failed build.
  std::string graph_note() const;

  std::vector<Hit> SearchFlat(const float* query, size_t k, const Filter& filter = {}) const;
  // `report`, when given, says whether the graph answered or why the search was exact.
  std::vector<Hit> SearchHnsw(const float* query, size_t k, const Filter& filter = {},
                              SearchReport* report = nullptr) const;

 private:
  friend class VectorStore;
  // Builds the graph if absent; kInternal when hnswlib failed (no graph then, graph_note set).
  Status EnsureGraph() const;
  void DropGraph(const std::string& why);

  std::string name_;
  int dim_;
  HnswParams params_;
  std::vector<uint64_t> slot_key_;
  std::vector<float> data_;  // slot-major, dim_ floats per slot
  std::vector<Payload> payloads_;
  std::vector<bool> alive_;
  std::unordered_map<uint64_t, uint32_t> key_to_slot_;
  mutable HnswGraph graph_;
  mutable std::string graph_note_;  // guarded by graph_mu_
  mutable std::unique_ptr<std::mutex> graph_mu_;
};

class VectorStore {
 public:
  // The collection named `name`, created with `dim` if absent. kInvalidInput if it exists with
  // another dimension.
  Result<Collection*> GetOrCreate(const std::string& name, int dim, HnswParams params = {});
  Collection* Find(const std::string& name);
  const Collection* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

  // `notes`, when given, receives one line per collection saved without its graph.
  Status Save(const std::string& path, std::vector<std::string>* notes = nullptr) const;
  static Result<VectorStore> Load(const std::string& path);
  // "collection \"NAME\": " + graph_note() for each collection that has a note.
  std::vector<std::string> GraphNotes() const;

 private:
  std::map<std::string, std::unique_ptr<Collection>> collections_;
};

}  // namespace georune::vector
