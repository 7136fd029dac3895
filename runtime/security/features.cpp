#include "runtime/security/features.hpp"

#include "oci/names.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/sys/host.hpp"

namespace rt::security {
namespace {

std::vector<std::string> strings(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

void describe_seccomp(oci::Features::Linux::Seccomp& out, const SeccompProbe& probe) {
  oci::Issues ignored;
  for (std::string_view name : oci::names::seccomp_actions()) {
    // Resolved exactly as a config's action is (errno 1 for ERRNO/TRACE).
    auto action = seccomp_action(name, std::nullopt, "");
    if (action && probe.has_action(*action)) out.actions.emplace_back(name);
  }
  out.operators = strings(oci::names::seccomp_operators());
  for (std::string_view name : oci::names::seccomp_architectures())
    if (seccomp_arch_buildable(name)) out.archs.emplace_back(name);
  out.known_flags = strings(oci::names::seccomp_flags());
  for (std::string_view name : oci::names::seccomp_flags()) {
    const auto value = seccomp_flag_value(name);
    if (value && probe.has_flags(*value)) out.supported_flags.emplace_back(name);
  }
}

}  // namespace

SeccompProbe kernel_seccomp_probe() { return {kernel_has_seccomp_action, kernel_has_seccomp_flags}; }

void describe_features(oci::Features::Linux& out, bool seccomp_enabled, const SeccompProbe& probe) {
  out.capabilities.clear();
  for (const auto& c : oci::names::capabilities()) out.capabilities.emplace_back(c.name);
  out.seccomp = {};
  out.seccomp.enabled = seccomp_enabled;
  if (seccomp_enabled) describe_seccomp(out.seccomp, probe);
  // lsm.cpp is always built: both can be applied wherever the host has them.
  out.apparmor = true;
  out.selinux = true;
  out.memory_policy_modes = strings(oci::names::memory_policy_modes());
  out.memory_policy_flags = strings(oci::names::memory_policy_flags());
}

void describe_features(oci::Features::Linux& out) {
  describe_features(out, host::seccomp_supported(), kernel_seccomp_probe());
}

}  // namespace rt::security
