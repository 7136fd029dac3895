// Semantic checks of a decoded config, independent of the host.
//
// validate() runs a list of small checks (one per concern, like runc's
// validator) and returns every finding with its JSON path. Errors make the
// runtime refuse the config before it touches the system; warnings are
// logged. Host-dependent checks (does the rootfs exist, does the kernel have
// this capability) live in the runtime, not here.
#pragma once

#include "oci/issue.hpp"
#include "oci/spec.hpp"

namespace oci {

struct ValidateOptions {
  bool systemd_cgroup = false;  // cgroupsPath must then be "slice:prefix:name"
};

Issues validate(const Spec& spec, const ValidateOptions& options = {});

// Checks for an exec process.json: the subset of checks that apply to a
// process alone (args, cwd, env, capabilities, rlimits, ...), paths rooted at "$".
Issues validate_process(const Process& process);

// Checks for a resources document (update --resources), rooted at "$".
Issues validate_resources(const Resources& resources);

// Syntax of a cpu list such as "0-3,7" (used for cpus, mems, affinity).
bool is_valid_cpu_list(std::string_view list);

}  // namespace oci
