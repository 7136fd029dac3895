// Id-mapped bind mounts (mounts[].options "idmap" / "ridmap").
//
// A detached copy of the source (open_tree OPEN_TREE_CLONE) gets the id maps
// of a user namespace with mount_setattr(MOUNT_ATTR_IDMAP): a file owned by
// host id H appears owned by the id the maps give H, and files created
// through the mount by container id C are stored as the host id C maps to.
// The user namespace only carries the maps: a short-lived child is created
// in a new one, its maps are written, its namespace fd is kept and the child
// is gone. A mount without maps of its own takes the container's.
//
// The kernel wants CAP_SYS_ADMIN over the source's filesystem (normally the
// host's user namespace), which a container init inside its own user
// namespace does not have. So the runtime makes the trees before clone
// (prepare_idmapped_mounts) and the init inherits them (close-on-exec); when
// that has not been done the init makes them itself, which works when it is
// still privileged on the host (no user namespace).
#pragma once

#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/rootfs/mount_plan.hpp"
#include "runtime/sys/syscalls.hpp"

namespace rt::rootfs {

// A new user namespace with these maps, as an fd of its ns file. proc_fd is
// a procfs root that shows our children's pids.
Result<UniqueFd> new_userns_fd(int proc_fd, const std::vector<oci::IdMapping>& uids,
                               const std::vector<oci::IdMapping>& gids);

// The detached, id-mapped tree of one idmap bind mount.
Result<UniqueFd> open_idmapped_tree(sys::Syscalls& sys, const MountOp& op, int proc_fd);

// Runtime side, before clone: makes the tree of every idmap mount of the
// plan (MountOp::idmapped_tree).
Result<> prepare_idmapped_mounts(Plan& plan);

}  // namespace rt::rootfs
