// AppArmor profile and SELinux label for the container process: both are
// "exec" attributes of the calling thread in procfs, applied at the next
// execve.
//
// The writes must reach the real procfs (CVE-2019-16884: a container image
// that controls /proc can make a naive write land in an ordinary file and
// the process then runs unconfined). Every open here is relative to a proc
// root verified with fstatfs, never follows a symlink, never crosses a mount,
// and the opened file is verified again.
#pragma once

#include <linux/magic.h>

#include <cstdint>
#include <string>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::security {

// Where procfs is and which filesystem it must be; tests point it at a
// fake tree on another filesystem.
struct ProcFs {
  std::string root = "/proc";
  int64_t fs_magic = PROC_SUPER_MAGIC;
};

// Requested labels on a host whose LSM is off are an error naming the field:
// "$.process.apparmorProfile: AppArmor is not enabled on this host".
// lsm_label_issues() lists every one of the config (process labels and
// linux.mountLabel) for host_checks; check_lsm_labels() fails on the first
// process label.
oci::Issues lsm_label_issues(const oci::Spec& spec, bool apparmor_enabled, bool selinux_enabled);
Result<> check_lsm_labels(const oci::Process& process, bool apparmor_enabled, bool selinux_enabled,
                          const std::string& base = "$.process");

// Writes "exec <profile>" to <proc>/thread-self/attr/apparmor/exec, or to
// attr/exec on kernels without the per-LSM directory.
Result<> set_apparmor_exec_profile(const std::string& profile, const ProcFs& proc = {});
// Writes the label to <proc>/thread-self/attr/exec.
Result<> set_selinux_exec_label(const std::string& label, const ProcFs& proc = {});

}  // namespace rt::security
