// Recursive copy between two directory fds (tmpcopyup): regular files,
// directories, symlinks and special files, with mode and ownership.
#pragma once

#include "runtime/base/error.hpp"

namespace rt::rootfs {

Result<> copy_tree(int src_dir, int dst_dir);

}  // namespace rt::rootfs
