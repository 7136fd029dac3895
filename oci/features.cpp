#include "oci/features.hpp"

#include <nlohmann/json.hpp>

namespace oci {

std::string to_json(const Features& f, int indent) {
  using json = nlohmann::ordered_json;
  json j;
  j["ociVersionMin"] = f.oci_version_min;
  j["ociVersionMax"] = f.oci_version_max;
  j["hooks"] = f.hooks;
  j["mountOptions"] = f.mount_options;
  const auto& l = f.linux;
  json linux;
  linux["namespaces"] = l.namespaces;
  linux["capabilities"] = l.capabilities;
  linux["cgroup"] = {{"v1", l.cgroup.v1},
                     {"v2", l.cgroup.v2},
                     {"systemd", l.cgroup.systemd},
                     {"systemdUser", l.cgroup.systemd_user},
                     {"rdma", l.cgroup.rdma}};
  json seccomp = {{"enabled", l.seccomp.enabled}};
  if (l.seccomp.enabled) {
    seccomp["actions"] = l.seccomp.actions;
    seccomp["operators"] = l.seccomp.operators;
    seccomp["archs"] = l.seccomp.archs;
    seccomp["knownFlags"] = l.seccomp.known_flags;
    seccomp["supportedFlags"] = l.seccomp.supported_flags;
  }
  linux["seccomp"] = seccomp;
  linux["apparmor"] = {{"enabled", l.apparmor}};
  linux["selinux"] = {{"enabled", l.selinux}};
  json rdt = {{"enabled", l.intel_rdt}};
  if (l.intel_rdt_schemata) rdt["schemata"] = *l.intel_rdt_schemata;
  if (l.intel_rdt_monitoring) rdt["monitoring"] = *l.intel_rdt_monitoring;
  linux["intelRdt"] = rdt;
  if (!l.memory_policy_modes.empty())
    linux["memoryPolicy"] = {{"modes", l.memory_policy_modes}, {"flags", l.memory_policy_flags}};
  linux["mountExtensions"] = {{"idmap", {{"enabled", l.idmap_mounts}}}};
  linux["netDevices"] = {{"enabled", l.net_devices}};
  j["linux"] = linux;
  if (!f.annotations.empty()) {
    j["annotations"] = json::object();
    for (const auto& [k, v] : f.annotations) j["annotations"][k] = v;
  }
  if (!f.potentially_unsafe_config_annotations.empty())
    j["potentiallyUnsafeConfigAnnotations"] = f.potentially_unsafe_config_annotations;
  return j.dump(indent);
}

}  // namespace oci
