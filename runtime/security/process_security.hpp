// What the spec says the container process may do, prepared once in the
// parent (names resolved, seccomp compiled to BPF) and applied in the child
// by small functions called in this order by the init and exec paths:
//
//   apply_attributes()        personality, initial CPU affinity (or the reset
//                             to all CPUs), memory policy, I/O priority,
//                             scheduler, LSM exec labels
//   load_seccomp()            here when !no_new_privileges (needs CAP_SYS_ADMIN)
//   apply_user_and_caps()     bounding set, keep-caps, setgroups/setresgid/
//                             setresuid, then permitted/effective/inheritable
//                             and ambient sets
//   set_no_new_privs()        when no_new_privileges
//   load_seccomp()            here when no_new_privileges (as late as possible)
//   apply_final_affinity()    right before execve
//
// When load_seccomp() returns a notify fd, the init hands it to the runtime
// with sendmsg(SCM_RIGHTS) at once (NOTIFY rules on write/sendmsg/sendto are
// refused by prepare() for that reason), and the runtime passes it on with
// send_to_seccomp_agent() (seccomp_agent.hpp).
//
// Child-side functions only use what prepare() computed: no parsing, no
// libseccomp, few allocations.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/mempolicy.hpp"
#include "runtime/security/sched.hpp"

namespace rt::security {

struct SeccompProgram;  // compiled filter; see seccomp.hpp

struct ProcessSecurity {
  std::optional<CapabilitySets> caps;  // absent: capabilities untouched
  bool no_new_privileges = false;
  std::shared_ptr<const SeccompProgram> seccomp;  // null: no filter
  std::optional<unsigned long> personality;
  std::string apparmor_profile;
  std::string selinux_label;
  std::optional<SchedAttr> scheduler;
  std::optional<int> io_priority;  // ioprio_set value (class << 13 | data)
  std::optional<cpu_set_t> affinity_initial, affinity_final;
  std::optional<MemPolicy> memory_policy;
};

// Parent side, before clone. Warnings (a seccomp architecture libseccomp
// cannot build for, ...) are logged; those about capabilities are left to
// container::host_checks(), which create runs first. Errors name the JSON
// path ("$.process.capabilities.bounding[3]").
Result<ProcessSecurity> prepare(const oci::Process& process, const oci::Linux* linux_config);

struct PrepareOptions {
  // Where compiled seccomp programs are cached, e.g. "<root>/@seccomp-cache"
  // (see seccomp_cache.hpp); empty: always compile.
  std::string seccomp_cache_dir;
};
Result<ProcessSecurity> prepare(const oci::Process& process, const oci::Linux* linux_config,
                                const PrepareOptions& options);

// What prepare() asks of the host; prepare_with() takes it as a parameter so
// that tests can pretend (a kernel without a capability, an LSM enabled).
struct HostFacts {
  CapHost caps;
  bool apparmor_enabled = false;
  bool selinux_enabled = false;
};
HostFacts current_host_facts();
Result<ProcessSecurity> prepare_with(const oci::Process& process, const oci::Linux* linux_config,
                                     const HostFacts& host, oci::Issues& warnings,
                                     const PrepareOptions& options = {});

// Child side (see the order above).
Result<> apply_attributes(const ProcessSecurity& sec);
Result<> apply_user_and_caps(const ProcessSecurity& sec, const oci::User& user);
Result<> set_no_new_privs();
// Returns the seccomp notify fd when the filter uses SCMP_ACT_NOTIFY.
Result<UniqueFd> load_seccomp(const ProcessSecurity& sec);
Result<> apply_final_affinity(const ProcessSecurity& sec);

// By default a container must not inherit a narrowed CPU affinity of its
// caller: the child resets it to all CPUs unless the spec sets one.
Result<> reset_affinity_to_all_cpus();

}  // namespace rt::security
