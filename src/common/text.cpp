#include "georune/common/text.h"

#include <cstdint>

#include <algorithm>
#include <vector>

namespace georune {

size_t EditDistance(std::string_view a, std::string_view b) {
  return EditDistanceAtMost(a, b, std::max(a.size(), b.size()));
}

// Three rolling rows of the optimal-string-alignment table; only cells within `max` of the
// diagonal can hold a distance <= max, the others count as max + 1 (they only make a path
// longer). A row wholly beyond `max` ends the comparison: a transposition reaches back two rows,
// but only from a cell that the row between would have bettered by one.
size_t EditDistanceAtMost(std::string_view a, std::string_view b, size_t max) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > max) return max + 1;
  const size_t beyond = max + 1, n = b.size();
  thread_local std::vector<size_t> rows;  // reused: fuzzy matching calls this in loops
  rows.assign(3 * (n + 1), beyond);
  size_t* prev2 = rows.data();
  size_t* prev = prev2 + (n + 1);
  size_t* cur = prev + (n + 1);
  for (size_t j = 0; j <= std::min(n, max); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    const size_t from = i > max ? i - max : 1, to = std::min(n, i + max);
    cur[from - 1] = from == 1 && i <= max ? i : beyond;
    size_t row_min = cur[from - 1];
    for (size_t j = from; j <= to; ++j) {
      size_t d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, prev2[j - 2] + 1);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (to < n) cur[to + 1] = beyond;
    if (row_min > max) return beyond;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[n], beyond);
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // a continuation byte first, 0xC0/0xC1 (overlong) or > 0xF4
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace georune
