// The seam between the cgroup managers and the kernel's cgroup filesystems.
//
// Managers never touch files directly: they go through CgroupFs, so unit tests
// can run them against a fake tree in a temp dir (a real cgroupfs creates the
// control files on mkdir and lets rmdir remove a directory full of them; a
// test double does the same with regular files).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/cgroups/bpf.hpp"

namespace rt::cgroups {

class CgroupFs {
 public:
  virtual ~CgroupFs() = default;

  virtual Result<std::string> read(const std::string& path) const;
  // One write(2) of value to an existing file (cgroupfs wants that).
  virtual Result<> write(const std::string& path, const std::string& value);
  virtual bool exists(const std::string& path) const;
  // mkdir(2) of one directory; true when it was created, false when it existed.
  virtual Result<bool> mkdir(const std::string& path);
  // rmdir(2) of one (empty of sub-cgroups) directory; ENOENT is success.
  virtual Result<> rmdir(const std::string& path);
  // Names of the sub-directories (child cgroups) of path.
  virtual Result<std::vector<std::string>> child_dirs(const std::string& path) const;
  // An O_DIRECTORY fd for CLONE_INTO_CGROUP.
  virtual Result<UniqueFd> open_dir(const std::string& path) const;
  // cgroup v2: replaces the device filter attached to the cgroup at path.
  virtual Result<> attach_device_filter(const std::string& path, const BpfProgram& program);
};

// The real cgroup filesystems.
std::shared_ptr<CgroupFs> host_cgroupfs();

}  // namespace rt::cgroups
