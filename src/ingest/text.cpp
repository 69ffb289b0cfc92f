#include "ingest/text.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace georune::ingest::internal {

namespace fs = std::filesystem;

std::string Quote(std::string_view token) {
  std::string out = "'";
  size_t n = 0;
  for (unsigned char c : token) {
    if (++n > 40) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += "'";
  return out;
}

Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix,
                                           bool recursive) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (fs::exists(dir, ec)) return Status::InvalidInput(dir + ": is not a folder");
    return Status::NotFound(dir + ": no such folder");
  }
  std::vector<std::string> files;
  auto consider = [&](const fs::directory_entry& e) {
    std::error_code ec2;
    if (!e.is_regular_file(ec2)) return;
    std::string name = e.path().filename().string();
    if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      return;
    files.push_back(e.path().string());
  };
  if (recursive) {
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
      consider(*it);
    }
  } else {
    fs::directory_iterator it(dir, ec), end;
    if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
      consider(*it);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn) {
  size_t workers = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      fn(i);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

std::optional<int> ClassLookup::Find(std::string_view label) {
  auto it = cache_.find(std::string(label));
  if (it != cache_.end()) {
    if (it->second < 0) return std::nullopt;
    return it->second;
  }
  std::optional<int> id = ontology_.FindClass(label);
  cache_.emplace(std::string(label), id ? *id : -1);
  return id;
}

Diagnostic ClassLookup::Unknown(std::string_view path, int line, std::string_view label) const {
  std::string hint;
  std::vector<std::string> close = ontology_.Suggest(label);
  if (!close.empty()) {
    hint = "did you mean ";
    for (size_t i = 0; i < close.size(); ++i) hint += (i ? " or '" : "'") + close[i] + "'";
    hint += "? ";
  }
  hint += "the ontology '" + ontology_.name() +
          "' has no such class; give an ontology that names it with --ontology FILE";
  return FileDiagnostic(path, line, "unknown class " + Quote(label), hint);
}

std::string FileStem(std::string_view path) { return fs::path(path).stem().string(); }
std::string FileName(std::string_view path) { return fs::path(path).filename().string(); }

Status WritePlainFile(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = Status::IoError("cannot write " + path + ": " + std::strerror(errno));
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

void AppendDouble(std::string& out, double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? ptr : buf);
}

void AppendFloat(std::string& out, float v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? ptr : buf);
}

}  // namespace georune::ingest::internal
