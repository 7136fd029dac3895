#include "runtime/process/sysctl.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/base/fs.hpp"
#include "runtime/rootfs/safe_path.hpp"
#include "runtime/sys/syscalls.hpp"

namespace rt::process {

std::string sysctl_path(const std::string& key) {
  std::string p = key;
  // With dots as separators a '/' in a component (an interface "eth0/1"?)
  // is not possible; with slashes, dots stay dots.
  if (p.find('/') == std::string::npos)
    for (char& c : p) c = c == '.' ? '/' : c;
  return p;
}

Result<> apply_sysctls(const std::map<std::string, std::string>& sysctls) {
  if (sysctls.empty()) return {};
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return ErrnoErr("open /");
  // /proc/sys is already covered by a read-only bind (linux.readonlyPaths):
  // write through a detached clone of the container's /proc mount alone,
  // without what is mounted on top of it. Without a mount of our own to
  // clone from, the path as it is.
  TRY_ASSIGN(auto proc, rootfs::open_in_root(root.get(), "/proc", O_PATH | O_DIRECTORY, rootfs::kResolveNoSymlinks));
  UniqueFd proc_clone(sys::linux_syscalls().open_tree(proc.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
  const int proc_root = proc_clone ? proc_clone.get() : proc.get();
  for (const auto& [key, value] : sysctls) {
    const std::string path = "/proc/sys/" + sysctl_path(key);
    auto fd = rootfs::open_in_root(proc_root, "sys/" + sysctl_path(key), O_WRONLY | O_TRUNC, rootfs::kResolveNoSymlinks);
    if (!fd) return ErrFrom(std::move(fd).error().context("$.linux.sysctl[\"", key, "\"]"));
    struct statfs sfs {};
    if (::fstatfs(fd->get(), &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
      return Err(EPERM, "$.linux.sysctl[\"", key, "\"]: ", path, " is not on procfs");
    if (auto r = fs::write_all(fd->get(), value); !r)
      return ErrFrom(std::move(r).error().context("$.linux.sysctl[\"", key, "\"]: writing ", path));
  }
  return {};
}

}  // namespace rt::process
