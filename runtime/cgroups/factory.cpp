// make_manager / load_manager: pick the driver and the cgroupfs flavour.
#include "runtime/base/fs.hpp"
#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/managers.hpp"
#include "runtime/cgroups/paths.hpp"
#include "runtime/cgroups/systemd/properties.hpp"
#ifdef OCIRUN_HAVE_SYSTEMD
#include "runtime/cgroups/systemd/sd_manager.hpp"
#endif

namespace rt::cgroups {
namespace {

std::unique_ptr<Manager> make_fs_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                         std::map<std::string, std::string> dirs,
                                         std::map<std::string, std::string> created) {
  if (layout.mode == Mode::kUnified) return make_v2_manager(std::move(fs), layout, dirs.at(""), std::move(created));
  return make_v1_manager(std::move(fs), layout, std::move(dirs), std::move(created));
}

// Saved paths come from a state file: accept only directories strictly below
// the mount point of their own hierarchy on this host.
Result<> check_saved_dirs(const Layout& layout, const Paths& paths) {
  for (const auto& [key, dir] : paths.dirs) {
    const std::string mount = key.empty() ? layout.unified_mount : (layout.v1_mounts.count(key) ? layout.v1_mounts.at(key) : "");
    const bool wanted = key.empty() ? layout.mode != Mode::kLegacy : layout.mode != Mode::kUnified;
    if (mount.empty() || !wanted)
      return Err(EINVAL, "saved cgroup paths: hierarchy \"", key, "\" is not mounted here (was the host's cgroup layout changed?)");
    if (dir != fs::clean(dir) || dir.rfind(mount + "/", 0) != 0)
      return Err(EINVAL, "saved cgroup paths: ", dir, " is not below ", mount);
    auto c = paths.created.find(key);
    if (c != paths.created.end() && (c->second.rfind(mount + "/", 0) != 0 || dir.rfind(c->second, 0) != 0))
      return Err(EINVAL, "saved cgroup paths: ", c->second, " is not an ancestor of ", dir);
  }
  if (layout.mode != Mode::kLegacy && !paths.dirs.count(""))
    return Err(EINVAL, "saved cgroup paths: no directory in the unified hierarchy");
  return {};
}

}  // namespace

Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const Config& config, const HostEnv& env) {
  auto fs = env.fs ? env.fs : host_cgroupfs();
  if (config.systemd) {
    TRY(systemd::check_running(env.systemd_run_dir));
#ifdef OCIRUN_HAVE_SYSTEMD
    return systemd::make_systemd_manager(std::move(fs), layout, config);
#else
    return Err(ENOTSUP, "--systemd-cgroup: this ocirun was built without libsystemd, which the systemd driver needs");
#endif
  }
  std::string self = env.proc_self_cgroup;
  const bool relative = !config.cgroups_path.empty() && config.cgroups_path.front() != '/';
  if (relative && self.empty()) {
    TRY_ASSIGN(self, fs::read_file("/proc/self/cgroup"));
  }
  TRY_ASSIGN(auto dirs, resolve_dirs(layout, config, self));
  // The default parent ("/ocirun") belongs to the runtime, not to the
  // container that happened to make it: whichever container is deleted last
  // removes it (runc leaves such parents behind).
  std::map<std::string, std::string> created;
  if (config.cgroups_path.empty())
    for (const auto& [key, dir] : dirs) created[key] = dir.substr(0, dir.find_last_of('/'));
  return make_fs_manager(std::move(fs), layout, std::move(dirs), std::move(created));
}

Result<std::unique_ptr<Manager>> make_manager(const Layout& layout, const Config& config) {
  return make_manager(layout, config, HostEnv{});
}

Result<std::unique_ptr<Manager>> load_manager(const Layout& layout, const Paths& paths, const HostEnv& env) {
  TRY(check_saved_dirs(layout, paths));
  auto fs = env.fs ? env.fs : host_cgroupfs();
  if (paths.driver == "systemd") {
#ifdef OCIRUN_HAVE_SYSTEMD
    return systemd::load_systemd_manager(std::move(fs), layout, paths);
#else
    return Err(ENOTSUP, "the container uses the systemd cgroup driver, but this ocirun was built without libsystemd");
#endif
  }
  return make_fs_manager(std::move(fs), layout, paths.dirs, paths.created);
}

Result<std::unique_ptr<Manager>> load_manager(const Layout& layout, const Paths& paths) {
  return load_manager(layout, paths, HostEnv{});
}

}  // namespace rt::cgroups
