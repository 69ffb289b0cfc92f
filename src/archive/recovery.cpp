// Recovery of what killed writers left in an archive folder, and the archive's writer lock.
#include <filesystem>
#include <unordered_set>

#include "archive/archive_internal.h"
#include "archive/format.h"
#include "georune/common/files.h"

namespace georune::archive_internal {
namespace fs = std::filesystem;
using archive_format::kManifestName;

namespace {
bool IsSegmentName(const std::string& name) {
  return name.size() > 8 && name.rfind("seg-", 0) == 0 && name.compare(name.size() - 4, 4, ".grs") == 0;
}
}  // namespace

void RemoveOrphans(const std::string& dir, const Manifest* manifest) {
  RemoveOrphanTempFiles(dir, {"seg-", kManifestName});
  std::unordered_set<std::string> listed;
  if (manifest)
    for (const auto& s : manifest->segments) listed.insert(s.file);
  bool removed = false;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code ec2;
    if (IsSegmentName(name) && !listed.count(name) && it->is_regular_file(ec2)) removed |= fs::remove(it->path(), ec2);
  }
  if (removed) (void)SyncDirectory(dir);
}

Result<WriterLock> LockArchive(const std::string& dir, double wait_seconds, bool create_dir) {
  LockRequest request;
  request.what = "archive";
  request.wait_seconds = wait_seconds;
  request.create_dir = create_dir;
  return WriterLock::Acquire(dir, request);
}

}  // namespace georune::archive_internal
