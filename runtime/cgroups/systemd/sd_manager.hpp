// The systemd cgroup driver (--systemd-cgroup), built with libsystemd only.
#pragma once

#include <memory>

#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::cgroups::systemd {

Result<std::unique_ptr<Manager>> make_systemd_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                                      const Config& config);
Result<std::unique_ptr<Manager>> load_systemd_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                                      const Paths& paths);

}  // namespace rt::cgroups::systemd
