#include "runtime/process/keyring.hpp"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace rt::process {

Result<> join_session_keyring(const std::string& container_id) {
  const std::string name = "_ses." + container_id;
  const long key = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str());
  if (key < 0) {
    // Kernels without keys, or a seccomp'd caller: not fatal (runc agrees).
    if (errno == ENOSYS || errno == EPERM) return {};
    return ErrnoErr("joining session keyring ", name);
  }
  // Possessor: all; user: view, read, write, search, link. The keyring's
  // owner may change to the container user later and must still use it.
  constexpr unsigned long kPerm = 0x3f000000UL | 0x001f0000UL;
  if (::syscall(SYS_keyctl, KEYCTL_SETPERM, key, kPerm) < 0) return ErrnoErr("setting permissions of ", name);
  return {};
}

}  // namespace rt::process
