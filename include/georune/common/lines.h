// Lines of a text, and of a file streamed block by block (one block plus the longest line in
// memory, however large the file).
//
// A line ends at "\n", "\r\n" or a lone "\r" (old Mac files); the end is not part of the line.
// Lines are numbered from 1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "georune/common/status.h"

namespace georune {

// Calls fn(line_number, line) for every line. Stops early and returns the first non-OK status
// fn returns.
template <typename Fn>
Status ForEachLine(std::string_view text, Fn&& fn) {
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    // Lone '\r's inside: each ends a line of its own.
    for (size_t cr; (cr = line.find('\r')) != std::string_view::npos && cr + 1 < line.size();) {
      Status st = fn(++line_no, line.substr(0, cr));
      if (!st.ok()) return st;
      line.remove_prefix(cr + 1);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Status st = fn(++line_no, line);
    if (!st.ok()) return st;
    pos = end + 1;
  }
  return Status::Ok();
}

// Reads at most `room` bytes of `fd` into `at`; the count read, 0 at the end of the file.
// kIoError (naming `path`) when the read fails.
Result<size_t> ReadSome(int fd, const std::string& path, char* at, size_t room);

// The block in which to read the open file `fd`: `block`, or less for a smaller file -- its size
// and one byte, rounded up to 4 KiB -- so that reading a small file does not allocate and clear
// a large buffer.
size_t BlockForFile(int fd, size_t block);

// A size limit for messages: "64 MiB" when a whole number of MiB, else "1000 bytes".
std::string SizeLimitText(uint64_t bytes);

// ForEachLine over the open file `fd`, streamed: blocks of `block` bytes are read into
// `buffer` (reused; it holds one block plus the unfinished line, so it grows only with the
// longest line). Lines, their ends and their numbers are exactly ForEachLine's over the whole
// file. A line longer than `max_line_bytes` ends the reading with too_long(line_number), the
// caller's located error for it; nothing more is read.
template <typename Fn, typename TooLong>
Status ForEachLineOfFile(int fd, const std::string& path, std::string& buffer, uint64_t max_line_bytes, Fn&& fn,
                         TooLong&& too_long, size_t block = size_t{1} << 16) {
  block = BlockForFile(fd, block);
  size_t len = 0;  // bytes held: the unfinished line, then the new block
  int base = 0;    // lines handed out so far
  auto emit = [&](std::string_view text) {
    int last = 0;
    Status st = ForEachLine(text, [&](int n, std::string_view line) -> Status {
      last = n;
      if (line.size() > max_line_bytes) return too_long(base + n);
      return fn(base + n, line);
    });
    base += last;
    return st;
  };
  for (;;) {
    if (buffer.size() < len + block) buffer.resize(std::max(buffer.size() * 2, len + block));
    GEORUNE_ASSIGN_OR_RETURN(size_t n, ReadSome(fd, path, buffer.data() + len, block));
    if (n == 0) break;
    const size_t old = len;
    len += n;
    // Cut after the last line end: a '\n', or a '\r' with a byte after it (a '\r' that ends
    // the data may begin "\r\n"). Only the new bytes, and a '\r' held back, can hold one.
    size_t cut = 0;
    for (size_t i = len; i-- > (old > 0 ? old - 1 : 0);) {
      if (buffer[i] == '\n' || (buffer[i] == '\r' && i + 1 < len)) {
        cut = i + 1;
        break;
      }
    }
    if (cut > 0) {
      GEORUNE_RETURN_IF_ERROR(emit(std::string_view(buffer.data(), cut)));
      std::memmove(buffer.data(), buffer.data() + cut, len - cut);
      len -= cut;
    }
    if (len > max_line_bytes) return too_long(base + 1);
  }
  return len > 0 ? emit(std::string_view(buffer.data(), len)) : Status::Ok();
}

}  // namespace georune
