// Facts about the running kernel and host, read from procfs and sysfs.
#pragma once

#include <string>
#include <string_view>

namespace rt::host {

// Highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap).
int cap_last_cap();
// "network" -> "net", "mount" -> "mnt"; other spec names are the proc names.
std::string_view proc_ns_name(std::string_view spec_type);
// The kernel supports this namespace type (/proc/self/ns/<name> exists).
bool namespace_supported(std::string_view spec_type);
bool seccomp_supported();
bool selinux_enabled();
bool apparmor_enabled();

}  // namespace rt::host
