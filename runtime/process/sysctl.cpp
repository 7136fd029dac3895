#include "runtime/process/sysctl.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/base/fs.hpp"
#include "runtime/rootfs/safe_path.hpp"

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
  for (const auto& [key, value] : sysctls) {
    const std::string path = "/proc/sys/" + sysctl_path(key);
    auto fd = rootfs::open_in_root(root.get(), path, O_WRONLY | O_TRUNC, rootfs::kResolveNoSymlinks);
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
