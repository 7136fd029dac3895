// The container's filesystem view computed as data from the spec, before
// clone: which mounts in which order with which options, which device nodes,
// masked and read-only paths, root propagation. Executing it is mounter.cpp's
// job; this part is pure and unit-tested without mounting anything.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/rootfs/mount_options.hpp"

namespace rt::rootfs {

enum class MountKind {
  kBind,        // open_tree(source) + move_mount
  kFilesystem,  // fsopen(type) + fsconfig + fsmount + move_mount
  kCgroup,      // the cgroup hierarchy of the container (v1 or v2)
};

struct MountOp {
  MountKind kind = MountKind::kFilesystem;
  std::string source;       // bind: absolute host path; others: the "source" string
  std::string destination;  // absolute and clean, inside the container
  std::string fstype;
  MountOptions options;
  // idmap: the maps the mount takes (its own, or else the container's), or
  // the joined user namespace whose maps it takes.
  std::vector<oci::IdMapping> uid_mappings, gid_mappings;
  std::string idmap_userns_path;
  // idmap: the detached, id-mapped tree made by the runtime before clone
  // (idmap.hpp); null when the init is to make it.
  std::shared_ptr<UniqueFd> idmapped_tree;
  std::string json_path;    // "$.mounts[3]", for errors
  // proc and sysfs must land on a real directory: a symlink there is refused
  // (a hostile image could otherwise redirect them).
  bool no_symlink_destination = false;
};

struct DeviceNode {
  std::string path;  // absolute inside the container
  char type = 'c';   // 'c', 'b', 'p' ('u' is 'c')
  int64_t major = 0, minor = 0;
  uint32_t mode = 0666;  // permission bits
  uint32_t uid = 0, gid = 0;
  bool operator==(const DeviceNode&) const = default;
};

struct Symlink {
  std::string target;  // what the link points to
  std::string path;    // where it is created, inside the container
  bool operator==(const Symlink&) const = default;
};

// How the container's own cgroups appear under a "cgroup" mount; filled in
// by the runtime from the cgroup manager before clone.
struct CgroupView {
  struct Hierarchy {
    std::string name;     // directory under the mount: "memory", "cpu,cpuacct", "systemd"
    std::string options;  // cgroup v1 mount options: "memory", "cpu,cpuacct", "none,name=systemd"
    std::string dir;      // host directory of the container's cgroup in this hierarchy
  };
  std::string unified_dir;  // host directory of the container's cgroup2 cgroup; empty if none
  bool unified_only = false;  // pure cgroup v2 host
  std::vector<Hierarchy> v1;
};

struct Plan {
  std::string rootfs;             // absolute host path of root.path
  // The container's mounts are made in its mount namespace: a new one, a
  // joined one, or (no mount namespace in the config) the runtime's own, as
  // the spec says. Only a mount namespace of the container's own gets a
  // pivot_root; sharing the runtime's gets a chroot and leaves the
  // propagation of "/" alone.
  bool own_mount_namespace = true;
  unsigned long root_propagation = 0;  // applied to "/" before anything (MS_* [| MS_REC])
  unsigned long final_propagation = 0;  // applied to the new "/" after pivot (shared modes)
  bool readonly_root = false;
  bool no_pivot = false;
  std::vector<MountOp> mounts;
  bool setup_dev = false;          // /dev is ours: create the default nodes and links
  std::vector<DeviceNode> devices;  // defaults (when setup_dev) plus linux.devices
  bool user_namespace = false;      // the init runs in a user namespace (new or joined)
  bool bind_devices = false;        // user namespace: bind host nodes instead of mknod
  std::vector<Symlink> symlinks;
  std::vector<std::string> masked_paths, readonly_paths;
  bool console = false;             // process.terminal: /dev/console for the pty
  bool cgroup_namespace = false;    // a new cgroup namespace: cgroupfs shows our cgroup as root
  CgroupView cgroups;

  // The fds the runtime opened for the init (the id-mapped trees): the init
  // must keep them open until the mounts are made.
  std::vector<int> inherited_fds() const;
};

struct PlanContext {
  std::string bundle;  // for relative bind sources
  bool no_pivot = false;
};

// Errors name the JSON path ("$.mounts[2].destination: ...").
Result<Plan> make_plan(const oci::Spec& spec, const std::string& rootfs, const PlanContext& ctx);

// The device nodes every container gets when it owns its /dev.
std::vector<DeviceNode> default_devices();

}  // namespace rt::rootfs
