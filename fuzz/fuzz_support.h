// Shared by the libFuzzer targets: a private scratch folder (in /dev/shm when present) where a
// target writes the input as the file(s) a loader reads.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace georune::fuzz {

inline const std::string& Scratch() {
  static const std::string dir = [] {
    std::error_code ec;
    std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    std::filesystem::path p = base / ("georune_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return dir;
}

// The files Write() made for the input being run.
inline std::vector<std::string>& Written() {
  static std::vector<std::string> files;
  return files;
}

// The sub-folder `name` of the scratch folder, empty: made once, and emptied of the previous
// input's files by unlinking them (cheaper than removing and making the folder each time, which
// cost a tenth of a run). Anything else found there is removed too.
inline std::string Folder(const std::string& name) {
  const std::string p = Scratch() + "/" + name;
  for (const std::string& f : Written()) ::unlink(f.c_str());
  Written().clear();
  std::error_code ec;
  if (!std::filesystem::is_empty(p, ec) || ec) {
    std::filesystem::remove_all(p, ec);
    std::filesystem::create_directories(p, ec);
  }
  return p;
}

inline void Write(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  Written().push_back(path);
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) break;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
}

// Splits an input into parts at the separator line "\n--8<--\n" (seeds use it to hold several
// files in one input).
inline std::vector<std::string_view> Parts(std::string_view in, size_t max_parts) {
  std::vector<std::string_view> parts;
  constexpr std::string_view kSep = "\n--8<--\n";
  while (parts.size() + 1 < max_parts) {
    size_t at = in.find(kSep);
    if (at == std::string_view::npos) break;
    parts.push_back(in.substr(0, at));
    in.remove_prefix(at + kSep.size());
  }
  parts.push_back(in);
  return parts;
}

}  // namespace georune::fuzz
