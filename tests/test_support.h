// Helpers shared by the test suites.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

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
// counter. The caller removes it (or not).
inline std::string MakeTempDir(std::string_view tag) {
  static std::atomic<int> counter{0};
  const std::filesystem::path p = std::filesystem::temp_directory_path() /
                                  ("georune_" + std::string(tag) + "_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(counter++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

// A fresh folder, removed with everything in it when the object goes out of scope.
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
