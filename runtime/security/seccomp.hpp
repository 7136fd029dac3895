// Seccomp in three steps, so that the container's init never runs libseccomp:
//
//   plan_seccomp()      PURE: linux.seccomp -> SeccompPlan (actions, operators,
//                       flags and rules resolved; errors name the JSON path)
//   compile_seccomp()   parent: libseccomp builds the filter, exports the
//                       classic BPF program, and the -ENOSYS stub is prepended
//   load_seccomp_program()  child: one seccomp(2) call
//
// The -ENOSYS stub: a profile written for an older kernel denies every
// syscall it does not name with its default action, so glibc sees EPERM for
// a syscall that is merely newer than the profile (clone3, faccessat2, ...)
// and does not fall back to the older one. Like runc's patchbpf, a syscall
// number above the largest one the profile names, per architecture, returns
// ENOSYS when the default action denies. Our stub is generated from scratch
// and prepended to libseccomp's program (see enosys_stub()).
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::security {

struct SeccompCondition {
  unsigned index = 0;
  int op = 0;  // enum scmp_compare
  uint64_t value = 0, value_two = 0;
  bool operator==(const SeccompCondition&) const = default;
};

struct SeccompRule {
  std::string syscall;
  uint32_t action = 0;                       // SCMP_ACT_*, errno included
  std::vector<SeccompCondition> conditions;  // ANDed
  bool operator==(const SeccompRule&) const = default;
};

struct SeccompPlan {
  uint32_t default_action = 0;
  std::vector<uint32_t> architectures;     // SCMP_ARCH_* tokens; the native one is always added
  uint32_t flags = 0;                      // SECCOMP_FILTER_FLAG_* for seccomp(2)
  bool enosys_stub = false;                // the default action denies: newer syscalls get ENOSYS
  std::vector<SeccompRule> rules;          // rules whose action is the default one are left out
  std::vector<std::string> syscall_names;  // every name the profile mentions, for the stub
};

// The libseccomp action for an OCI action name; errno_ret only for
// SCMP_ACT_ERRNO and SCMP_ACT_TRACE (default EPERM).
Result<uint32_t> seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret,
                                const std::string& path);

// PURE translation of linux.seccomp. Rules: one per syscall name; several
// args are ANDed in one rule, except when an argument index repeats, which
// libseccomp cannot express: then each arg becomes its own rule (ORed), as
// runc and crun do. SECCOMP_FILTER_FLAG_TSYNC is dropped (the init is single
// threaded, as runc notes); NEW_LISTENER is added when a rule uses
// SCMP_ACT_NOTIFY.
Result<SeccompPlan> plan_seccomp(const oci::Seccomp& seccomp, oci::Issues& warnings,
                                 const std::string& base = "$.linux.seccomp");

// The tables plan_seccomp() translates with (PURE): a flag's
// SECCOMP_FILTER_FLAG_* value, and whether this libseccomp can build a filter
// for an architecture; nullopt/false for a name they do not have.
std::optional<uint32_t> seccomp_flag_value(std::string_view name);
bool seccomp_arch_buildable(std::string_view name);

// Kernel probes (nothing is installed): may a filter use this action kind
// (SECCOMP_RET_*), or these SECCOMP_FILTER_FLAG_* flags?
bool kernel_has_seccomp_action(uint32_t action);
bool kernel_has_seccomp_flags(uint32_t flags);

// Checks that this kernel supports every flag and action of the plan.
Result<> check_seccomp_support(const SeccompPlan& plan, const std::string& base = "$.linux.seccomp");

struct SeccompProgram {
  std::vector<sock_filter> filter;
  unsigned flags = 0;  // SECCOMP_FILTER_FLAG_*
  std::string listener_path, listener_metadata;
  bool notify() const { return (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0; }
};

// Parent side: libseccomp -> BPF (+ the -ENOSYS stub). Syscall names unknown
// to libseccomp are skipped with a debug log, as runc does.
Result<SeccompProgram> compile_seccomp(const SeccompPlan& plan);

// Child side: installs the filter. Returns the notify listener fd when the
// program has SCMP_ACT_NOTIFY rules (it is close-on-exec), else an empty fd.
Result<UniqueFd> load_seccomp_program(const SeccompProgram& program);

// ---- the -ENOSYS stub (PURE) ----------------------------------------------

struct EnosysArch {
  uint32_t audit_arch = 0;             // AUDIT_ARCH_* as seccomp_data.arch carries it
  std::optional<uint32_t> max_nr;      // largest syscall number the profile names
  std::optional<uint32_t> max_x32_nr;  // AUDIT_ARCH_X86_64 only: same for the x32 ABI (bit 30 set)
  bool multiplexer_zero = false;       // s390: syscall 0 multiplexes unknown numbers
};

// A program that returns ERRNO(ENOSYS) for a number above max_nr on a listed
// architecture and otherwise falls through to the instruction after the stub.
Result<std::vector<sock_filter>> enosys_stub(std::span<const EnosysArch> arches);

// The stub's per-architecture input, from the plan's names and libseccomp's
// syscall tables (the native architecture is always included).
std::vector<EnosysArch> enosys_arches(const SeccompPlan& plan);

}  // namespace rt::security
