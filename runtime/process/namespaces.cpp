#include "runtime/process/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/base/fs.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace rt::process {

int namespace_clone_flag(std::string_view type) {
  if (type == "pid") return CLONE_NEWPID;
  if (type == "network") return CLONE_NEWNET;
  if (type == "mount") return CLONE_NEWNS;
  if (type == "ipc") return CLONE_NEWIPC;
  if (type == "uts") return CLONE_NEWUTS;
  if (type == "user") return CLONE_NEWUSER;
  if (type == "cgroup") return CLONE_NEWCGROUP;
  if (type == "time") return CLONE_NEWTIME;
  return 0;
}

namespace {

// Join order: the user namespace first (it grants the rights to join the
// others), the mount namespace last (it changes what paths mean).
int join_rank(const std::string& type) {
  if (type == "user") return 0;
  if (type == "mount") return 2;
  return 1;
}

}  // namespace

NamespacePlan plan_namespaces(const oci::Linux* l) {
  NamespacePlan p;
  if (!l) return p;
  int new_flags = 0;
  for (const auto& ns : l->namespaces) {
    const int flag = namespace_clone_flag(ns.type);
    if (!ns.path.empty()) {
      p.joins.push_back({ns.type, ns.path, flag, UniqueFd()});
    } else {
      new_flags |= flag;
    }
  }
  std::stable_sort(p.joins.begin(), p.joins.end(),
                   [](const NamespaceJoin& a, const NamespaceJoin& b) { return join_rank(a.type) < join_rank(b.type); });
  p.new_user = new_flags & CLONE_NEWUSER;
  p.new_cgroup = new_flags & CLONE_NEWCGROUP;
  p.new_time = new_flags & CLONE_NEWTIME;
  p.new_pid = new_flags & CLONE_NEWPID;
  p.new_mount = new_flags & CLONE_NEWNS;
  const bool joins_pid_or_time = std::any_of(p.joins.begin(), p.joins.end(), [](const NamespaceJoin& j) {
    return j.flag == CLONE_NEWPID || j.flag == CLONE_NEWTIME;
  });
  const int later = CLONE_NEWCGROUP | CLONE_NEWTIME;
  if (p.joins.empty() && !p.new_time) {
    p.clone_flags = static_cast<uint64_t>(new_flags & ~later);
  } else {
    p.child_unshares_user = p.new_user;
    p.unshare_flags = new_flags & ~(later | CLONE_NEWUSER);
    p.fork_for_init = p.new_pid || p.new_time || joins_pid_or_time;
  }
  return p;
}

Result<> open_join_fds(NamespacePlan& plan) {
  for (auto& j : plan.joins) {
    j.fd.reset(::open(j.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!j.fd) return ErrnoErr("opening ", j.type, " namespace ", j.path);
  }
  return {};
}

Result<> join_namespaces(const NamespacePlan& plan) {
  for (const auto& j : plan.joins) {
    if (::setns(j.fd.get(), j.flag) < 0) return ErrnoErr("joining ", j.type, " namespace ", j.path);
    // Our host ids mean nothing in a joined user namespace (files created
    // for the rootfs would fail with EOVERFLOW): become its root, as a new
    // user namespace's init does.
    if (j.flag == CLONE_NEWUSER && (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0))
      return ErrnoErr("becoming root in the user namespace ", j.path);
  }
  return {};
}

namespace {

struct ProcNamespace {
  const char* name;  // under /proc/<pid>/ns/
  int flag;
};

// In join order: user first, mount last.
constexpr ProcNamespace kProcNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID},   {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS},
};

}  // namespace

Result<int> namespaces_differing_from_self(pid_t pid) {
  int flags = 0;
  for (const auto& ns : kProcNamespaces) {
    struct stat theirs {}, ours {};
    const std::string own = cat("/proc/self/ns/", ns.name);
    if (::stat(own.c_str(), &ours) < 0) {
      if (errno == ENOENT) continue;  // the kernel lacks this type
      return ErrnoErr("reading ", own);
    }
    const std::string path = cat("/proc/", pid, "/ns/", ns.name);
    if (::stat(path.c_str(), &theirs) < 0) return ErrnoErr("reading ", path);
    if (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev) flags |= ns.flag;
  }
  return flags;
}

Result<> join_namespaces_of(int pidfd, pid_t pid, int flags) {
  if (flags == 0) return {};
  if (::setns(pidfd, flags) == 0) return {};
  if (errno != EINVAL) return ErrnoErr("joining the namespaces of process ", pid);
  for (const auto& ns : kProcNamespaces) {
    if (!(flags & ns.flag)) continue;
    const std::string path = cat("/proc/", pid, "/ns/", ns.name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return ErrnoErr("opening ", path);
    if (::setns(fd.get(), ns.flag) < 0) return ErrnoErr("joining ", path);
  }
  return {};
}

Result<> write_time_offsets(const std::map<std::string, oci::TimeOffset>& offsets) {
  std::string text;
  for (const auto& [clock, off] : offsets) text += cat(clock, " ", off.secs, " ", off.nanosecs, "\n");
  if (text.empty()) return {};
  return with_context(fs::write_file("/proc/self/timens_offsets", text), "setting time namespace offsets");
}

std::string format_id_map(const std::vector<oci::IdMapping>& maps) {
  std::string out;
  for (const auto& m : maps) out += cat(m.container_id, " ", m.host_id, " ", m.size, "\n");
  return out;
}

Result<> write_id_maps(pid_t pid, const std::vector<oci::IdMapping>& uids, const std::vector<oci::IdMapping>& gids,
                       bool deny_setgroups) {
  TRY_ASSIGN(auto dir, fs::open_dir(cat("/proc/", pid)));
  return write_id_maps_at(dir.get(), std::to_string(pid), uids, gids, deny_setgroups);
}

Result<> write_id_maps_at(int proc_pid_dir, const std::string& who, const std::vector<oci::IdMapping>& uids,
                          const std::vector<oci::IdMapping>& gids, bool deny_setgroups) {
  if (deny_setgroups) TRY_CTX(fs::write_file_at(proc_pid_dir, "setgroups", "deny"), "writing setgroups of ", who);
  // Each map must be written in one write(2).
  if (!uids.empty())
    TRY_CTX(fs::write_file_at(proc_pid_dir, "uid_map", format_id_map(uids)), "writing uid_map of ", who);
  if (!gids.empty())
    TRY_CTX(fs::write_file_at(proc_pid_dir, "gid_map", format_id_map(gids)), "writing gid_map of ", who);
  return {};
}

}  // namespace rt::process
