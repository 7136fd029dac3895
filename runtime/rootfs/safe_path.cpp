#include "runtime/rootfs/safe_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/base/fs.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::rootfs {
namespace {

bool g_no_openat2 = false;  // set once the kernel said ENOSYS

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& c : split(path, '/'))
    if (!c.empty() && c != ".") out.push_back(std::move(c));
  return out;
}

// What a walk creates when a component is missing.
enum class Create { kNothing, kDirectories, kDirectoriesAndFile };

// Userspace RESOLVE_IN_ROOT: walk component by component with O_NOFOLLOW,
// expanding symlinks ourselves (an absolute target restarts at the root),
// clamping ".." at the root. Used on kernels without openat2, and to create
// what is missing: a dangling symlink in the image (/etc/resolv.conf ->
// ../run/..., /var/run -> /run) is followed and its target created inside
// the rootfs, which openat2 alone cannot do.
// Directories are created with dir_mode, the file with file_mode.
Result<UniqueFd> walk_in_root(int root_fd, std::string_view path, int flags, unsigned resolve,
                              Create create = Create::kNothing, mode_t dir_mode = 0755, mode_t file_mode = 0644) {
  std::vector<std::string> todo = components(path);
  std::reverse(todo.begin(), todo.end());
  std::vector<UniqueFd> stack;  // open directories below the root
  auto current = [&] { return stack.empty() ? root_fd : stack.back().get(); };
  int links = 0;
  while (!todo.empty()) {
    std::string comp = std::move(todo.back());
    todo.pop_back();
    if (comp == "..") {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    const bool last = todo.empty();
    UniqueFd next(::openat(current(), comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next && errno == ENOENT && create != Create::kNothing) {
      // Create it (never through a symlink: mkdirat and O_EXCL do not follow
      // one in the last component), then look at it again.
      const bool file = last && create == Create::kDirectoriesAndFile;
      int made = file ? ::openat(current(), comp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                                 file_mode)
                      : ::mkdirat(current(), comp.c_str(), dir_mode);
      if (made < 0 && errno != EEXIST) return ErrnoErr("create ", path, " in the container's rootfs");
      if (file && made >= 0) ::close(made);
      todo.push_back(std::move(comp));
      continue;
    }
    if (!next) return ErrnoErr("open ", path, " in the container's rootfs");
    struct stat st {};
    if (::fstat(next.get(), &st) < 0) return ErrnoErr("stat ", path);
    if (S_ISLNK(st.st_mode) && (!last || !(flags & O_NOFOLLOW))) {
      if (resolve & kResolveNoSymlinks) return Err(ELOOP, "open ", path, ": symlink in path");
      if (++links > 40) return Err(ELOOP, "open ", path, ": too many symlinks");
      char buf[4096];
      ssize_t n = ::readlinkat(next.get(), "", buf, sizeof buf - 1);
      if (n < 0) return ErrnoErr("readlink in ", path);
      std::string_view target(buf, static_cast<size_t>(n));
      if (!target.empty() && target.front() == '/') stack.clear();
      auto parts = components(target);
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_back(std::move(*it));
      continue;
    }
    if (last) {
      if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode)) return Err(ENOTDIR, "open ", path);
      if ((flags & O_PATH) && !(flags & O_DIRECTORY)) return next;
      UniqueFd fd(::openat(current(), comp.c_str(), (flags | O_NOFOLLOW | O_CLOEXEC) & ~O_CREAT));
      if (!fd) return ErrnoErr("open ", path);
      return fd;
    }
    if (!S_ISDIR(st.st_mode)) return Err(ENOTDIR, "open ", path);
    stack.push_back(std::move(next));
  }
  // The path was "/" (or resolved back to it).
  UniqueFd fd(::openat(current(), ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC));
  if (!fd) return ErrnoErr("open ", path);
  return fd;
}

}  // namespace

Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, unsigned resolve) {
  std::string rel = fs::clean(cat("/", path)).substr(1);
  if (rel.empty()) rel = ".";
  if (!g_no_openat2) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    if (resolve & kResolveNoSymlinks) how.resolve |= RESOLVE_NO_SYMLINKS;
    for (int attempt = 0; attempt < 16; ++attempt) {
      int fd = sys::openat2(root_fd, rel.c_str(), &how);
      if (fd >= 0) return UniqueFd(fd);
      if (errno == EAGAIN) continue;  // a concurrent rename: retry
      if (errno == ENOSYS) break;
      return ErrnoErr("open ", path, " in the container's rootfs");
    }
    if (errno != ENOSYS) return ErrnoErr("open ", path, " in the container's rootfs");
    g_no_openat2 = true;
  }
  return walk_in_root(root_fd, rel, flags, resolve);
}

Result<ParentAndName> open_parent_in_root(int root_fd, std::string_view path, bool create_parents) {
  const std::string clean = fs::clean(cat("/", path));
  if (clean == "/") return Err(EINVAL, "no parent for /");
  const size_t slash = clean.rfind('/');
  const std::string parent = slash == 0 ? "/" : clean.substr(0, slash);
  ParentAndName out;
  out.name = clean.substr(slash + 1);
  if (create_parents) TRY(mkdir_all_in_root(root_fd, parent));
  // A real directory fd (not O_PATH): callers create entries in it.
  TRY_ASSIGN(out.parent, open_in_root(root_fd, parent, O_RDONLY | O_DIRECTORY));
  return out;
}

Result<UniqueFd> mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode) {
  auto existing = open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
  if (existing || existing.error().errnum != ENOENT) return existing;
  return walk_in_root(root_fd, path, O_PATH | O_DIRECTORY, kResolveDefault, Create::kDirectories, mode);
}

Result<UniqueFd> create_file_in_root(int root_fd, std::string_view path, mode_t mode) {
  auto existing = open_in_root(root_fd, path, O_PATH);
  if (existing || existing.error().errnum != ENOENT) return existing;
  return walk_in_root(root_fd, path, O_PATH, kResolveDefault, Create::kDirectoriesAndFile, 0755, mode);
}

}  // namespace rt::rootfs
