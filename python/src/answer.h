// Answer: one query's answer as the Python module holds it — service::QueryAnswer (what the CLI
// prints with --format json) plus, per result, the image's number in its archive and the shard
// it came from (-1 for a single archive).
//
// Answers travel between Dask workers as JSON (ToWire/FromWire: QueryAnswerJson plus the image
// numbers and shards), which round-trips every field exactly (doubles are printed shortest
// round-trip). Merge() is the exact top-k merge of shard answers: score descending, then image id
// ascending — search::Run's own order — so merging the shards of an archive gives the archive's
// ranking.
//
// Rows are explained lazily: Archive.query ranks without explaining (service's explain_rows off,
// so stats.ms is the search alone; with explain=True, eagerly, as the CLI's --format json), and a row's witness, atom
// values and witness entities are filled by service::RowExplainer the first time something reads them (Item, the
// witness matrix, JSON, the wire form, Merge); they equal what an eager search gives. Thread safety: bindings call
// ExplainRows without the GIL; it and DropFirst, the only writers of rows, take the row state's
// mutex, and readers of witness or atoms explain the rows they read first.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "georune/service/query.h"

namespace georune::py {

// The rows of an answer still to explain, and what explains them.
struct LazyRows {
  std::shared_ptr<const Archive> archive;  // kept open while rows are unexplained
  std::shared_ptr<const logic::BoundQuery> query;
  std::mutex mu;
  std::vector<uint8_t> done;  // per result: explained
  size_t left = 0;            // results not yet explained
  // Rebuilt when older than half the query budget, so that each access has at least half of it
  // (the budget counts from the explainer's construction, search::Explainer).
  std::unique_ptr<service::RowExplainer> explainer;
  std::chrono::steady_clock::time_point built{};
};

struct Answer {
  service::QueryAnswer answer;
  std::vector<int> shard;  // per result; -1 for a single archive
  // Null: every row explained (answer.images parallel to the results); else answer.images is
  // empty until the first row is explained, then parallel to the results.
  std::shared_ptr<LazyRows> lazy;

  Answer() = default;
  Answer(Answer&&) = default;
  Answer& operator=(Answer&&) = default;
  Answer(const Answer&) = delete;  // copies would share the lazy rows' state
  Answer& operator=(const Answer&) = delete;

  // An answer whose rows are explained (explain_rows on).
  static Answer Explained(service::QueryAnswer answer);
  // An answer of search::Run without explained rows (explain_rows off), explained on access.
  static Answer Unexplained(service::QueryAnswer answer, std::shared_ptr<const Archive> archive);
  // Explains rows [first, last) not yet explained; throws EngineError (kTooComplex past the
  // budget, kInternal when an explanation disagrees with the ranked score). Call it without the GIL.
  void ExplainRows(size_t first, size_t last);
  void ExplainAll() { ExplainRows(0, answer.response.results.size()); }
  void DropFirst(size_t n);  // removes the first n results

  std::string ToJson();  // QueryAnswerJson(answer).dump(2): byte-identical to the CLI
  std::string ToWire();
  static Answer FromWire(const std::string& wire);  // throws EngineError(kCorrupt) on bad input
};

// The merged answer of shard answers of one query: the results of all, ranked, the first `keep`
// kept (0 = all); stats summed (ms: the largest); plans joined. Throws EngineError(kInvalidInput)
// when the answers are not of the same query (logic, semantics or mode differ). Explains the
// parts' rows first.
Answer Merge(std::vector<Answer*> parts, size_t keep);

}  // namespace georune::py
