// Which landmark does a question name? Names matched as people type them.
//
// Every record name is folded (text_fold.h); a name with a parenthetical ("Concepción
// (volcano)") also counts without it. A question is folded into tokens, and each name of k
// tokens is compared with every window of k−1, k and k+1 consecutive question tokens:
// score = Similarity(window, name) (1 − edit distance / longer length). A record's score is
// its best window. Names of fewer than 5 folded characters must match exactly (score 1 or 0).
//
// Windows are compared exactly only when two lower bounds of their edit distance (length
// difference, letter counts) leave them a chance to reach the threshold and beat the record's
// best window; when no record reaches it, a second pass with floor 0.4 finds `closest`.
// Find() keeps the records scoring >= threshold, drops those whose window lies strictly inside
// another kept record's window ("Kyoto" inside "Kyoto Station"), and returns the best
// score's records: one = a match, several (scores equal within 1e-9) = ambiguous, none = no
// landmark named. `closest` is the best record under the threshold (for "did you mean").
//
// kNameThreshold is calibrated on bench/rswk/questions (docs/rag.md: one or two typing
// mistakes in a name of 10+ characters pass, a different landmark of the same kind does not).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "georune/rag/records.h"

namespace georune::rag {

inline constexpr double kNameThreshold = 0.8;

struct NameMatch {
  int record = -1;   // index into the records
  double score = 0;  // Similarity of the best window
  size_t begin = 0;  // the window, in folded question tokens
  size_t count = 0;
};

struct LandmarkLookup {
  std::vector<NameMatch> best;  // 1: matched; >1: ambiguous; 0: none
  NameMatch closest;            // best under the threshold (record -1 when none)
};

class LandmarkIndex {
 public:
  explicit LandmarkIndex(const std::vector<Record>& records);
  LandmarkLookup Find(std::string_view question, double threshold = kNameThreshold) const;

  using Letters = std::array<uint8_t, 36>;  // counts of a-z and 0-9 in a folded text
  static Letters Count(const std::string& folded);

 private:
  struct Name {
    int record;
    std::string folded;
    size_t tokens;
    Letters letters;
  };
  std::vector<Name> names_;
};

// The capitalised phrase a question seems to name ("When was Bergen Station built?" →
// "Bergen Station"): the longest run of capitalised words (joined by de/of/the/…), not counting
// a leading question word; "" when there is none.
std::string NamedPhrase(std::string_view question);

}  // namespace georune::rag
