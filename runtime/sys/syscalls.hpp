// The seam between kernel-facing logic and the kernel: the mount-related
// syscalls the rootfs code needs, behind an interface so the logic can be
// unit-tested with a fake (tests/fakes/mock_syscalls.hpp). Methods return
// -1 and leave errno set on failure, exactly like the syscalls.
#pragma once

#include <sys/mount.h>
#include <sys/types.h>

namespace rt::sys {

class Syscalls {
 public:
  virtual ~Syscalls() = default;

  virtual int open_tree(int dirfd, const char* path, unsigned flags) = 0;
  virtual int fsopen(const char* fstype, unsigned flags) = 0;
  virtual int fsconfig(int fsfd, unsigned cmd, const char* key, const void* value, int aux) = 0;
  virtual int fsmount(int fsfd, unsigned flags, unsigned attr_flags) = 0;
  virtual int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                         unsigned flags) = 0;
  virtual int mount_setattr(int dirfd, const char* path, unsigned flags, struct mount_attr* attr) = 0;
  virtual int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
                    const void* data) = 0;
  virtual int umount2(const char* target, int flags) = 0;
  virtual int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) = 0;
  virtual int symlinkat(const char* target, int dirfd, const char* linkpath) = 0;
  virtual int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) = 0;
  virtual int fchmod(int fd, mode_t mode) = 0;
};

// The real kernel.
Syscalls& linux_syscalls();

}  // namespace rt::sys
