// Parent side of seccomp: libseccomp builds the filter and exports it as
// classic BPF; the child only calls seccomp(2) with the result.
#include <linux/audit.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/security/seccomp.hpp"

namespace rt::security {
namespace {

using FilterCtx = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

long sys_seccomp(unsigned op, unsigned flags, void* arg) { return ::syscall(SYS_seccomp, op, flags, arg); }

// libseccomp 2.5 has no in-memory export: write into a memfd and read back.
Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("ocirun-seccomp", MFD_CLOEXEC));
  if (!fd) return ErrnoErr("memfd_create for the seccomp program");
  if (const int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) return Err(-rc, "seccomp_export_bpf");
  if (::lseek(fd.get(), 0, SEEK_SET) < 0) return ErrnoErr("lseek in the seccomp program");
  TRY_ASSIGN(const std::string bytes, fs::read_fd(fd.get()));
  if (bytes.size() % sizeof(sock_filter) != 0)
    return Err(EINVAL, "seccomp_export_bpf wrote ", bytes.size(), " bytes, not whole instructions");
  std::vector<sock_filter> prog(bytes.size() / sizeof(sock_filter));
  std::memcpy(prog.data(), bytes.data(), bytes.size());
  return prog;
}

Result<> add_rule(scmp_filter_ctx ctx, const SeccompRule& rule) {
  const int nr = seccomp_syscall_resolve_name(rule.syscall.c_str());
  if (nr == __NR_SCMP_ERROR) {
    log::debug("seccomp: syscall ", oci::quote(rule.syscall),
               " is unknown to libseccomp; its rule is skipped");
    return {};
  }
  std::vector<scmp_arg_cmp> cmps;
  for (const auto& c : rule.conditions)
    cmps.push_back({c.index, static_cast<scmp_compare>(c.op), c.value, c.value_two});
  const int rc =
      seccomp_rule_add_array(ctx, rule.action, nr, static_cast<unsigned>(cmps.size()), cmps.data());
  if (rc < 0) return Err(-rc, "adding the seccomp rule for ", oci::quote(rule.syscall));
  return {};
}

const char* action_name(uint32_t ret) {
  switch (ret) {
    case SECCOMP_RET_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case SECCOMP_RET_TRAP: return "SCMP_ACT_TRAP";
    case SECCOMP_RET_ERRNO: return "SCMP_ACT_ERRNO";
    case SECCOMP_RET_USER_NOTIF: return "SCMP_ACT_NOTIFY";
    case SECCOMP_RET_TRACE: return "SCMP_ACT_TRACE";
    case SECCOMP_RET_LOG: return "SCMP_ACT_LOG";
    default: return "SCMP_ACT_ALLOW";
  }
}

}  // namespace

std::vector<EnosysArch> enosys_arches(const SeccompPlan& plan) {
  std::vector<uint32_t> tokens{seccomp_arch_native()};
  for (uint32_t t : plan.architectures)
    if (std::find(tokens.begin(), tokens.end(), t) == tokens.end()) tokens.push_back(t);

  std::map<uint32_t, EnosysArch> by_audit;  // x86_64 and x32 share AUDIT_ARCH_X86_64
  for (uint32_t token : tokens) {
    const bool x32 = token == SCMP_ARCH_X32;
    const uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : token;
    EnosysArch& e = by_audit[audit];
    e.audit_arch = audit;
    e.multiplexer_zero = token == SCMP_ARCH_S390 || token == SCMP_ARCH_S390X;
    std::optional<uint32_t>& max = x32 ? e.max_x32_nr : e.max_nr;
    for (const auto& name : plan.syscall_names) {
      const int nr = seccomp_syscall_resolve_name_arch(token, name.c_str());
      if (nr >= 0 && (!max || static_cast<uint32_t>(nr) > *max)) max = static_cast<uint32_t>(nr);
    }
  }
  std::vector<EnosysArch> out;
  for (auto& [audit, e] : by_audit)
    if (e.max_nr || e.max_x32_nr) out.push_back(e);
  return out;
}

bool kernel_has_seccomp_action(uint32_t action) {
  uint32_t kind = action & SECCOMP_RET_ACTION_FULL;
  return sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &kind) == 0;
}

// A supported flag with a NULL program fails with EFAULT, an unknown one with
// EINVAL; nothing is installed either way.
bool kernel_has_seccomp_flags(uint32_t flags) {
  // WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER.
  if (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, nullptr) < 0 && errno == EFAULT;
}

Result<> check_seccomp_support(const SeccompPlan& plan, const std::string& base) {
  std::vector<uint32_t> kinds{plan.default_action & SECCOMP_RET_ACTION_FULL};
  for (const auto& r : plan.rules) kinds.push_back(r.action & SECCOMP_RET_ACTION_FULL);
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  for (uint32_t kind : kinds) {
    if (!kernel_has_seccomp_action(kind))
      return Err(errno, base, ": ", action_name(kind), " is not supported by this kernel");
  }
  const std::pair<uint32_t, const char*> flags[] = {
      {SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG"},
      {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
      {SECCOMP_FILTER_FLAG_NEW_LISTENER, "SECCOMP_FILTER_FLAG_NEW_LISTENER (needed by SCMP_ACT_NOTIFY)"},
      {SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}};
  for (const auto& [flag, name] : flags) {
    if ((plan.flags & flag) != flag) continue;
    if (!kernel_has_seccomp_flags(flag))
      return Err(errno == EINVAL ? 0 : errno, base, ".flags: ", name, " is not supported by this kernel");
  }
  return {};
}

Result<SeccompProgram> compile_seccomp(const SeccompPlan& plan) {
  FilterCtx ctx(seccomp_init(plan.default_action), seccomp_release);
  if (!ctx) return Err(EINVAL, "seccomp_init");
  // A binary tree of syscalls instead of a list keeps long profiles fast at
  // syscall time. libseccomp 2.5 misbuilds it for tiny filters, so only for
  // long ones (runc uses the same threshold).
  if (plan.rules.size() > 32 && seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    log::debug("seccomp: binary tree optimization is not available");
  for (uint32_t arch : plan.architectures) {
    const int rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST) return Err(-rc, "adding seccomp architecture ", hex(arch));
  }
  for (const auto& rule : plan.rules) TRY(add_rule(ctx.get(), rule));

  SeccompProgram program;
  program.flags = plan.flags;
  if (plan.enosys_stub) {
    const auto arches = enosys_arches(plan);
    TRY_ASSIGN(program.filter, enosys_stub(arches));
  }
  TRY_ASSIGN(const auto body, export_bpf(ctx.get()));
  program.filter.insert(program.filter.end(), body.begin(), body.end());
  if (program.filter.size() > BPF_MAXINSNS)
    return Err(E2BIG, "the seccomp program has ", program.filter.size(),
               " instructions; the kernel takes at most ", BPF_MAXINSNS);
  return program;
}

Result<UniqueFd> load_seccomp_program(const SeccompProgram& program) {
  sock_fprog prog{static_cast<unsigned short>(program.filter.size()),
                  const_cast<sock_filter*>(program.filter.data())};
  const long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, program.flags, &prog);
  if (rc < 0) {
    if (errno == EACCES)
      return ErrnoErr("seccomp(SECCOMP_SET_MODE_FILTER): needs no_new_privs or CAP_SYS_ADMIN");
    return ErrnoErr("seccomp(SECCOMP_SET_MODE_FILTER, flags ", hex(program.flags), ")");
  }
  if (program.notify()) return UniqueFd(static_cast<int>(rc));
  return UniqueFd();
}

}  // namespace rt::security
