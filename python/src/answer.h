// Answer: one query's answer as the Python module holds it — service::QueryAnswer (what the CLI
// prints with --format json) plus, per result, the image's number in its archive and the shard
// it came from (-1 for a single archive).
//
// Answers travel between Dask workers as JSON (ToWire/FromWire: QueryAnswerJson plus the image
// numbers and shards), which round-trips every field exactly (doubles are printed shortest
// round-trip). Merge() is the exact top-k merge of shard answers: score descending, then image id
// ascending — search::Run's own order — so merging the shards of an archive gives the archive's
// ranking.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "georune/service/query.h"

namespace georune::py {

struct Answer {
  service::QueryAnswer answer;
  std::vector<int> shard;  // per result; -1 for a single archive

  std::string ToJson() const;  // QueryAnswerJson(answer).dump(2): byte-identical to the CLI
  std::string ToWire() const;
  static Answer FromWire(const std::string& wire);  // throws EngineError(kCorrupt) on bad input
};

// The merged answer of shard answers of one query: the results of all, ranked, the first `keep`
// kept (0 = all); stats summed (ms: the largest); plans joined. Throws EngineError(kInvalidInput)
// when the answers are not of the same query (logic, semantics or mode differ).
Answer Merge(std::vector<const Answer*> parts, size_t keep);

}  // namespace georune::py
