// Constructors of the concrete managers (internal to runtime/cgroups; the
// rest of the runtime uses make_manager / load_manager).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::cgroups {

std::unique_ptr<Manager> make_v1_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                         std::map<std::string, std::string> dirs,
                                         std::map<std::string, std::string> created);
std::unique_ptr<Manager> make_v2_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout, std::string dir,
                                         std::map<std::string, std::string> created);

}  // namespace rt::cgroups
