#include "ingest/text.h"

#include "georune/common/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
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

Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix, bool recursive) {
  GEORUNE_RETURN_IF_ERROR(CheckFolder(dir));
  std::error_code ec;
  auto has_suffix = [&](std::string_view name) {
    if (name.size() < suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i) {
      char a = name[name.size() - suffix.size() + i], b = suffix[i];
      if (std::tolower(static_cast<unsigned char>(a)) != std::tolower(static_cast<unsigned char>(b))) return false;
    }
    return true;
  };
  std::vector<std::string> files;
  auto consider = [&](const fs::directory_entry& e) {
    std::error_code ec2;
    if (!e.is_regular_file(ec2)) return;
    std::string name = e.path().filename().string();
    if (!has_suffix(name)) return;
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
    // readdir directly: d_type answers "regular file?" without a stat per entry (symlinks and
    // unknown types are stat'ed, following links as directory_entry::is_regular_file does).
    DIR* d = ::opendir(dir.c_str());
    if (!d) return Status::IoError("cannot list " + dir + ": " + std::strerror(errno));
    const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    for (;;) {
      errno = 0;
      struct dirent* e = ::readdir(d);
      if (!e) {
        if (errno != 0) {
          Status st = Status::IoError("cannot list " + dir + ": " + std::strerror(errno));
          ::closedir(d);
          return st;
        }
        break;
      }
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      if (!has_suffix(name)) continue;
      bool regular = e->d_type == DT_REG;
      if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) {
        struct stat st {};
        regular = ::fstatat(::dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode);
      }
      if (regular) files.push_back(prefix + e->d_name);
    }
    ::closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

DirectoryHandle::DirectoryHandle(const std::vector<std::string>& files) {
  if (files.empty()) return;
  size_t slash = files[0].rfind('/');
  if (slash == std::string::npos) return;
  dir_ = files[0].substr(0, slash + 1);
  fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

DirectoryHandle::~DirectoryHandle() {
  if (fd_ >= 0) ::close(fd_);
}

int DirectoryHandle::fd(const std::string& path) const {
  if (fd_ < 0 || path.size() <= dir_.size() || path.compare(0, dir_.size(), dir_) != 0 ||
      path.find('/', dir_.size()) != std::string::npos)
    return -1;
  return fd_;
}

const char* DirectoryHandle::Name(const std::string& path) {
  size_t slash = path.rfind('/');
  return path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
}

std::optional<int> ClassLookup::Find(std::string_view label) {
  int id;
  if (last_id_ != -2 && label == last_label_) {
    id = last_id_;
  } else {
    auto it = cache_.find(label);
    if (it != cache_.end()) {
      id = it->second;
    } else {
      std::optional<int> found = ontology_->FindClass(label);
      id = found ? *found : -1;
      cache_.emplace(std::string(label), id);
    }
    last_label_.assign(label);
    last_id_ = id;
  }
  if (id < 0) return std::nullopt;
  return id;
}

Diagnostic ClassLookup::Unknown(std::string_view path, int line, std::string_view label) const {
  std::string hint;
  std::vector<std::string> close = ontology_->Suggest(label);
  if (!close.empty()) {
    hint = "did you mean ";
    for (size_t i = 0; i < close.size(); ++i) hint += (i ? " or '" : "'") + close[i] + "'";
    hint += "? ";
  }
  hint += "the ontology '" + ontology_->name() + "' has no such class; give an ontology that names it";
  return FileDiagnostic(path, line, "unknown class " + Quote(label), hint).With(Setting::kOntology);
}

std::string FileStemPlain(std::string_view path) { return fs::path(path).stem().string(); }
std::string FileNamePlain(std::string_view path) { return fs::path(path).filename().string(); }

std::string FileName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string FileStem(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "." || name == "..") return std::string(name);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::string(name);
  return std::string(name.substr(0, dot));
}

Status RequireFiles(const std::vector<std::string>& files, const std::string& folder, const std::string& expected,
                    const std::string& hint) {
  if (!files.empty()) return Status::Ok();
  return FileDiagnostic(folder, 0, "no " + expected + " in this folder", hint).ToStatus();
}

Status TooLarge(const std::string& path, int line, uint64_t max_bytes) {
  const std::string what = line > 0 ? "this line is" : "this file is";
  return FileDiagnostic(path, line, what + " larger than the limit of " + SizeLimitText(max_bytes),
                        "one image's record may be at most that large; is it the right file?")
      .ToStatus();
}

Result<std::string_view> ReadFileInto(int dir_fd, const char* name, const std::string& path, std::string& buffer,
                                      uint64_t max_bytes) {
  GEORUNE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(dir_fd, name, path));
  if (const size_t block = BlockForFile(fd, size_t{1} << 16); buffer.size() < block) buffer.resize(block);
  size_t len = 0;
  for (;;) {
    if (len == buffer.size()) {
      if (len > max_bytes) {
        ::close(fd);
        return TooLarge(path, 0, max_bytes);
      }
      buffer.resize(buffer.size() * 2);
    }
    ssize_t n = ::read(fd, buffer.data() + len, buffer.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::IoError("cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
    if (len < buffer.size()) break;  // short read of a regular file: its end
  }
  ::close(fd);
  if (len > max_bytes) return TooLarge(path, 0, max_bytes);
  return std::string_view(buffer.data(), len);
}

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
