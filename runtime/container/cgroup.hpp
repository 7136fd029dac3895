// The container's cgroup as the lifecycle uses it: made at create from the
// config, rebuilt by later commands from the paths saved in state.json.
#pragma once

#include <memory>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/rootfs/mount_plan.hpp"

namespace rt::container {

struct ContainerCgroup {
  cgroups::Layout layout;
  std::unique_ptr<cgroups::Manager> manager;
};

// Creates the cgroup (directories and resources, devices included).
Result<ContainerCgroup> create_cgroup(const std::string& id, const oci::Spec& spec, bool systemd, bool rootless);
// The manager of an existing container; null when it has no cgroup.
Result<std::unique_ptr<cgroups::Manager>> load_cgroup(const ContainerState& state);

// The device rules the container gets: the config's, one allowing each
// linux.devices node, then the defaults every container needs (as runc).
std::vector<oci::DeviceCgroupRule> device_rules(const oci::Spec& spec);

// What a "cgroup" mount shows inside the container.
rootfs::CgroupView cgroup_view(const cgroups::Layout& layout, const cgroups::Paths& paths);

}  // namespace rt::container
