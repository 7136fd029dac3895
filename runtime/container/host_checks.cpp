#include "runtime/container/host_checks.hpp"

#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "oci/names.hpp"
#include "runtime/sys/host.hpp"

namespace rt::container {
namespace {

using oci::Issue;
using oci::Severity;

std::string idx(const std::string& base, size_t i) { return cat(base, "[", i, "]"); }

void check_rootfs(const Bundle& b, oci::Issues& out) {
  if (b.rootfs.empty()) return;  // reported by validation
  struct stat st {};
  if (::stat(b.rootfs.c_str(), &st) < 0)
    out.push_back({"$.root.path", cat("rootfs ", b.rootfs, ": ", std::strerror(errno))});
  else if (!S_ISDIR(st.st_mode))
    out.push_back({"$.root.path", cat("rootfs ", b.rootfs, " is not a directory")});
}

void check_namespaces(const oci::Linux& l, oci::Issues& out) {
  for (size_t i = 0; i < l.namespaces.size(); ++i) {
    const auto& ns = l.namespaces[i];
    const std::string p = idx("$.linux.namespaces", i);
    if (!oci::names::is_namespace_type(ns.type)) continue;
    if (!host::namespace_supported(ns.type))
      out.push_back({p + ".type", cat("this kernel has no ", ns.type, " namespace")});
    if (!ns.path.empty() && ::access(ns.path.c_str(), F_OK) < 0)
      out.push_back({p + ".path", cat(ns.path, ": ", std::strerror(errno))});
  }
}

// A capability the kernel does not know is skipped with a warning (runc);
// one the kernel knows but the runtime does not hold cannot be granted.
void check_capabilities(const oci::Capabilities& caps, oci::Issues& out) {
  const std::pair<const char*, const std::vector<std::string>*> sets[] = {
      {"bounding", &caps.bounding},       {"effective", &caps.effective},
      {"inheritable", &caps.inheritable}, {"permitted", &caps.permitted},
      {"ambient", &caps.ambient}};
  const int last = host::cap_last_cap();
  for (const auto& [set, names] : sets) {
    for (size_t i = 0; i < names->size(); ++i) {
      const auto num = oci::names::capability((*names)[i]);
      if (!num) continue;  // reported by validation
      const std::string p = idx(cat("$.process.capabilities.", set), i);
      if (*num > last) {
        out.push_back({p, cat((*names)[i], " is unknown to this kernel; it will be skipped"), Severity::kWarning});
      } else if (CAP_IS_SUPPORTED(*num) != 1) {
        out.push_back({p, cat((*names)[i], " is not in ocirun's bounding set, so the container cannot have it")});
      }
    }
  }
}

void check_rlimits(const std::vector<oci::Rlimit>& rlimits, oci::Issues& out) {
  // Raising a hard limit needs CAP_SYS_RESOURCE in the bounding set.
  if (CAP_IS_SUPPORTED(CAP_SYS_RESOURCE) == 1) return;
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const auto num = oci::names::rlimit(rlimits[i].type);
    if (!num) continue;
    rlimit cur{};
    if (::getrlimit(*num, &cur) < 0) continue;
    if (cur.rlim_max != RLIM_INFINITY && rlimits[i].hard > cur.rlim_max)
      out.push_back({idx("$.process.rlimits", i) + ".hard",
                     cat("cannot raise ", rlimits[i].type, " hard limit above ", cur.rlim_max,
                         " without CAP_SYS_RESOURCE")});
  }
}

void check_lsm(const oci::Spec& s, oci::Issues& out) {
  if (s.process && !s.process->apparmor_profile.empty() && !host::apparmor_enabled())
    out.push_back({"$.process.apparmorProfile", "AppArmor is not enabled on this host"});
  if (s.process && !s.process->selinux_label.empty() && !host::selinux_enabled())
    out.push_back({"$.process.selinuxLabel", "SELinux is not enabled on this host"});
  if (s.linux && !s.linux->mount_label.empty() && !host::selinux_enabled())
    out.push_back({"$.linux.mountLabel", "SELinux is not enabled on this host"});
  if (s.linux && s.linux->seccomp && !host::seccomp_supported())
    out.push_back({"$.linux.seccomp", "this kernel has no seccomp support"});
}

}  // namespace

oci::Issues host_checks(const Bundle& b) {
  oci::Issues out;
  check_rootfs(b, out);
  if (b.spec.linux) check_namespaces(*b.spec.linux, out);
  if (b.spec.process) {
    if (b.spec.process->capabilities) check_capabilities(*b.spec.process->capabilities, out);
    check_rlimits(b.spec.process->rlimits, out);
  }
  check_lsm(b.spec, out);
  return out;
}

}  // namespace rt::container
