// Internal helpers of the ingest readers: fast tokenising and number parsing, file listing,
// a small parallel-for, class lookup with a per-thread cache. Not a public header.
#pragma once

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/diagnostic.h"
#include "georune/common/lines.h"
#include "georune/common/parallel.h"
#include "georune/common/status.h"
#include "georune/ontology/ontology.h"

namespace georune::ingest::internal {

// A blank within one line of a label file: ASCII whitespace but '\n', which ends the line. A
// line's text never holds a '\n' here; TrimAsciiSpace (common/text.h) trims text of any kind.
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// `s` (one line's text) without leading and trailing blanks.
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on blanks into at most `max` tokens; returns the number of tokens found (which may
// exceed `max`: the extra ones are counted but not stored).
inline size_t Tokenize(std::string_view line, std::string_view* out, size_t max) {
  size_t n = 0, i = 0;
  const size_t size = line.size();
  while (i < size) {
    while (i < size && IsBlank(line[i])) ++i;
    if (i >= size) break;
    size_t start = i;
    while (i < size && !IsBlank(line[i])) ++i;
    if (n < max) out[n] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

// The plain parser: std::from_chars over the whole token (after an optional '+'). nullopt if it
// is not a number; non-finite values ("nan", "inf", overflow) are returned as such for the
// caller to reject. ParseDouble must always agree with it bit for bit.
inline std::optional<double> ParseDoubleFromChars(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ptr != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return HUGE_VAL;
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// Exact fast path for the common token `[-]digits[.digits]` (Clinger): when the digits, read
// as an integer m, fit in 53 bits and there are at most 19 of them, m and 10^f (f <= 19 <= 22)
// are both exact doubles and one IEEE division rounds m / 10^f correctly, which is what
// from_chars returns. Returns false (out untouched) for any other form; the caller falls back.
inline bool ParseSimpleDecimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* end = p + s.size();
  bool negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  uint64_t m = 0;
  int digits = 0, frac = 0;
  const char* int_start = p;
  while (p < end && static_cast<unsigned>(*p - '0') < 10) {
    m = m * 10 + static_cast<unsigned>(*p - '0');
    ++p;
    if (++digits > 19) return false;
  }
  if (p == int_start) return false;
  if (p < end && *p == '.') {
    ++p;
    const char* frac_start = p;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) {
      m = m * 10 + static_cast<unsigned>(*p - '0');
      ++p;
      if (++digits > 19) return false;
    }
    frac = static_cast<int>(p - frac_start);
    if (frac == 0) return false;
  }
  if (p != end || m > (uint64_t{1} << 53)) return false;
  double v = static_cast<double>(m) / kPow10[frac];
  out = negative ? -v : v;
  return true;
}

// Parses a whole token as a double: the fast path above, else ParseDoubleFromChars.
inline std::optional<double> ParseDouble(std::string_view s) {
  double fast;
  if (ParseSimpleDecimal(s, fast)) return fast;
  return ParseDoubleFromChars(s);
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

// ForEachLine, ReadSome: georune/common/lines.h.
using georune::ForEachLine;
using georune::ReadSome;

// The error for a file or record larger than the limit (ReadOptions::max_record_bytes).
Status TooLarge(const std::string& path, int line, uint64_t max_bytes);

// georune::ForEachLineOfFile (common/lines.h) with TooLarge for a line longer than
// `max_line_bytes`.
template <typename Fn>
Status ForEachLineOfFile(int fd, const std::string& path, std::string& buffer, uint64_t max_line_bytes, Fn&& fn,
                         size_t block = size_t{1} << 16) {
  return georune::ForEachLineOfFile(
      fd, path, buffer, max_line_bytes, std::forward<Fn>(fn),
      [&](int line) { return TooLarge(path, line, max_line_bytes); }, block);
}

// Regular files in `dir` whose name ends with `suffix` in any letter case (".txt" matches
// "P0003.TXT"), sorted by relative path. `recursive` descends into sub-folders. kNotFound if
// `dir` does not exist, kInvalidInput if it is not a folder or a symbolic link loop.
Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix, bool recursive);

// kInvalidInput "FOLDER: no <expected> in this folder" when `files` is empty: an ingest that
// finds nothing to read is a mistake (a wrong folder or format), not an empty success.
Status RequireFiles(const std::vector<std::string>& files, const std::string& folder, const std::string& expected,
                    const std::string& hint);

// ParallelFor, ParallelForWorkers, WorkerCount: georune/common/parallel.h.
using georune::ParallelFor;
using georune::ParallelForWorkers;
using georune::WorkerCount;

// A folder opened once, to open the files in it by name (openat). fd(path) is the folder's
// descriptor when `path` lies directly in the folder of files[0], else -1 (open by path).
class DirectoryHandle {
 public:
  explicit DirectoryHandle(const std::vector<std::string>& files);
  ~DirectoryHandle();
  DirectoryHandle(const DirectoryHandle&) = delete;
  DirectoryHandle& operator=(const DirectoryHandle&) = delete;
  int fd(const std::string& path) const;
  // The file name part of `path` (points into it).
  static const char* Name(const std::string& path);

 private:
  std::string dir_;  // with its trailing '/'
  int fd_ = -1;
};

// Class lookup with a cache; one per thread (not thread safe itself).
class ClassLookup {
 public:
  explicit ClassLookup(const Ontology& ontology) : ontology_(&ontology) {}
  std::optional<int> Find(std::string_view label);
  // The diagnostic for an unknown class: names the class, suggests close ones, points at
  // --ontology.
  Diagnostic Unknown(std::string_view path, int line, std::string_view label) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const Ontology* ontology_;                                           // not owned
  std::unordered_map<std::string, int, Hash, std::equal_to<>> cache_;  // -1 = unknown
  std::string last_label_;  // the label of the previous lookup and its answer (no hashing)
  int last_id_ = -2;        // -2 = none yet
};

// The last path component, and it without its last extension (std::filesystem's stem rules: a
// leading dot is not an extension). String operations only; no std::filesystem::path objects.
std::string FileStem(std::string_view path);
std::string FileName(std::string_view path);
// The plain versions (std::filesystem::path) the two above must agree with; for tests.
std::string FileStemPlain(std::string_view path);
std::string FileNamePlain(std::string_view path);

// Reads a whole file into `buffer`, which is reused from call to call (it grows and is never
// shrunk), and returns the bytes read as a view into it. Opens `name` relative to `dir_fd`
// when dir_fd >= 0, else `path`; `path` names the file in messages. One open, one read (more
// when the buffer fills), one close: a read of a regular file is short only at its end.
// kNotFound if absent, kInvalidInput for anything but a regular file (OpenRegularFile) or a
// file larger than `max_bytes`, kIoError otherwise.
Result<std::string_view> ReadFileInto(int dir_fd, const char* name, const std::string& path, std::string& buffer,
                                      uint64_t max_bytes);

// Writes a file (no fsync: these are exported data, not archive files). kIoError on failure.
Status WritePlainFile(const std::string& path, std::string_view data);
// Appends the shortest round-trip text of v.
void AppendDouble(std::string& out, double v);
void AppendFloat(std::string& out, float v);

}  // namespace georune::ingest::internal
