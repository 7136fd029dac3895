#include "oci/names.hpp"

#include <algorithm>
#include <array>

namespace oci::names {
namespace {

constexpr Named kCapabilities[] = {
    {"CAP_CHOWN", 0},           {"CAP_DAC_OVERRIDE", 1},     {"CAP_DAC_READ_SEARCH", 2},
    {"CAP_FOWNER", 3},          {"CAP_FSETID", 4},           {"CAP_KILL", 5},
    {"CAP_SETGID", 6},          {"CAP_SETUID", 7},           {"CAP_SETPCAP", 8},
    {"CAP_LINUX_IMMUTABLE", 9}, {"CAP_NET_BIND_SERVICE", 10}, {"CAP_NET_BROADCAST", 11},
    {"CAP_NET_ADMIN", 12},      {"CAP_NET_RAW", 13},         {"CAP_IPC_LOCK", 14},
    {"CAP_IPC_OWNER", 15},      {"CAP_SYS_MODULE", 16},      {"CAP_SYS_RAWIO", 17},
    {"CAP_SYS_CHROOT", 18},     {"CAP_SYS_PTRACE", 19},      {"CAP_SYS_PACCT", 20},
    {"CAP_SYS_ADMIN", 21},      {"CAP_SYS_BOOT", 22},        {"CAP_SYS_NICE", 23},
    {"CAP_SYS_RESOURCE", 24},   {"CAP_SYS_TIME", 25},        {"CAP_SYS_TTY_CONFIG", 26},
    {"CAP_MKNOD", 27},          {"CAP_LEASE", 28},           {"CAP_AUDIT_WRITE", 29},
    {"CAP_AUDIT_CONTROL", 30},  {"CAP_SETFCAP", 31},         {"CAP_MAC_OVERRIDE", 32},
    {"CAP_MAC_ADMIN", 33},      {"CAP_SYSLOG", 34},          {"CAP_WAKE_ALARM", 35},
    {"CAP_BLOCK_SUSPEND", 36},  {"CAP_AUDIT_READ", 37},      {"CAP_PERFMON", 38},
    {"CAP_BPF", 39},            {"CAP_CHECKPOINT_RESTORE", 40},
};

constexpr Named kRlimits[] = {
    {"RLIMIT_CPU", 0},      {"RLIMIT_FSIZE", 1},      {"RLIMIT_DATA", 2},
    {"RLIMIT_STACK", 3},    {"RLIMIT_CORE", 4},       {"RLIMIT_RSS", 5},
    {"RLIMIT_NPROC", 6},    {"RLIMIT_NOFILE", 7},     {"RLIMIT_MEMLOCK", 8},
    {"RLIMIT_AS", 9},       {"RLIMIT_LOCKS", 10},     {"RLIMIT_SIGPENDING", 11},
    {"RLIMIT_MSGQUEUE", 12}, {"RLIMIT_NICE", 13},     {"RLIMIT_RTPRIO", 14},
    {"RLIMIT_RTTIME", 15},
};

constexpr std::string_view kNamespaceTypes[] = {"pid",  "network", "mount",  "ipc",
                                                "uts",  "user",    "cgroup", "time"};

constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY"};

constexpr std::string_view kSeccompOperators[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
                                                  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                                  "SCMP_CMP_MASKED_EQ"};

constexpr std::string_view kSeccompArchitectures[] = {
    "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",     "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",      "SCMP_ARCH_AARCH64",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",  "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",    "SCMP_ARCH_PARISC",     "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB"};

constexpr std::string_view kSeccompFlags[] = {"SECCOMP_FILTER_FLAG_TSYNC",
                                              "SECCOMP_FILTER_FLAG_LOG",
                                              "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                              "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};

constexpr std::string_view kSchedulerPolicies[] = {"SCHED_OTHER", "SCHED_FIFO",  "SCHED_RR",
                                                   "SCHED_BATCH", "SCHED_ISO",   "SCHED_IDLE",
                                                   "SCHED_DEADLINE"};

constexpr std::string_view kSchedulerFlags[] = {
    "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
    "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX"};

constexpr std::string_view kIoPriorityClasses[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                                   "IOPRIO_CLASS_IDLE"};

constexpr std::string_view kMemoryPolicyModes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};

constexpr std::string_view kMemoryPolicyFlags[] = {"MPOL_F_NUMA_BALANCING",
                                                   "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"};

constexpr std::string_view kPersonalityDomains[] = {"LINUX", "LINUX32"};

constexpr std::string_view kRootfsPropagations[] = {"private", "rprivate", "slave",
                                                    "rslave",  "shared",   "rshared",
                                                    "unbindable", "runbindable"};

constexpr std::string_view kHookKinds[] = {"prestart",       "createRuntime", "createContainer",
                                           "startContainer", "poststart",     "poststop"};

std::optional<int> find(std::span<const Named> table, std::string_view name) {
  auto it = std::find_if(table.begin(), table.end(), [&](const Named& n) { return n.name == name; });
  if (it == table.end()) return std::nullopt;
  return it->value;
}

}  // namespace

std::span<const Named> capabilities() { return kCapabilities; }
std::optional<int> capability(std::string_view name) { return find(kCapabilities, name); }
std::span<const Named> rlimits() { return kRlimits; }
std::optional<int> rlimit(std::string_view name) { return find(kRlimits, name); }
std::span<const std::string_view> namespace_types() { return kNamespaceTypes; }
bool is_namespace_type(std::string_view type) { return contains(kNamespaceTypes, type); }
std::span<const std::string_view> seccomp_actions() { return kSeccompActions; }
std::span<const std::string_view> seccomp_operators() { return kSeccompOperators; }
std::span<const std::string_view> seccomp_architectures() { return kSeccompArchitectures; }
std::span<const std::string_view> seccomp_flags() { return kSeccompFlags; }
std::span<const std::string_view> scheduler_policies() { return kSchedulerPolicies; }
std::span<const std::string_view> scheduler_flags() { return kSchedulerFlags; }
std::span<const std::string_view> io_priority_classes() { return kIoPriorityClasses; }
std::span<const std::string_view> memory_policy_modes() { return kMemoryPolicyModes; }
std::span<const std::string_view> memory_policy_flags() { return kMemoryPolicyFlags; }
std::span<const std::string_view> personality_domains() { return kPersonalityDomains; }
std::span<const std::string_view> rootfs_propagations() { return kRootfsPropagations; }
std::span<const std::string_view> hook_kinds() { return kHookKinds; }

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace oci::names
