// linux.sysctl, written inside the container after pivot_root: only to the
// container's own procfs (no symlink followed, the filesystem checked).
#pragma once

#include <map>
#include <string>

#include "runtime/base/error.hpp"

namespace rt::process {

Result<> apply_sysctls(const std::map<std::string, std::string>& sysctls);

// "net.ipv4.ip_forward" and "net/ipv4/ip_forward" -> "net/ipv4/ip_forward".
std::string sysctl_path(const std::string& key);

}  // namespace rt::process
