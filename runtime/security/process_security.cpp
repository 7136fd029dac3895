#include "runtime/security/process_security.hpp"

#include <sys/prctl.h>

#include "runtime/base/log.hpp"
#include "runtime/security/lsm.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_cache.hpp"
#include "runtime/sys/host.hpp"

namespace rt::security {
namespace {

Result<std::shared_ptr<const SeccompProgram>> prepare_seccomp(const oci::Seccomp& s, oci::Issues& warnings,
                                                              const std::string& cache_dir) {
  const std::string base = "$.linux.seccomp";
  TRY_ASSIGN(const SeccompPlan plan, plan_seccomp(s, warnings, base));
  TRY(check_seccomp_support(plan, base));
  auto program = compile_seccomp_cached(plan, cache_dir);
  if (!program) return ErrFrom(std::move(program).error().context(base));
  program->listener_path = s.listener_path;
  program->listener_metadata = s.listener_metadata;
  return std::make_shared<const SeccompProgram>(std::move(*program));
}

Result<> prepare_process(ProcessSecurity& sec, const oci::Process& p, const HostFacts& host) {
  if (p.capabilities) {
    // Its warnings are the ones host_checks() reported before (same
    // check_capabilities()): not repeated.
    oci::Issues reported;
    TRY_ASSIGN(sec.caps, plan_capabilities(*p.capabilities, host.caps, reported));
  }
  sec.no_new_privileges = p.no_new_privileges;
  TRY(check_lsm_labels(p, host.apparmor_enabled, host.selinux_enabled));
  sec.apparmor_profile = p.apparmor_profile;
  sec.selinux_label = p.selinux_label;
  if (p.scheduler) {
    TRY_ASSIGN(sec.scheduler, plan_scheduler(*p.scheduler));
  }
  if (p.io_priority) {
    TRY_ASSIGN(sec.io_priority, plan_io_priority(*p.io_priority));
  }
  const oci::CpuAffinity affinity = p.exec_cpu_affinity.value_or(oci::CpuAffinity{});
  if (!affinity.initial.empty()) {
    TRY_ASSIGN(sec.affinity_initial, plan_cpu_set(affinity.initial, "$.process.execCPUAffinity.initial"));
  }
  if (!affinity.final.empty()) {
    TRY_ASSIGN(sec.affinity_final, plan_cpu_set(affinity.final, "$.process.execCPUAffinity.final"));
  }
  return {};
}

Result<> prepare_linux(ProcessSecurity& sec, const oci::Linux& l, oci::Issues& warnings,
                       const PrepareOptions& options) {
  if (l.personality) {
    TRY_ASSIGN(sec.personality, plan_personality(*l.personality, warnings));
  }
  if (l.memory_policy) {
    TRY_ASSIGN(sec.memory_policy, plan_memory_policy(*l.memory_policy));
  }
  if (l.seccomp) {
    TRY_ASSIGN(sec.seccomp, prepare_seccomp(*l.seccomp, warnings, options.seccomp_cache_dir));
  }
  return {};
}

}  // namespace

HostFacts current_host_facts() {
  return HostFacts{current_cap_host(), host::apparmor_enabled(), host::selinux_enabled()};
}

Result<ProcessSecurity> prepare_with(const oci::Process& process, const oci::Linux* linux_config,
                                     const HostFacts& host, oci::Issues& warnings,
                                     const PrepareOptions& options) {
  ProcessSecurity sec;
  TRY(prepare_process(sec, process, host));
  if (linux_config) TRY(prepare_linux(sec, *linux_config, warnings, options));
  return sec;
}

Result<ProcessSecurity> prepare(const oci::Process& process, const oci::Linux* linux_config) {
  return prepare(process, linux_config, PrepareOptions{});
}

Result<ProcessSecurity> prepare(const oci::Process& process, const oci::Linux* linux_config,
                                const PrepareOptions& options) {
  oci::Issues warnings;
  auto sec = prepare_with(process, linux_config, current_host_facts(), warnings, options);
  for (const auto& w : warnings) log::warn(w.to_string());
  return sec;
}

Result<> apply_attributes(const ProcessSecurity& sec) {
  if (sec.personality) TRY_CTX(apply_personality(*sec.personality), "applying $.linux.personality");
  if (sec.affinity_initial)
    TRY_CTX(apply_affinity(*sec.affinity_initial), "applying $.process.execCPUAffinity.initial");
  else
    TRY(reset_affinity_to_all_cpus());
  if (sec.memory_policy) TRY_CTX(apply_memory_policy(*sec.memory_policy), "applying $.linux.memoryPolicy");
  if (sec.io_priority) TRY_CTX(apply_io_priority(*sec.io_priority), "applying $.process.ioPriority");
  // After the affinity: SCHED_DEADLINE needs the task's affinity to span its root domain.
  if (sec.scheduler) TRY_CTX(apply_scheduler(*sec.scheduler), "applying $.process.scheduler");
  if (!sec.apparmor_profile.empty()) TRY(set_apparmor_exec_profile(sec.apparmor_profile));
  if (!sec.selinux_label.empty()) TRY(set_selinux_exec_label(sec.selinux_label));
  return {};
}

Result<> apply_user_and_caps(const ProcessSecurity& sec, const oci::User& user) {
  if (sec.caps) {
    // Needs CAP_SETPCAP, which the user switch may take away.
    TRY(drop_bounding_set(sec.caps->bounding));
    // Without keep-caps, setresuid to a non-root uid empties the permitted
    // set and the configured capabilities could not be set afterwards.
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return ErrnoErr("prctl(PR_SET_KEEPCAPS, 1)");
  }
  TRY(switch_user(user));
  if (!sec.caps) return {};
  TRY(set_capability_sets(*sec.caps));
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return ErrnoErr("prctl(PR_SET_KEEPCAPS, 0)");
  return {};
}

Result<> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return ErrnoErr("prctl(PR_SET_NO_NEW_PRIVS)");
  return {};
}

Result<UniqueFd> load_seccomp(const ProcessSecurity& sec) {
  if (!sec.seccomp) return UniqueFd();
  return with_context(load_seccomp_program(*sec.seccomp), "loading the seccomp filter");
}

Result<> apply_final_affinity(const ProcessSecurity& sec) {
  if (!sec.affinity_final) return {};
  return with_context(apply_affinity(*sec.affinity_final), "applying $.process.execCPUAffinity.final");
}

Result<> reset_affinity_to_all_cpus() { return apply_all_cpus_affinity(); }

}  // namespace rt::security
