// Files: whole reads, atomic writes, memory maps, checksums.
//
// WriteFileAtomic writes to "<path>.tmp.<pid>", fsyncs it, renames it over `path` and fsyncs the
// folder, so a reader sees the old file or the new one, never a mix. Checksum64 is XXH3-64.
// MappedFile is move-only and unmaps on destruction; an empty file maps to (nullptr, 0).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "georune/common/status.h"

namespace georune {

// Opens a file for reading (relative to `dir_fd` when it is >= 0, else `path`; `path` names it in
// messages). Only regular files: a folder, FIFO, device or socket is kInvalidInput (a FIFO
// would block, /dev/zero never ends); kNotFound when absent; kIoError otherwise. The caller
// closes the descriptor.
Result<int> OpenRegularFile(int dir_fd, const char* name, const std::string& path);
// A whole regular file (OpenRegularFile's refusals); kInvalidInput when it is larger than
// `max_bytes`.
Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes = UINT64_MAX);
// The cap on a user's text file that is read whole (scored results, benchmark questions, a label
// file read to locate its image): larger ones are refused, not read.
inline constexpr uint64_t kMaxWholeTextFileBytes = uint64_t{256} << 20;
Status WriteFileAtomic(const std::string& path, std::string_view data);
// OK when `dir` is a folder (or a link to one); else kInvalidInput for a symbolic link loop or
// something that is not a folder, kNotFound for a dangling link or nothing there.
Status CheckFolder(const std::string& dir);
// fsync a folder so that renames inside it are durable.
Status SyncDirectory(const std::string& dir);

uint64_t Checksum64(const void* data, size_t size);
inline uint64_t Checksum64(std::string_view s) { return Checksum64(s.data(), s.size()); }

class MappedFile {
 public:
  MappedFile() = default;
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace georune
