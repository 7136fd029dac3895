#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/sys/syscalls.hpp"

namespace rt::sys {
namespace {

class LinuxSyscalls final : public Syscalls {
 public:
  int open_tree(int dirfd, const char* path, unsigned flags) override { return ::open_tree(dirfd, path, flags); }
  int fsopen(const char* fstype, unsigned flags) override { return ::fsopen(fstype, flags); }
  int fsconfig(int fsfd, unsigned cmd, const char* key, const void* value, int aux) override {
    return ::fsconfig(fsfd, cmd, key, value, aux);
  }
  int fsmount(int fsfd, unsigned flags, unsigned attr_flags) override { return ::fsmount(fsfd, flags, attr_flags); }
  int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path, unsigned flags) override {
    return ::move_mount(from_dirfd, from_path, to_dirfd, to_path, flags);
  }
  int mount_setattr(int dirfd, const char* path, unsigned flags, struct mount_attr* attr) override {
    return ::mount_setattr(dirfd, path, flags, attr, sizeof(*attr));
  }
  int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
            const void* data) override {
    return ::mount(source, target, fstype, flags, data);
  }
  int umount2(const char* target, int flags) override { return ::umount2(target, flags); }
  int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override {
    return ::mknodat(dirfd, path, mode, dev);
  }
  int symlinkat(const char* target, int dirfd, const char* linkpath) override {
    return ::symlinkat(target, dirfd, linkpath);
  }
  int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override {
    return ::fchownat(dirfd, path, uid, gid, flags);
  }
  int fchmod(int fd, mode_t mode) override { return ::fchmod(fd, mode); }
};

}  // namespace

Syscalls& linux_syscalls() {
  static LinuxSyscalls s;
  return s;
}

}  // namespace rt::sys
