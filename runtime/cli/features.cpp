// ocirun features: the runtime-spec features document (features.md). It
// lists only what ocirun implements on this host.
#include <cstdio>

#include "oci/features.hpp"
#include "oci/names.hpp"
#include "oci/spec.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/rootfs/mount_options.hpp"
#include "runtime/security/features.hpp"

namespace rt::cli {
namespace {

oci::Features collect_features() {
  oci::Features f;
  f.oci_version_min = "1.0.0";
  f.oci_version_max = oci::kSpecVersion;
  // Every hook point runs, every namespace type can be created or joined.
  f.hooks.assign(oci::names::hook_kinds().begin(), oci::names::hook_kinds().end());
  f.linux.namespaces.assign(oci::names::namespace_types().begin(), oci::names::namespace_types().end());
  f.mount_options = rootfs::known_mount_options();
  // idmap/ridmap work with and without a user namespace (the runtime makes
  // the trees before clone); containerd and Kubernetes look for this.
  f.linux.idmap_mounts = true;
  // The cgroup managers built in (features-linux.md: whatever the host has).
  f.linux.cgroup.v1 = f.linux.cgroup.v2 = f.linux.cgroup.rdma = true;
#ifdef OCIRUN_HAVE_SYSTEMD
  f.linux.cgroup.systemd = f.linux.cgroup.systemd_user = true;  // sd-bus: system bus, or the user bus when rootless
#endif
  security::describe_features(f.linux);  // capabilities, seccomp, apparmor, selinux, memoryPolicy
  return f;
}

Result<int> run_features(const GlobalOptions&, const ParsedArgs&) {
  std::printf("%s\n", oci::to_json(collect_features()).c_str());
  return 0;
}

}  // namespace

extern const Command kFeaturesCommand{
    "features",
    "show the enabled features",
    "",
    "Prints the runtime-spec features document: what this build of ocirun supports on this host.",
    {},
    0,
    0,
    0,
    run_features,
};

}  // namespace rt::cli
