#include "runtime/container/host_checks.hpp"

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "oci/names.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/lsm.hpp"
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

void check_rlimits(const std::vector<oci::Rlimit>& rlimits, oci::Issues& out) {
  // Raising a hard limit needs CAP_SYS_RESOURCE in the bounding set.
  if (security::current_cap_host().in_bounding_set(CAP_SYS_RESOURCE)) return;
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

void check_lsm_and_seccomp(const oci::Spec& s, oci::Issues& out) {
  auto labels = security::lsm_label_issues(s, host::apparmor_enabled(), host::selinux_enabled());
  out.insert(out.end(), labels.begin(), labels.end());
  if (s.linux && s.linux->seccomp && !host::seccomp_supported())
    out.push_back({"$.linux.seccomp", "this kernel has no seccomp support"});
}

}  // namespace

oci::Issues host_checks(const Bundle& b) {
  oci::Issues out;
  check_rootfs(b, out);
  if (b.spec.linux) check_namespaces(*b.spec.linux, out);
  if (b.spec.process) {
    if (b.spec.process->capabilities) {
      auto caps = security::check_capabilities(*b.spec.process->capabilities, security::current_cap_host());
      out.insert(out.end(), caps.begin(), caps.end());
    }
    check_rlimits(b.spec.process->rlimits, out);
  }
  check_lsm_and_seccomp(b.spec, out);
  return out;
}

}  // namespace rt::container
