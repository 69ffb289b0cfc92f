#include "georune/common/lines.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <cstring>

namespace georune {

size_t BlockForFile(int fd, size_t block) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 0) return block;
  constexpr uint64_t kPage = 4096;
  const uint64_t fit = (static_cast<uint64_t>(st.st_size) + 1 + kPage - 1) / kPage * kPage;
  return static_cast<size_t>(std::min<uint64_t>(block, fit));
}

std::string SizeLimitText(uint64_t bytes) {
  return bytes % (uint64_t{1} << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

Result<size_t> ReadSome(int fd, const std::string& path, char* at, size_t room) {
  for (;;) {
    ssize_t n = ::read(fd, at, room);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  }
}

}  // namespace georune
