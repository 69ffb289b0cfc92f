// The text-metric benchmark run of `georune score`: reads a references file and a hypotheses
// file (JSON Lines of {"id", "text"}), pairs them by id and scores them (text_metrics.h).
//
// A reference line's "text" may be a string or an array of strings, and an id may repeat over
// reference lines (its texts are pooled). A hypothesis file has one string "text" per id, and
// every hypothesis id needs a reference. Blank lines are skipped. A malformed line, a repeated
// hypothesis id or one without a reference is kInvalidInput at FILE:LINE with a hint.
#pragma once

#include <cstddef>
#include <string>

#include "georune/common/status.h"
#include "georune/eval/text_metrics.h"

namespace georune::eval {

struct ScoreFilesResult {
  TextScores scores;
  size_t references_without_hypothesis = 0;  // reference ids no hypothesis names (not scored)
};

Result<ScoreFilesResult> ScoreFiles(const std::string& refs_path, const std::string& hyps_path, MetricsMode mode,
                                    const TextMetricsOptions& options = {});

}  // namespace georune::eval
