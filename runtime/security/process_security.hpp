// What the spec says the container process may do, prepared once in the
// parent (names resolved, seccomp compiled to BPF) and applied in the child
// by small functions called in this order by the init and exec paths:
//
//   apply_attributes()        personality, scheduler, I/O priority, memory
//                             policy, initial CPU affinity, LSM exec labels
//   load_seccomp()            here when !no_new_privileges (needs CAP_SYS_ADMIN)
//   apply_user_and_caps()     bounding set, keep-caps, setgroups/setresgid/
//                             setresuid, then permitted/effective/inheritable
//                             and ambient sets
//   set_no_new_privs()        when no_new_privileges
//   load_seccomp()            here when no_new_privileges (as late as possible)
//   apply_final_affinity()    right before execve
//
// Child-side functions only use what prepare() computed: no parsing, no
// libseccomp, few allocations.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::security {

struct CapabilitySets {
  uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

struct SeccompProgram;  // compiled filter; see seccomp.hpp

struct ProcessSecurity {
  std::optional<CapabilitySets> caps;  // absent: capabilities untouched
  bool no_new_privileges = false;
  std::shared_ptr<const SeccompProgram> seccomp;  // null: no filter
  // ... further members are the security module's own (see the .cpp files).
  std::optional<unsigned long> personality;
  std::string apparmor_profile;
  std::string selinux_label;
  std::optional<oci::Scheduler> scheduler;
  std::optional<int> io_priority;  // ioprio_set value (class << 13 | data)
  std::optional<cpu_set_t> affinity_initial, affinity_final;
  std::optional<oci::MemoryPolicy> memory_policy;
};

// Parent side, before clone. Warnings (capabilities unknown to this kernel)
// are logged; errors name the JSON path ("$.process.capabilities.bounding[3]").
Result<ProcessSecurity> prepare(const oci::Process& process, const oci::Linux* linux_config);

// Child side (see the order above).
Result<> apply_attributes(const ProcessSecurity& sec);
Result<> apply_user_and_caps(const ProcessSecurity& sec, const oci::User& user);
Result<> set_no_new_privs();
// Returns the seccomp notify fd when the filter uses SCMP_ACT_NOTIFY.
Result<UniqueFd> load_seccomp(const ProcessSecurity& sec);
Result<> apply_final_affinity(const ProcessSecurity& sec);

// By default a container must not inherit a narrowed CPU affinity of its
// caller: the child resets it to all online CPUs unless the spec sets one.
Result<> reset_affinity_to_all_cpus();

}  // namespace rt::security
