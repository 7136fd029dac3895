// PURE: linux.seccomp -> SeccompPlan. Only libseccomp's constants are used
// here, never its state, so the translation is table-tested.
#include <seccomp.h>

#include <algorithm>
#include <array>

#include "runtime/security/seccomp.hpp"

namespace rt::security {
namespace {

struct NamedArch {
  std::string_view name;
  uint32_t token;  // 0: this libseccomp cannot build a filter for it
};

#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 0
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH 0
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0
#endif

constexpr NamedArch kArches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
};

constexpr std::pair<std::string_view, int> kOperators[] = {{"SCMP_CMP_NE", SCMP_CMP_NE},
                                                           {"SCMP_CMP_LT", SCMP_CMP_LT},
                                                           {"SCMP_CMP_LE", SCMP_CMP_LE},
                                                           {"SCMP_CMP_EQ", SCMP_CMP_EQ},
                                                           {"SCMP_CMP_GE", SCMP_CMP_GE},
                                                           {"SCMP_CMP_GT", SCMP_CMP_GT},
                                                           {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};

constexpr std::pair<std::string_view, uint32_t> kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV}};

// The init hands the notify fd to the runtime with these right after the
// filter is installed: notifying them would deadlock before any agent has
// the fd (runc refuses "write" for the same reason).
constexpr std::string_view kHandoverSyscalls[] = {"write", "sendmsg", "sendto"};

bool is_notify(uint32_t action) { return action == SCMP_ACT_NOTIFY; }

// A default action that denies: a newer syscall should then see ENOSYS.
bool default_denies(uint32_t action) {
  const uint32_t kind = action & SECCOMP_RET_ACTION_FULL;
  if (kind == SECCOMP_RET_ERRNO) return (action & SECCOMP_RET_DATA) != ENOSYS;
  return kind == SECCOMP_RET_KILL_THREAD || kind == SECCOMP_RET_KILL_PROCESS || kind == SECCOMP_RET_TRAP;
}

Result<SeccompCondition> condition(const oci::SeccompArg& arg, const std::string& path) {
  if (arg.index > 5) return Err(0, path, ".index: must be in [0, 5], got ", arg.index);
  const auto* op = std::find_if(std::begin(kOperators), std::end(kOperators),
                                [&](const auto& o) { return o.first == arg.op; });
  if (op == std::end(kOperators)) return Err(0, path, ".op: unknown seccomp operator ", oci::quote(arg.op));
  return SeccompCondition{arg.index, op->second, arg.value, arg.value_two};
}

// The condition groups of one syscall entry: all args in one rule, unless an
// index repeats (see plan_seccomp()).
Result<std::vector<std::vector<SeccompCondition>>> condition_groups(const oci::SeccompSyscall& sc,
                                                                    const std::string& path) {
  std::vector<SeccompCondition> all;
  std::array<int, 6> per_index{};
  bool repeated = false;
  for (size_t a = 0; a < sc.args.size(); ++a) {
    TRY_ASSIGN(auto c, condition(sc.args[a], cat(path, ".args[", a, "]")));
    repeated = repeated || ++per_index[c.index] > 1;
    all.push_back(c);
  }
  if (!repeated) return std::vector<std::vector<SeccompCondition>>{all};
  std::vector<std::vector<SeccompCondition>> groups;
  for (const auto& c : all) groups.push_back({c});
  return groups;
}

Result<> add_rules(SeccompPlan& plan, const oci::SeccompSyscall& sc, const std::string& path) {
  TRY_ASSIGN(const uint32_t action, seccomp_action(sc.action, sc.errno_ret, path + ".action"));
  TRY_ASSIGN(const auto groups, condition_groups(sc, path));
  for (size_t n = 0; n < sc.names.size(); ++n) {
    const std::string& name = sc.names[n];
    if (name.empty()) return Err(0, path, ".names[", n, "]: invalid syscall name");
    plan.syscall_names.push_back(name);
    if (is_notify(action) && std::find(std::begin(kHandoverSyscalls), std::end(kHandoverSyscalls), name) !=
                                 std::end(kHandoverSyscalls))
      return Err(0, path, ".names[", n, "]: SCMP_ACT_NOTIFY cannot be used for ", oci::quote(name),
                 ": the container init needs it to hand the notify fd to the runtime");
    // libseccomp refuses a rule that repeats the default action; it is a no-op anyway.
    if (action == plan.default_action) continue;
    for (const auto& g : groups) plan.rules.push_back({name, action, g});
  }
  return {};
}

Result<> resolve_flags(SeccompPlan& plan, const oci::Seccomp& s, const std::string& base) {
  for (size_t i = 0; i < s.flags.size(); ++i) {
    const auto* f = std::find_if(std::begin(kFlags), std::end(kFlags),
                                 [&](const auto& kv) { return kv.first == s.flags[i]; });
    if (f == std::end(kFlags))
      return Err(0, base, ".flags[", i, "]: unknown seccomp flag ", oci::quote(s.flags[i]));
    plan.flags |= f->second;
  }
  // TSYNC synchronises the filter to other threads; the init has none, and
  // the kernel refuses TSYNC together with NEW_LISTENER.
  plan.flags &= ~static_cast<uint32_t>(SECCOMP_FILTER_FLAG_TSYNC);
  return {};
}

}  // namespace

std::optional<uint32_t> seccomp_flag_value(std::string_view name) {
  for (const auto& [n, v] : kFlags)
    if (n == name) return v;
  return std::nullopt;
}

bool seccomp_arch_buildable(std::string_view name) {
  for (const auto& a : kArches)
    if (a.name == name) return a.token != 0;
  return false;
}

Result<uint32_t> seccomp_action(std::string_view name, std::optional<uint32_t> errno_ret,
                                const std::string& path) {
  const bool takes_errno = name == "SCMP_ACT_ERRNO" || name == "SCMP_ACT_TRACE";
  if (errno_ret && !takes_errno)
    return Err(0, path, ": ", name, " takes no errnoRet (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)");
  const uint32_t e = errno_ret.value_or(EPERM);
  if (e > SECCOMP_RET_DATA) return Err(0, path, ": errnoRet ", e, " does not fit in 16 bits");
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(e);
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(e);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  return Err(0, path, ": unknown seccomp action ", oci::quote(name));
}

Result<SeccompPlan> plan_seccomp(const oci::Seccomp& s, oci::Issues& warnings, const std::string& base) {
  SeccompPlan plan;
  TRY_ASSIGN(plan.default_action,
             seccomp_action(s.default_action, s.default_errno_ret, base + ".defaultAction"));
  if (is_notify(plan.default_action))
    return Err(0, base, ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  plan.enosys_stub = default_denies(plan.default_action);

  for (size_t i = 0; i < s.architectures.size(); ++i) {
    const auto* a = std::find_if(std::begin(kArches), std::end(kArches),
                                 [&](const NamedArch& n) { return n.name == s.architectures[i]; });
    const std::string path = cat(base, ".architectures[", i, "]");
    if (a == std::end(kArches))
      return Err(0, path, ": unknown seccomp architecture ", oci::quote(s.architectures[i]));
    if (a->token == 0) {
      // No process of that architecture can run on a host whose libseccomp does not know it.
      warnings.push_back({path, cat(a->name, " is not supported by this libseccomp; it is skipped"),
                          oci::Severity::kWarning});
      continue;
    }
    if (std::find(plan.architectures.begin(), plan.architectures.end(), a->token) == plan.architectures.end())
      plan.architectures.push_back(a->token);
  }
  TRY(resolve_flags(plan, s, base));
  for (size_t i = 0; i < s.syscalls.size(); ++i)
    TRY(add_rules(plan, s.syscalls[i], cat(base, ".syscalls[", i, "]")));

  const bool notify = std::any_of(plan.rules.begin(), plan.rules.end(),
                                  [](const SeccompRule& r) { return is_notify(r.action); });
  if (notify) plan.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  if (!notify && (plan.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
    // The flag only changes how notifications wait; the kernel refuses it without a listener.
    warnings.push_back(
        {base + ".flags",
         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV has no effect without an SCMP_ACT_NOTIFY rule; "
         "it is ignored",
         oci::Severity::kWarning});
    plan.flags &= ~static_cast<uint32_t>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  }
  return plan;
}

}  // namespace rt::security
