// Mount options of config.json "mounts[].options", as runc accepts them,
// turned into data: mount attributes (for fsmount/mount_setattr), recursive
// attributes (rro, rnosuid, ...), propagation changes, superblock flags and
// the filesystem-specific rest ("mode=755", "size=64k").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/error.hpp"

namespace rt::rootfs {

struct Propagation {
  unsigned long flag = 0;  // MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE
  bool recursive = false;
  bool operator==(const Propagation&) const = default;
};

struct MountOptions {
  uint64_t attr_set = 0, attr_clr = 0;          // MOUNT_ATTR_* for the mount itself
  uint64_t rec_attr_set = 0, rec_attr_clr = 0;  // MOUNT_ATTR_* for the whole subtree
  std::vector<Propagation> propagation;         // in the order given
  std::vector<std::string> sb_flags;            // superblock flags for fsconfig ("sync", "dirsync", ...)
  std::vector<std::string> data;                // filesystem-specific options, passed through
  bool bind = false;
  bool recursive_bind = false;
  bool remount = false;
  bool tmpcopyup = false;
  bool idmap = false;
  bool recursive_idmap = false;

  bool readonly() const;
};

// Unknown options are filesystem data. Never fails today; the Result leaves
// room for options that are recognised but refused.
Result<MountOptions> parse_mount_options(const std::vector<std::string>& options);

// Every option name ocirun applies (for `features`), sorted; idmap and ridmap
// are left out while they work only for containers without a user namespace.
std::vector<std::string> known_mount_options();

}  // namespace rt::rootfs
