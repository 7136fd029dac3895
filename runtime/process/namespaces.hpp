// Which namespaces the container creates or joins, and how.
//
// Two shapes, chosen from the config:
//  * clone path (no joined namespace, no time namespace): clone3 creates every
//    new namespace at once and the child is init (pid 1 of a new pid ns).
//  * unshare path: clone3 creates none; the child joins the configured
//    namespaces (the user namespace first), creates a user namespace if asked
//    (the runtime writes its id maps), unshares the rest and, when a pid or
//    time namespace is involved (their effect is for children only), forks:
//    the grandchild becomes init.
// A new cgroup namespace is always unshared by the child after it has been
// placed in its cgroup, so that the container's cgroup is its root.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::process {

int namespace_clone_flag(std::string_view type);

struct NamespaceJoin {
  std::string type;
  std::string path;
  int flag = 0;  // CLONE_NEW*
  UniqueFd fd;   // opened by the runtime before clone
};

struct NamespacePlan {
  uint64_t clone_flags = 0;    // CLONE_NEW* given to clone3
  int unshare_flags = 0;       // CLONE_NEW* the child unshares after kGo (user excluded)
  bool new_user = false;       // a new user namespace: the runtime writes id maps
  bool child_unshares_user = false;  // ... created by the child itself (unshare path)
  bool new_cgroup = false;     // unshare(CLONE_NEWCGROUP) after the cgroup is joined
  bool new_time = false;       // unshare(CLONE_NEWTIME) and write the offsets
  bool new_pid = false;
  bool new_mount = false;
  bool fork_for_init = false;  // the grandchild is init
  std::vector<NamespaceJoin> joins;  // in join order, user first
};

// Pure: decides the shape (joins carry paths but no fds yet).
NamespacePlan plan_namespaces(const oci::Linux* linux_config);
// Opens the join paths (before clone, in the runtime's namespaces).
Result<> open_join_fds(NamespacePlan& plan);

// Child side.
Result<> join_namespaces(const NamespacePlan& plan);
Result<> write_time_offsets(const std::map<std::string, oci::TimeOffset>& offsets);

// exec: the CLONE_NEW* flags of the namespaces process `pid` is in that the
// caller is not (/proc/<pid>/ns/* vs /proc/self/ns/*). Joining those, and
// only those, puts a process exactly where `pid` is: setns(2) refuses to
// "join" one's own user namespace.
Result<int> namespaces_differing_from_self(pid_t pid);
// Joins them: all at once through the pidfd (atomic, Linux 5.8+), or one by
// one through /proc/<pid>/ns/* (user first, mount last) on older kernels.
Result<> join_namespaces_of(int pidfd, pid_t pid, int flags);

// Runtime side: /proc/<pid>/{setgroups,uid_map,gid_map}.
Result<> write_id_maps(pid_t pid, const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids,
                       bool deny_setgroups);
// The same through an open /proc/<pid> directory (of whichever procfs
// shows that pid); who names the process in errors.
Result<> write_id_maps_at(int proc_pid_dir, const std::string& who, const std::vector<oci::IdMapping>& uids,
                          const std::vector<oci::IdMapping>& gids, bool deny_setgroups);
std::string format_id_map(const std::vector<oci::IdMapping>& maps);

}  // namespace rt::process
