#include "runtime/security/protected_exe.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "runtime/base/unique_fd.hpp"
#include "runtime/sys/syscalls.hpp"

extern char** environ;

namespace rt::security {
namespace {

constexpr unsigned kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// Kernels from 6.3 on want memfds that may be executed to say so (MFD_EXEC);
// older ones refuse the unknown flag.
constexpr unsigned kMfdExec = 0x0010U;

bool is_protected(int exe) {
  struct statvfs st {};
  if (::fstatvfs(exe, &st) == 0 && (st.f_flag & ST_RDONLY) != 0) return true;
  const int seals = ::fcntl(exe, F_GET_SEALS);
  return seals >= 0 && (static_cast<unsigned>(seals) & kSeals) == kSeals;
}

// A detached bind mount of the binary alone, made read-only. It is no
// mount of any namespace and disappears with the last process using it.
Result<UniqueFd> read_only_view(int exe) {
  sys::Syscalls& sys = sys::linux_syscalls();
  UniqueFd tree(sys.open_tree(exe, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
  if (!tree) return ErrnoErr("open_tree of the runtime binary");
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (sys.mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr) < 0)
    return ErrnoErr("making the runtime binary's mount read-only");
  return tree;
}

Result<UniqueFd> sealed_copy(int exe) {
  struct stat st {};
  if (::fstat(exe, &st) < 0) return ErrnoErr("stat /proc/self/exe");
  UniqueFd copy(::memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING | kMfdExec));
  if (!copy && errno == EINVAL) copy.reset(::memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!copy) return ErrnoErr("memfd_create");
  for (off_t done = 0; done < st.st_size;) {
    const ssize_t n = ::sendfile(copy.get(), exe, &done, static_cast<size_t>(st.st_size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoErr("copying /proc/self/exe");
    if (n == 0) return Err(EIO, "copying /proc/self/exe: it shrank");
  }
  if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) < 0) return ErrnoErr("sealing the copy");
  return copy;
}

}  // namespace

bool starts_container_processes(std::string_view command) {
  return command == "create" || command == "run" || command == "exec";
}

Result<> run_from_protected_exe(char** argv) {
  UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return ErrnoErr("CVE-2019-5736 protection: open /proc/self/exe");
  if (is_protected(self.get())) return {};
  auto view = read_only_view(self.get());
  // ENOSYS: before 5.12 (mount_setattr); EPERM: a user namespace that may
  // not clone the mount.
  if (!view) view = sealed_copy(self.get());
  if (!view) return ErrFrom(std::move(view).error().context("CVE-2019-5736 protection"));
  self.reset();
  ::execveat(view->get(), "", argv, environ, AT_EMPTY_PATH);
  return ErrnoErr("CVE-2019-5736 protection: executing the protected runtime binary");
}

}  // namespace rt::security
