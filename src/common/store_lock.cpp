#include "georune/common/store_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>
#include <utility>

#include "georune/common/diagnostic.h"
#include "georune/common/files.h"

namespace georune {
namespace {
namespace fs = std::filesystem;

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// "pid N\ncommand ...\nsince YYYY-MM-DDTHH:MM:SSZ\n": who holds the lock, for messages.
std::string HolderText() {
  std::string cmd;
  Result<std::string> raw = ReadFile("/proc/self/cmdline");
  if (raw.ok()) {
    for (char c : *raw) cmd += c == '\0' ? ' ' : c;
    while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
    if (cmd.size() > 300) cmd = cmd.substr(0, 300) + "...";
  }
  char when[32] = "";
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (gmtime_r(&now, &tm)) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return "pid " + std::to_string(::getpid()) + "\ncommand " + cmd + "\nsince " + std::string(when) + "\n";
}

// The holder as one line ("pid 12 (georune ingest ...) since ..."), from the lock file. A
// holder names itself just after it gets the lock: give it half a second to do so.
std::string DescribeHolder(int fd) {
  char buf[1024];
  ssize_t n = 0;
  for (int tries = 0; tries < 50 && (n = ::pread(fd, buf, sizeof buf - 1, 0)) <= 0; ++tries)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (n <= 0) return "another process (not yet named in the lock file)";
  std::string text(buf, static_cast<size_t>(n)), pid, cmd, since;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.rfind("pid ", 0) == 0) pid = line.substr(4);
    if (line.rfind("command ", 0) == 0) cmd = line.substr(8);
    if (line.rfind("since ", 0) == 0) since = line.substr(6);
    at = end + 1;
  }
  std::string out = "pid " + (pid.empty() ? std::string("?") : pid);
  if (!cmd.empty()) out += " (" + cmd + ")";
  if (!since.empty()) out += ", since " + since;
  return out;
}

bool SameFile(int fd, const std::string& path) {
  struct stat a {
  }, b{};
  if (::fstat(fd, &a) != 0 || ::stat(path.c_str(), &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::string WaitHint(double wait_seconds) {
  return wait_seconds > 0 ? "it is still writing after a wait of " + std::to_string(int(wait_seconds)) +
                                " s; wait for it to finish, or wait longer for the lock"
                          : "wait for it to finish, or wait for the lock";
}

}  // namespace

Result<WriterLock> WriterLock::Acquire(const std::string& dir, const LockRequest& request) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration<double>(request.wait_seconds > 0 ? request.wait_seconds : 0);
  WriterLock lock;
  lock.path_ = dir + "/LOCK";
  for (;;) {
    std::error_code ec;
    lock.created_dir_ = false;
    if (request.create_dir) {
      lock.created_dir_ = fs::create_directories(dir, ec);
      if (ec) return Status::IoError("cannot create folder " + dir + ": " + ec.message());
    }
    int fd = ::open(lock.path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(dir + ": no such folder");
      if (errno == ENOTDIR) return Status::InvalidInput(dir + ": exists and is not a folder");
      return Status::IoError(Errno("cannot create the lock file", lock.path_));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        Status st = Status::IoError(Errno("cannot lock", lock.path_));
        ::close(fd);
        return st;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        std::string holder = DescribeHolder(fd);
        ::close(fd);
        return FileDiagnostic(dir, 0, "another writer holds this " + request.what + ": " + holder,
                              WaitHint(request.wait_seconds))
            .With(Setting::kWait)
            .ToStatus(StatusCode::kUnavailable);
      }
      ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    // The previous holder may have removed the file between our open and our flock.
    if (!SameFile(fd, lock.path_)) {
      ::close(fd);
      continue;
    }
    const std::string text = HolderText();
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
      Status st = Status::IoError(Errno("cannot write the lock file", lock.path_));
      ::unlink(lock.path_.c_str());
      ::close(fd);
      return st;
    }
    lock.fd_ = fd;
    return lock;
  }
}

WriterLock::WriterLock(WriterLock&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), created_dir_(o.created_dir_) {}

WriterLock& WriterLock::operator=(WriterLock&& o) noexcept {
  if (this != &o) {
    Release();
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    created_dir_ = o.created_dir_;
  }
  return *this;
}

WriterLock::~WriterLock() { Release(); }

void WriterLock::Release() {
  if (fd_ < 0) return;
  // Only the holder removes the file, so the one at the path is ours unless the folder itself
  // was removed (a failed first write) and maybe created again by another writer.
  if (SameFile(fd_, path_)) ::unlink(path_.c_str());
  ::close(fd_);  // releases the flock
  fd_ = -1;
}

long TempFilePid(const std::string& name) {
  const size_t at = name.rfind(".tmp.");
  if (at == std::string::npos || at == 0) return -1;
  const std::string digits = name.substr(at + 5);
  if (digits.empty() || digits.size() > 9) return -1;
  long pid = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    pid = pid * 10 + (c - '0');
  }
  return pid > 0 ? pid : -1;
}

int RemoveOrphanTempFiles(const std::string& dir, const std::vector<std::string>& prefixes) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const long pid = TempFilePid(name);
    if (pid < 0 || pid == ::getpid()) continue;
    bool ours = false;
    for (const auto& p : prefixes) ours |= name.rfind(p, 0) == 0;
    if (!ours) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    std::error_code ec2;
    if (it->is_regular_file(ec2) && fs::remove(it->path(), ec2)) ++removed;
  }
  if (removed) (void)SyncDirectory(dir);
  return removed;
}

}  // namespace georune
