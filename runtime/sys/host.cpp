#include "runtime/sys/host.hpp"

#include <unistd.h>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"

namespace rt::host {

int cap_last_cap() {
  static const int value = [] {
    auto text = fs::read_file("/proc/sys/kernel/cap_last_cap");
    if (!text) return 40;  // CAP_CHECKPOINT_RESTORE, the newest we know
    return parse_int<int>(trim(*text)).value_or(40);
  }();
  return value;
}

std::string_view proc_ns_name(std::string_view spec_type) {
  if (spec_type == "network") return "net";
  if (spec_type == "mount") return "mnt";
  return spec_type;
}

bool namespace_supported(std::string_view spec_type) {
  return ::access(cat("/proc/self/ns/", proc_ns_name(spec_type)).c_str(), F_OK) == 0;
}

bool seccomp_supported() {
  auto status = fs::read_file("/proc/self/status");
  return status && status->find("\nSeccomp:") != std::string::npos;
}

bool selinux_enabled() { return ::access("/sys/fs/selinux/enforce", F_OK) == 0; }

bool apparmor_enabled() {
  auto v = fs::read_file("/sys/module/apparmor/parameters/enabled");
  return v && trim(*v) == "Y";
}

}  // namespace rt::host
