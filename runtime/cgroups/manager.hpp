// Cgroup management: one interface, with cgroupfs v1, v2 (and hybrid) and
// systemd implementations chosen from the host layout and --systemd-cgroup.
//
// Lifecycle as the launcher drives it:
//   make_manager()      validates the config and resolves the directories
//   create()            before clone: directories exist, resources written
//   clone_into_fd()     v2: clone3(CLONE_INTO_CGROUP) puts init there at birth
//   add_process(pid)    otherwise (v1, hybrid, systemd, clone3 unavailable)
//   paths()             persist in state.json (to_json / paths_from_json)
//   destroy()           on delete and on any create failure
// Later commands rebuild the manager with load_manager() from the saved paths.
//
// The systemd driver can only start its scope once there is a process to put
// in it: create() checks and prepares, add_process() starts the scope and
// then writes the resources, and clone_into_fd() is always -1.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::cgroups {

enum class Mode { kUnified, kHybrid, kLegacy };

// Where the host mounts its cgroup hierarchies.
struct Layout {
  Mode mode = Mode::kUnified;
  std::string unified_mount;                     // cgroup2 mount point; empty if none
  std::map<std::string, std::string> v1_mounts;  // v1 controller ("memory", "name=systemd") -> mount point
  // The cgroup each mount shows as its root (mountinfo field 4), by the keys
  // above ("" = unified): "/" on a host, "/docker/<id>" inside a container.
  std::map<std::string, std::string> mount_roots;
};

// Reads /proc/self/mountinfo (or the given text, for tests).
Result<Layout> detect_layout();
Result<Layout> parse_layout(std::string_view mountinfo);
// Parses /proc/<pid>/cgroup: hierarchy key ("memory", "name=systemd"; ""
// for the unified hierarchy) -> cgroup path.
Result<std::map<std::string, std::string>> parse_proc_cgroup(std::string_view text);

struct Config {
  std::string id;            // container id: default path ("/ocirun/<id>") when cgroups_path is empty
  std::string cgroups_path;  // linux.cgroupsPath
  bool systemd = false;      // --systemd-cgroup
  bool rootless = false;     // ignore permission errors where runc would
  // The config's annotations: the systemd driver passes org.systemd.property.*
  // on to the unit.
  std::map<std::string, std::string> annotations;
};

// What a later command needs to rebuild the manager: every directory the
// container's cgroup occupies, by hierarchy ("" = unified), plus the driver.
struct Paths {
  std::string driver;                       // "cgroupfs" | "systemd"
  std::map<std::string, std::string> dirs;  // hierarchy key -> absolute cgroup directory
  // hierarchy key -> the topmost directory create() made (the container's
  // own directory or one of its ancestors): destroy() removes the empty
  // directories up to it and never one it did not create.
  std::map<std::string, std::string> created;
  std::string unit;  // systemd: the transient unit ("ocirun-<id>.scope")
};

nlohmann::json to_json(const Paths& paths);
Result<Paths> paths_from_json(const nlohmann::json& j);

struct Stats;  // see stats.hpp

// OOM notifications of a container's cgroup (`events`): poll fd() for
// POLLIN, then consume() says how many OOM events happened since the last
// call (0 for a spurious wakeup or the cgroup's removal).
class OomWatch {
 public:
  virtual ~OomWatch() = default;
  virtual int fd() const = 0;
  virtual Result<uint64_t> consume() = 0;
};

class Manager {
 public:
  virtual ~Manager() = default;

  // Creates the cgroup directories and writes the resources. Idempotent.
  // An empty resources->devices leaves device access as it is; otherwise the
  // rules replace it, applied in order on top of "deny all" (add
  // default_device_rules() first, as runc does).
  virtual Result<> create(const oci::Resources* resources) = 0;
  // An O_DIRECTORY fd of the unified cgroup for CLONE_INTO_CGROUP, or -1.
  virtual int clone_into_fd() const = 0;
  // Moves pid into every hierarchy (sub_cgroup: exec --cgroup, relative).
  virtual Result<> add_process(pid_t pid, const std::string& sub_cgroup = {}) = 0;
  // Files a single-threaded child still in the runtime's user namespace
  // may write "0" to, to move itself in: v1 "tasks". Moving oneself as one
  // thread skips the global lock (cgroup_threadgroup_rwsem) that a move by
  // pid takes for writing, and whose RCU grace period costs an isolated
  // start 8-16 ms of wall clock. Empty: the parent must call add_process.
  virtual std::vector<std::string> self_join_files() const { return {}; }
  // After the child wrote "0" to self_join_files(): what is left of
  // add_process (on hybrid hosts the cgroup2 directory).
  virtual Result<> add_self_joined_process(pid_t pid) { return add_process(pid); }
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
  // Usage counters for `events --stats`.
  virtual Result<Stats> stats() const = 0;
  // How many processes the kernel OOM-killed in the cgroup (0 when the
  // memory controller is absent): "container init was OOM-killed".
  virtual Result<uint64_t> oom_kill_count() const = 0;
  // Kernel OOM notifications: v1 an eventfd on memory.oom_control, v2
  // inotify on memory.events. Null without a memory controller.
  virtual Result<std::unique_ptr<OomWatch>> watch_oom() const = 0;
};

class CgroupFs;

// What the managers read from the host, injectable for tests.
struct HostEnv {
  std::shared_ptr<CgroupFs> fs;                         // null: the real cgroup filesystems
  std::string proc_self_cgroup;                         // empty: read /proc/self/cgroup when needed
  std::string systemd_run_dir = "/run/systemd/system";  // exists when systemd is PID 1 (sd_booted)
};

// A manager for a new container.
Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const Config& config);
Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const Config& config, const HostEnv& env);
// A manager for an existing container, from the paths saved at create time.
Result<std::unique_ptr<Manager>> load_manager(const Layout& layout, const Paths& paths);
Result<std::unique_ptr<Manager>> load_manager(const Layout& layout, const Paths& paths, const HostEnv& env);

}  // namespace rt::cgroups
