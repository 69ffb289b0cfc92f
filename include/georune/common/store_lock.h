// One writer at a time per store folder (an archive, a knowledge base), and recovery of what
// killed writers left behind.
//
// WriterLock::Acquire takes an exclusive flock(2) on "<dir>/LOCK". While it is held, the file
// names the holder (pid, command line, start time), so a second writer that gives up can say
// who holds it. The lock file exists only while a writer holds it: the holder removes it before
// releasing, and Acquire checks after each flock that the file it locked is still the one at
// the path (else it retries), so the store folder is left as it was. A killed holder's flock is
// released by the kernel; its stale LOCK file is taken over by the next writer.
//
// Readers take no lock: every store commits by renaming its manifest (the commit point), and
// readers retry when a file their manifest named was removed by a commit in between.
#pragma once

#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune {

struct LockRequest {
  std::string what = "store";  // "archive", "knowledge base": for messages
  double wait_seconds = 0;     // how long to wait for another writer; 0 = fail at once
  bool create_dir = false;     // create `dir` (and its parents) when absent
};

class WriterLock {
 public:
  // kUnavailable (exit 1) naming the holder when another process holds the lock past the wait;
  // kNotFound when `dir` is absent and create_dir is false; kIoError on other failures.
  static Result<WriterLock> Acquire(const std::string& dir, const LockRequest& request);
  WriterLock() = default;
  WriterLock(WriterLock&& other) noexcept;
  WriterLock& operator=(WriterLock&& other) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock();  // removes the lock file (if it is still ours) and releases the lock

  bool held() const { return fd_ >= 0; }
  // True when this Acquire created `dir` (so a failed first write may remove it again).
  bool created_dir() const { return created_dir_; }
  void Release();

 private:
  std::string path_;
  int fd_ = -1;
  bool created_dir_ = false;
};

// "<name>.tmp.<pid>" is the temporary file name WriteFileAtomic uses. Removes every such file
// directly inside `dir` whose <name> starts with one of `prefixes` (the store's own files) and
// whose pid is not a running process; returns how many it removed. Call it while holding the
// WriterLock.
int RemoveOrphanTempFiles(const std::string& dir, const std::vector<std::string>& prefixes);

// The pid in a "<name>.tmp.<pid>" file name, or -1 when the name is not one.
long TempFilePid(const std::string& file_name);

}  // namespace georune
