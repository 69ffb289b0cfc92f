// Helpers shared by the test suites.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "georune/common/diagnostic.h"

namespace georune::test_support {

// Whether `status` carries a diagnostic whose hint names the option `setting`.
inline bool NamesSetting(const Status& status, Setting setting) {
  const Diagnostic* d = status.diagnostic();
  if (!d) return false;
  for (Setting s : d->settings)
    if (s == setting) return true;
  return false;
}

// A fresh, empty folder under the system's temp folder, named after `tag`, this process and a
// counter. The caller removes it: TempDir does so when it goes out of scope.
inline std::string MakeTempDir(std::string_view tag) {
  static std::atomic<int> counter{0};
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() /
      ("georune_" + std::string(tag) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

// A fresh folder, removed with everything in it when the object goes out of scope.
// A field of /proc/self/status in kB (VmRSS, VmHWM); -1 when absent.
inline long ProcStatusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// What AddressSanitizer adds to a peak-memory measurement: its quarantine keeps freed blocks
// for a while, and its shadow memory adds an eighth of what is touched. A bound that proves a
// reader streams (far below the file's size) still holds with it.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr long kSanitizerPeakSlackKb = 96 * 1024;
#else
inline constexpr long kSanitizerPeakSlackKb = 0;
#endif

// Starts a fresh peak-memory measurement: resets the process's high-water mark (VmHWM) to its
// current resident size, so that tests before this one do not hide this one's peak. Returns
// the resident size (kB); the peak growth since is ProcStatusKb("VmHWM") minus it.
inline long StartPeakMeasurement() {
  std::ofstream("/proc/self/clear_refs") << "5";
  return ProcStatusKb("VmRSS");
}

// Where each element of the top-level JSON array `text` starts: (line, column), 1-based, by a
// plain scan of the whole text (the oracle of the streamed array readers).
inline std::vector<std::pair<int, int>> JsonArrayElementPlaces(std::string_view text) {
  std::vector<std::pair<int, int>> places;
  int depth = 0, line = 1, column = 0;
  bool in_string = false, escape = false, expect = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth == 1 && expect && c != ']') {
      places.emplace_back(line, column);
      expect = false;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') expect = ++depth == 1;
    else if (c == ']' || c == '}') --depth;
    else if (c == ',' && depth == 1) expect = true;
  }
  return places;
}

class TempDir {
 public:
  explicit TempDir(std::string_view tag = "test") : path_(MakeTempDir(tag)) {}
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `text` to `name` (folders created as needed) and returns the file's path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

}  // namespace georune::test_support
