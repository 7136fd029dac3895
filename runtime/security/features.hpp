// The process-security part of `ocirun features` (features-linux.md):
// capabilities, seccomp, AppArmor/SELinux and memory policy. Every list is
// built from the tables the validator and the planners use, so a name
// listed here is one a config may use.
#pragma once

#include "oci/features.hpp"

namespace rt::security {

// Kernel probes that `features` depends on; tests pretend with their own.
struct SeccompProbe {
  bool (*has_action)(uint32_t action);
  bool (*has_flags)(uint32_t flags);
};
SeccompProbe kernel_seccomp_probe();

// Fills capabilities, seccomp, apparmor, selinux and memoryPolicy.
// seccomp.enabled is `seccomp_enabled` (the kernel has seccomp; the
// support is always built in); actions are those this kernel can apply,
// supportedFlags those it accepts, archs those libseccomp can build for.
// apparmor/selinux say whether support is compiled in, which it always is:
// the spec makes them unrelated to what the host has.
void describe_features(oci::Features::Linux& out, bool seccomp_enabled, const SeccompProbe& probe);
void describe_features(oci::Features::Linux& out);

}  // namespace rt::security
