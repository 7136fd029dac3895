#include "runtime/rootfs/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "runtime/base/unique_fd.hpp"

namespace rt::rootfs {
namespace {

Result<> copy_file(int src_dir, int dst_dir, const char* name, const struct stat& st) {
  UniqueFd in(::openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in) return ErrnoErr("open ", name);
  UniqueFd out(::openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777));
  if (!out) return ErrnoErr("create ", name);
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::sendfile(out.get(), in.get(), nullptr, static_cast<size_t>(left));
    if (n < 0) return ErrnoErr("copy ", name);
    if (n == 0) break;
    left -= n;
  }
  return {};
}

Result<> copy_entry(int src_dir, int dst_dir, const char* name) {
  struct stat st {};
  if (::fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return ErrnoErr("stat ", name);
  if (S_ISDIR(st.st_mode)) {
    if (::mkdirat(dst_dir, name, st.st_mode & 07777) < 0 && errno != EEXIST) return ErrnoErr("mkdir ", name);
    UniqueFd s(::openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd d(::openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!s || !d) return ErrnoErr("open directory ", name);
    TRY(with_context(copy_tree(s.get(), d.get()), name));
  } else if (S_ISREG(st.st_mode)) {
    TRY(copy_file(src_dir, dst_dir, name, st));
  } else if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlinkat(src_dir, name, target.data(), target.size());
    if (n < 0) return ErrnoErr("readlink ", name);
    target.resize(static_cast<size_t>(n));
    if (::symlinkat(target.c_str(), dst_dir, name) < 0) return ErrnoErr("symlink ", name);
  } else {
    if (::mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0) return ErrnoErr("mknod ", name);
  }
  if (::fchownat(dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0) return ErrnoErr("chown ", name);
  if (!S_ISLNK(st.st_mode) && ::fchmodat(dst_dir, name, st.st_mode & 07777, 0) < 0) return ErrnoErr("chmod ", name);
  return {};
}

}  // namespace

Result<> copy_tree(int src_dir, int dst_dir) {
  int dup = ::fcntl(src_dir, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return ErrnoErr("dup");
  DIR* d = ::fdopendir(dup);
  if (!d) {
    ::close(dup);
    return ErrnoErr("opendir");
  }
  Result<> result;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    result = copy_entry(src_dir, dst_dir, e->d_name);
    if (!result) break;
  }
  ::closedir(d);
  return result;
}

}  // namespace rt::rootfs
