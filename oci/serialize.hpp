// Encoding of oci:: types back to JSON: the inverse of parse.hpp. Optional
// members that are absent, and empty lists and maps, are omitted.
#pragma once

#include <string>

#include "oci/spec.hpp"

namespace oci {

std::string to_json(const Spec& spec, int indent = -1);
std::string to_json(const Process& process, int indent = -1);
std::string to_json(const Resources& resources, int indent = -1);

// runc's `spec` defaults: a busybox-friendly config with the default
// capabilities, masked and read-only paths, mounts and namespaces.
// rootless: a user namespace mapping the caller's uid/gid to root, no
// network namespace, /sys bind-mounted, no cgroup resources.
Spec default_spec(bool rootless, uint32_t host_uid = 0, uint32_t host_gid = 0);

}  // namespace oci
