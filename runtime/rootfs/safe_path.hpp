// Path resolution that never leaves the container's rootfs.
//
// Every path inside the rootfs is resolved relative to an fd of the rootfs
// with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): a symlink in the
// image, absolute or with "..", is resolved as if the rootfs were "/". On
// kernels without openat2 the same rules are applied by a userspace walk.
// Callers then act on the returned fd (move_mount, mknodat, fchown), never on
// a string path that a symlink could redirect.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::rootfs {

enum ResolveFlags : unsigned {
  kResolveDefault = 0,
  kResolveNoSymlinks = 1,  // refuse any symlink on the way (RESOLVE_NO_SYMLINKS)
};

// Opens path (absolute or relative, taken from the rootfs' "/") under root_fd.
// flags are open(2) flags; O_CLOEXEC is always added.
Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, unsigned resolve = kResolveDefault);

// Creates the missing directories of path (mode) under root_fd and returns an
// O_PATH fd of the last one.
Result<UniqueFd> mkdir_all_in_root(int root_fd, std::string_view path, mode_t mode = 0755);

// Returns an O_PATH fd of path, creating an empty regular file (and its
// parent directories) when it does not exist.
Result<UniqueFd> create_file_in_root(int root_fd, std::string_view path, mode_t mode = 0644);

// Splits "/a/b/c" into an O_RDONLY directory fd of "/a/b" (created if
// missing when create_parents) and "c".
struct ParentAndName {
  UniqueFd parent;
  std::string name;
};
Result<ParentAndName> open_parent_in_root(int root_fd, std::string_view path, bool create_parents);

}  // namespace rt::rootfs
