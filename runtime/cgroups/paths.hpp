// PURE: where a container's cgroup lives, from linux.cgroupsPath.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::cgroups {

// The cgroup path inside each hierarchy, as runc resolves it:
//  - absolute: below each hierarchy's mount point;
//  - relative: below the runtime's own cgroup (from /proc/self/cgroup); on a
//    pure v2 host below its parent, since a cgroup with processes in it
//    cannot delegate controllers to children ("no internal processes");
//  - empty: "/ocirun/<id>".
// Returns hierarchy key ("" = unified) -> absolute directory.
Result<std::map<std::string, std::string>> resolve_dirs(const Layout& layout, const Config& config,
                                                        std::string_view proc_self_cgroup);

// The lexically cleaned cgroup path: ".." cannot climb out, "" stays "".
std::string clean_cgroup_path(std::string_view path);
// Checks an `exec --cgroup` sub-cgroup: relative, no "..", not empty.
Result<std::string> check_sub_cgroup(std::string_view sub);

// The systemd form "slice:prefix:name".
struct SystemdUnit {
  std::string slice;  // "system.slice"
  std::string unit;   // "ocirun-<id>.scope" (or a slice when name ends in ".slice")
  std::string path;   // cgroup path of the unit: "/system.slice/ocirun-<id>.scope"
};
Result<SystemdUnit> systemd_unit(const Config& config);
// "a-b.slice" -> "/a.slice/a-b.slice" (systemd's slice nesting); "-.slice" -> "/".
Result<std::string> expand_slice(std::string_view slice);

}  // namespace rt::cgroups
