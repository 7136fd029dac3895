// Executes a rootfs Plan inside the container's new mount namespace.
//
//   prepare_root()   "/" made slave (or as configured), the mount holding the
//                    rootfs private, rootfs bound on itself
//   mount_all()      every mount of the plan, in order, each created detached
//                    (fsmount / open_tree), configured, then attached with
//                    move_mount onto a target fd resolved inside the rootfs
//   create_devices() /dev nodes and links
//   [createContainer hooks]
//   pivot()          pivot_root (or MS_MOVE + chroot with --no-pivot)
//   finalize()       masked and read-only paths, read-only root, propagation
#pragma once

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/rootfs/mount_plan.hpp"
#include "runtime/sys/syscalls.hpp"

namespace rt::rootfs {

class Mounter {
 public:
  Mounter(sys::Syscalls& sys, const Plan& plan) : sys_(sys), plan_(plan) {}

  Result<> prepare_root();
  Result<> mount_all();
  Result<> create_devices();
  Result<> pivot();
  Result<> finalize();

  // Attaches one mount (public for unit tests).
  Result<> mount_one(const MountOp& op);

 private:
  Result<UniqueFd> make_filesystem(const MountOp& op, const std::string& fstype, const std::string& source,
                                   const std::vector<std::string>& data);
  Result<UniqueFd> make_bind(const MountOp& op);
  Result<> attach(int mount_fd, const MountOp& op, bool is_dir);
  Result<> set_attrs(int mount_fd, uint64_t set, uint64_t clr, bool recursive, const std::string& what);
  Result<> apply_propagation(int mount_fd, const MountOp& op);
  Result<> mount_cgroups(const MountOp& op);
  Result<> make_rootfs_parent_private();
  Result<> create_device(const DeviceNode& dev);
  Result<> mask_path(const std::string& path);
  Result<> make_readonly(const std::string& path);

  sys::Syscalls& sys_;
  const Plan& plan_;
  UniqueFd root_;  // the rootfs (after the self bind mount)
};

}  // namespace rt::rootfs
