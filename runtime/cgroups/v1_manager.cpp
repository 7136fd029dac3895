// cgroup v1 (legacy) and hybrid hosts: one directory per v1 hierarchy, plus,
// on hybrid hosts, the container's directory in the cgroup2 hierarchy (as
// runc does), which also gives us cgroup.kill and a complete process list.
#include <signal.h>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/fs_manager.hpp"
#include "runtime/cgroups/managers.hpp"
#include "runtime/cgroups/paths.hpp"
#include "runtime/cgroups/stats.hpp"

namespace rt::cgroups {
namespace {

class V1Manager final : public FsManager {
 public:
  using FsManager::FsManager;

  Result<> create(const oci::Resources* resources) override {
    for (const auto& [key, dir] : dirs_) {
      TRY(make_dirs(key, dir));
      if (key == "cpuset") TRY(init_cpuset(dir));
    }
    if (resources) TRY(apply(*resources));
    return {};
  }

  int clone_into_fd() const override { return -1; }  // the v1 hierarchies need add_process anyway

  Result<> add_process(pid_t pid, const std::string& sub_cgroup) override {
    std::string sub;
    if (!sub_cgroup.empty()) {
      TRY_ASSIGN(sub, check_sub_cgroup(sub_cgroup));
    }
    for (const auto& [key, dir] : dirs_) {
      const std::string target = sub.empty() ? dir : fs::join(dir, sub);
      if (!sub.empty()) {
        TRY(fs_->mkdir(target));
        if (key == "cpuset") TRY(init_cpuset(target));
      }
      TRY_CTX(fs_->write(fs::join(target, "cgroup.procs"), std::to_string(pid)), "adding process ", pid, " to ", target);
    }
    return {};
  }

  std::vector<std::string> self_join_files() const override {
    std::vector<std::string> files;
    for (const auto& [key, dir] : dirs_) {
      if (!key.empty()) files.push_back(fs::join(dir, "tasks"));  // "": the cgroup2 directory, no "tasks"
    }
    return files;
  }

  Result<> add_self_joined_process(pid_t pid) override {
    if (!has("")) return {};
    const std::string& dir = dirs_.at("");
    return with_context(fs_->write(fs::join(dir, "cgroup.procs"), std::to_string(pid)), "adding process ", pid,
                        " to ", dir);
  }

  Result<> update(const oci::Resources& resources) override { return apply(resources); }

  Result<> freeze() override {
    if (!has("freezer")) return freeze_unified(true);
    const std::string state = fs::join(dirs_.at("freezer"), "freezer.state");
    // A v1 freeze can stall in FREEZING while tasks keep forking: retry, and
    // thaw for a moment now and then so new children get caught too.
    for (int i = 0; i < 1000; ++i) {
      if (i % 50 == 49) {
        (void)fs_->write(state, "THAWED");
        sleep_ms(10);
      }
      TRY(fs_->write(state, "FROZEN"));
      TRY_ASSIGN(const std::string now, fs_->read(state));
      if (trim(now) == "FROZEN") return {};
      if (trim(now) != "FREEZING") {
        (void)fs_->write(state, "THAWED");
        return Err(EIO, "unexpected freezer state \"", std::string(trim(now)), "\" in ", state);
      }
    }
    (void)fs_->write(state, "THAWED");  // never leave it half frozen
    return Err(EBUSY, "could not freeze ", dirs_.at("freezer"), " (stuck in FREEZING)");
  }

  Result<> thaw() override {
    if (!has("freezer")) return freeze_unified(false);
    return fs_->write(fs::join(dirs_.at("freezer"), "freezer.state"), "THAWED");
  }

  Result<bool> frozen() const override {
    if (!has("freezer")) {
      if (!has("")) return false;
      TRY_ASSIGN(const std::string v, fs_->read(fs::join(dirs_.at(""), "cgroup.freeze")));
      return trim(v) == "1";
    }
    const std::string dir = dirs_.at("freezer");
    TRY_ASSIGN(const std::string state, fs_->read(fs::join(dir, "freezer.state")));
    if (trim(state) != "FROZEN") return false;
    // Frozen through an ancestor is not "paused" by us.
    auto self = fs_->read(fs::join(dir, "freezer.self_freezing"));
    return !self || trim(*self) == "1";
  }

  Result<> signal_all(int sig) override {
    if (sig == SIGKILL && has("") && fs_->exists(fs::join(dirs_.at(""), "cgroup.kill")))
      return fs_->write(fs::join(dirs_.at(""), "cgroup.kill"), "1");
    // Freeze first so nothing forks past the list, then thaw so that the
    // signals (SIGKILL included) are delivered.
    TRY_ASSIGN(const bool was_frozen, frozen());
    const bool froze = !was_frozen && freeze().has_value();
    auto procs = pids();
    Result<> r = procs ? kill_each(*procs, sig) : ErrFrom(procs.error());
    if (froze || (was_frozen && sig == SIGKILL)) TRY(thaw());
    return r;
  }

  Result<Stats> stats() const override { return read_v1_stats(*fs_, dirs_); }

  Result<uint64_t> oom_kill_count() const override {
    if (!has("memory")) return uint64_t{0};
    return read_oom_kills(*fs_, dirs_.at("memory"), false);
  }

 private:
  bool has(const std::string& key) const { return dirs_.count(key) != 0; }

  Result<> freeze_unified(bool on) {
    if (!has("")) return Err(ENODEV, "the freezer cgroup controller is not available on this host");
    TRY(fs_->write(fs::join(dirs_.at(""), "cgroup.freeze"), on ? "1" : "0"));
    return {};
  }

  // A new v1 cpuset has no cpus and no mems, and accepts no task until it
  // gets some: copy the parent's (after the parent got its own).
  Result<> init_cpuset(const std::string& dir) {
    const std::string mount = mount_of("cpuset");
    for (size_t pos = mount.size(); pos != std::string::npos;) {
      pos = dir.find('/', pos + 1);
      const std::string cur = dir.substr(0, pos), parent = cur.substr(0, cur.find_last_of('/'));
      for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        TRY_ASSIGN(const std::string mine, fs_->read(fs::join(cur, file)));
        if (!trim(mine).empty()) continue;
        TRY_ASSIGN(const std::string theirs, fs_->read(fs::join(parent, file)));
        TRY(fs_->write(fs::join(cur, file), std::string(trim(theirs))));
      }
    }
    return {};
  }

  HostFacts facts(const oci::Resources& r) const {
    HostFacts f;
    for (const auto& [key, mount] : layout_.v1_mounts) f.controllers.insert(key);
    if (has("")) {
      auto ctrls = fs_->read(fs::join(layout_.unified_mount, "cgroup.controllers"));
      if (ctrls)
        for (const std::string& c : words(*ctrls)) f.unified_controllers.insert(c);
    }
    if (has("memory")) {
      const std::string dir = dirs_.at("memory");
      f.memsw = fs_->exists(fs::join(dir, "memory.memsw.limit_in_bytes"));
      if (auto cur = fs_->read(fs::join(dir, "memory.limit_in_bytes")))
        f.memory_limit = parse_int<uint64_t>(trim(*cur));
    }
    if (has("blkio")) {
      f.blkio_weight = fs_->exists(fs::join(dirs_.at("blkio"), "blkio.weight"));
      f.blkio_leaf_weight = fs_->exists(fs::join(dirs_.at("blkio"), "blkio.leaf_weight"));
    }
    if (has("hugetlb") && !r.hugepage_limits.empty())
      f.hugetlb_rsvd = fs_->exists(
          fs::join(dirs_.at("hugetlb"), "hugetlb." + r.hugepage_limits.front().page_size + ".rsvd.limit_in_bytes"));
    return f;
  }

  Result<> apply_devices(const DeviceState& target) {
    const std::string dir = dirs_.at("devices");
    TRY_ASSIGN(const std::string list, fs_->read(fs::join(dir, "devices.list")));
    TRY_ASSIGN(const DeviceState current, DeviceState::from_v1_list(list));
    for (const DeviceRule& rule : target.transition_from(current))
      TRY_CTX(fs_->write(fs::join(dir, rule.allow ? "devices.allow" : "devices.deny"), rule.to_v1_string()),
              "$.linux.resources.devices");
    return {};
  }

  Result<> apply(const oci::Resources& r) {
    TRY_ASSIGN(const Plan plan, plan_v1(r, facts(r), has("")));
    log_warnings(plan);
    if (plan.devices) TRY(apply_devices(*plan.devices));
    std::vector<std::string> unified_ctrls;
    for (const Write& w : plan.writes)
      if (w.hierarchy.empty() && !w.controller.empty()) unified_ctrls.push_back(w.controller);
    if (has("")) TRY(enable_controllers(layout_.unified_mount, dirs_.at(""), unified_ctrls));
    return execute(plan, dirs_);
  }
};

}  // namespace

std::unique_ptr<Manager> make_v1_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                         std::map<std::string, std::string> dirs,
                                         std::map<std::string, std::string> created) {
  return std::make_unique<V1Manager>(std::move(fs), layout, std::move(dirs), std::move(created));
}

}  // namespace rt::cgroups
