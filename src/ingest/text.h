// Internal helpers of the ingest readers: fast tokenising and number parsing, file listing,
// a small parallel-for, class lookup with a per-thread cache. Not a public header.
#pragma once

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/diagnostic.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::ingest::internal {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on blanks into at most `max` tokens; returns the number of tokens found (which may
// exceed `max`: the extra ones are counted but not stored).
inline size_t Tokenize(std::string_view line, std::string_view* out, size_t max) {
  size_t n = 0, i = 0;
  const size_t size = line.size();
  while (i < size) {
    while (i < size && IsSpace(line[i])) ++i;
    if (i >= size) break;
    size_t start = i;
    while (i < size && !IsSpace(line[i])) ++i;
    if (n < max) out[n] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

// Parses a whole token as a double (decimal or exponent form). nullopt if it is not a number;
// non-finite values ("nan", "inf", overflow) are returned as such for the caller to reject.
inline std::optional<double> ParseDouble(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ptr != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return HUGE_VAL;
  if (ec != std::errc()) return std::nullopt;
  return v;
}

inline std::optional<long long> ParseInt(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  long long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// A token shortened for a message (binary garbage and huge tokens stay readable).
std::string Quote(std::string_view token);

// Calls fn(line_number, line) for every line (1-based; '\n' ends a line, a trailing '\r' is
// removed). Stops early and returns the first non-OK status fn returns.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    Status st = fn(line_no, line);
    if (!st.ok()) return st;
    pos = end + 1;
  }
  return Status::Ok();
}

// Regular files in `dir` whose name ends with `suffix`, sorted by relative path. `recursive`
// descends into sub-folders. kNotFound if `dir` is not a folder.
Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix,
                                           bool recursive);

// Runs fn(i) for i in [0, n) on `threads` workers (0 = all cores). fn must not throw.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn);

// Class lookup with a cache; one per thread (not thread safe itself).
class ClassLookup {
 public:
  explicit ClassLookup(const Ontology& ontology) : ontology_(ontology) {}
  std::optional<int> Find(std::string_view label);
  // The diagnostic for an unknown class: names the class, suggests close ones, points at
  // --ontology.
  Diagnostic Unknown(std::string_view path, int line, std::string_view label) const;

 private:
  const Ontology& ontology_;
  std::unordered_map<std::string, int> cache_;  // -1 = unknown
};

std::string FileStem(std::string_view path);
std::string FileName(std::string_view path);

// Writes a file (no fsync: these are exported data, not archive files). kIoError on failure.
Status WritePlainFile(const std::string& path, std::string_view data);
// Appends the shortest round-trip text of v.
void AppendDouble(std::string& out, double v);
void AppendFloat(std::string& out, float v);

}  // namespace georune::ingest::internal
