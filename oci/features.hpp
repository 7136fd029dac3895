// The runtime-spec features.md document ("ocirun features").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace oci {

struct Features {
  std::string oci_version_min = "1.0.0";
  std::string oci_version_max;
  std::vector<std::string> hooks;
  std::vector<std::string> mount_options;
  struct Linux {
    std::vector<std::string> namespaces;
    std::vector<std::string> capabilities;
    struct Cgroup {
      bool v1 = false, v2 = false, systemd = false, systemd_user = false, rdma = false;
    } cgroup;
    struct Seccomp {
      bool enabled = false;
      std::vector<std::string> actions, operators, archs, known_flags, supported_flags;
    } seccomp;
    bool apparmor = false;
    bool selinux = false;
    bool intel_rdt = false;
    std::optional<bool> intel_rdt_schemata, intel_rdt_monitoring;
    std::vector<std::string> memory_policy_modes, memory_policy_flags;
    bool idmap_mounts = false;
    bool net_devices = false;
  } linux;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> potentially_unsafe_config_annotations;
};

std::string to_json(const Features& features, int indent = 4);

}  // namespace oci
