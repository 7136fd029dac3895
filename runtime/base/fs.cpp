#include "runtime/base/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <vector>

namespace rt::fs {

Result<std::string> read_fd(int fd, size_t max_bytes) {
  std::string out;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoErr("read");
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_bytes)
      return Err(EFBIG, "file is larger than ", max_bytes, " bytes");
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> read_file_at(int dirfd, const std::string& name, size_t max_bytes) {
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return ErrnoErr("open ", name);
  auto r = read_fd(fd.get(), max_bytes);
  if (!r) return ErrFrom(std::move(r).error().context("read ", name));
  return r;
}

Result<std::string> read_regular_file_at(int dirfd, const std::string& name, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO without a writer would wait forever.
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return ErrnoErr("open ", name);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return ErrnoErr("stat ", name);
  if (!S_ISREG(st.st_mode)) return Err(0, name, ": not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return Err(EFBIG, name, ": larger than ", max_bytes, " bytes");
  auto r = read_fd(fd.get(), max_bytes);
  if (!r) return ErrFrom(std::move(r).error().context("read ", name));
  return r;
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  return read_file_at(AT_FDCWD, path, max_bytes);
}

Result<> write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoErr("write");
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<> write_file_at(int dirfd, const std::string& name, std::string_view content) {
  UniqueFd fd(::openat(dirfd, name.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY));
  if (!fd) return ErrnoErr("open ", name);
  ssize_t n = ::write(fd.get(), content.data(), content.size());
  if (n < 0) return ErrnoErr("write ", name);
  if (static_cast<size_t>(n) != content.size()) return Err(EIO, "short write to ", name);
  return {};
}

Result<> write_file(const std::string& path, std::string_view content) {
  return write_file_at(AT_FDCWD, path, content);
}

Result<> write_file_atomic(int dirfd, const std::string& name, std::string_view content, mode_t mode) {
  const std::string tmp = "." + name + ".tmp";
  UniqueFd fd(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) return ErrnoErr("create ", tmp);
  if (auto r = write_all(fd.get(), content); !r) {
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return ErrFrom(std::move(r).error().context("write ", tmp));
  }
  fd.reset();
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) < 0) {
    const int e = errno;
    ::unlinkat(dirfd, tmp.c_str(), 0);
    return Err(e, "rename ", tmp, " to ", name);
  }
  return {};
}

Result<> mkdir_all(const std::string& path, mode_t mode) {
  if (path.empty()) return Err(EINVAL, "mkdir: empty path");
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    const size_t next = path.find('/', pos + 1);
    cur = path.substr(0, next);
    pos = next;
    if (cur.empty() || cur == "/") continue;
    if (::mkdir(cur.c_str(), mode) < 0 && errno != EEXIST) return ErrnoErr("mkdir ", cur);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return ErrnoErr("stat ", path);
  if (!S_ISDIR(st.st_mode)) return Err(ENOTDIR, "mkdir ", path);
  return {};
}

Result<UniqueFd> open_dir(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoErr("open directory ", path);
  return fd;
}

std::string clean(std::string_view path) {
  const bool abs = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!abs)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = end + 1;
  }
  std::string out = abs ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string join(std::string_view a, std::string_view b) {
  std::string out(a);
  if (out.empty() || out.back() != '/') out += '/';
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out += b;
  return out;
}

std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return clean(path);
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf)) return clean(path);
  return clean(join(buf, path));
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace rt::fs
