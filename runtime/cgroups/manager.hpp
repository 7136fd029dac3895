// Cgroup management: one interface, with cgroupfs v1, v2 (and hybrid) and
// systemd implementations chosen from the host layout and --systemd-cgroup.
//
// Lifecycle as the launcher drives it:
//   create()            before clone: directories exist, resources written
//   clone_into_fd()     v2: clone3(CLONE_INTO_CGROUP) puts init there at birth
//   add_process(pid)    otherwise (v1, hybrid, clone3 unavailable)
//   destroy()           on delete and on any create failure
// Later commands rebuild the manager from the paths saved in state.json.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::cgroups {

enum class Mode { kUnified, kHybrid, kLegacy };

// Where the host mounts its cgroup hierarchies.
struct Layout {
  Mode mode = Mode::kUnified;
  std::string unified_mount;                     // cgroup2 mount point; empty if none
  std::map<std::string, std::string> v1_mounts;  // v1 controller ("memory", "name=systemd") -> mount point
};

// Reads /proc/self/mountinfo (or the given text, for tests).
Result<Layout> detect_layout();
Result<Layout> parse_layout(std::string_view mountinfo);

struct Config {
  std::string id;            // container id: default path ("/ocirun/<id>") when cgroups_path is empty
  std::string cgroups_path;  // linux.cgroupsPath
  bool systemd = false;      // --systemd-cgroup
  bool rootless = false;     // ignore permission errors where runc would
};

// What a later command needs to rebuild the manager: every directory the
// container's cgroup occupies, by hierarchy ("" = unified), plus the driver.
struct Paths {
  std::string driver;                       // "cgroupfs" | "systemd"
  std::map<std::string, std::string> dirs;  // hierarchy key -> absolute cgroup directory
};

struct Stats;  // see stats.hpp

class Manager {
 public:
  virtual ~Manager() = default;

  // Creates the cgroup directories and writes the resources. Idempotent.
  virtual Result<> create(const oci::Resources* resources) = 0;
  // An O_DIRECTORY fd of the unified cgroup for CLONE_INTO_CGROUP, or -1.
  virtual int clone_into_fd() const = 0;
  // Moves pid into every hierarchy (sub_cgroup: exec --cgroup, relative).
  virtual Result<> add_process(pid_t pid, const std::string& sub_cgroup = {}) = 0;
  // Writes new resources (update).
  virtual Result<> update(const oci::Resources& resources) = 0;
  virtual Result<> freeze() = 0;
  virtual Result<> thaw() = 0;
  virtual Result<bool> frozen() const = 0;
  // Host pids of every process in the container's cgroup (recursively).
  virtual Result<std::vector<pid_t>> pids() const = 0;
  // Signals every process (kill --all); v2 SIGKILL uses cgroup.kill.
  virtual Result<> signal_all(int sig) = 0;
  // Removes every directory the container created; kills stragglers first.
  virtual Result<> destroy() = 0;
  virtual Paths paths() const = 0;
};

// A manager for a new container.
Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const Config& config);
// A manager for an existing container, from the paths saved at create time.
Result<std::unique_ptr<Manager>> load_manager(const Layout& layout, const Paths& paths);

}  // namespace rt::cgroups
