// cgroup v2 (unified): one directory; controllers enabled from the root down;
// devices through an eBPF program; freezing through cgroup.freeze.
#include <signal.h>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/bpf.hpp"
#include "runtime/cgroups/fs_manager.hpp"
#include "runtime/cgroups/managers.hpp"
#include "runtime/cgroups/paths.hpp"
#include "runtime/cgroups/stats.hpp"

namespace rt::cgroups {
namespace {

class V2Manager final : public FsManager {
 public:
  V2Manager(std::shared_ptr<CgroupFs> fs, Layout layout, std::string dir, std::map<std::string, std::string> created)
      : FsManager(std::move(fs), std::move(layout), {{"", dir}}, std::move(created)), dir_(std::move(dir)) {}

  Result<> create(const oci::Resources* resources) override {
    TRY(make_dirs("", dir_));
    // Like runc, enable every controller the host offers, so that a later
    // `update` can set what create did not.
    TRY_ASSIGN(const std::string root_ctrls, fs_->read(fs::join(mount_of(""), "cgroup.controllers")));
    TRY(enable_controllers(mount_of(""), dir_, words(root_ctrls)));
    if (resources) TRY(apply(*resources));
    TRY_ASSIGN(dir_fd_, fs_->open_dir(dir_));
    return {};
  }

  int clone_into_fd() const override { return dir_fd_.get(); }

  Result<> add_process(pid_t pid, const std::string& sub_cgroup) override {
    std::string target = dir_;
    if (!sub_cgroup.empty()) {
      TRY_ASSIGN(const std::string sub, check_sub_cgroup(sub_cgroup));
      target = fs::join(dir_, sub);
      TRY(fs_->mkdir(target));
    }
    TRY_CTX(fs_->write(fs::join(target, "cgroup.procs"), std::to_string(pid)), "adding process ", pid, " to ", target);
    return {};
  }

  Result<> update(const oci::Resources& resources) override { return apply(resources); }

  Result<> freeze() override {
    TRY(fs_->write(fs::join(dir_, "cgroup.freeze"), "1"));
    // The write only asks; cgroup.events says when every task has stopped.
    for (int i = 0; i < 500; ++i) {
      TRY_ASSIGN(const std::string events, fs_->read(fs::join(dir_, "cgroup.events")));
      if (parse_flat_keyed(events)["frozen"] == 1) return {};
      sleep_ms(i < 10 ? 1 : 10);
    }
    (void)fs_->write(fs::join(dir_, "cgroup.freeze"), "0");
    return Err(ETIMEDOUT, "the tasks of ", dir_, " did not stop after 5s");
  }

  Result<> thaw() override { return fs_->write(fs::join(dir_, "cgroup.freeze"), "0"); }

  Result<bool> frozen() const override {
    TRY_ASSIGN(const std::string v, fs_->read(fs::join(dir_, "cgroup.freeze")));
    return trim(v) == "1";
  }

  Result<> signal_all(int sig) override {
    const std::string kill_file = fs::join(dir_, "cgroup.kill");
    if (sig == SIGKILL && fs_->exists(kill_file)) return fs_->write(kill_file, "1");  // Linux 5.14+
    TRY_ASSIGN(const bool was_frozen, frozen());
    const bool froze = !was_frozen && freeze().has_value();
    auto procs = pids();
    Result<> r = procs ? kill_each(*procs, sig) : ErrFrom(procs.error());
    if (froze || (was_frozen && sig == SIGKILL)) TRY(thaw());
    return r;
  }

  Result<Stats> stats() const override { return read_v2_stats(*fs_, dir_); }
  Result<uint64_t> oom_kill_count() const override { return read_oom_kills(*fs_, dir_, true); }

 private:
  HostFacts facts(const oci::Resources& r) const {
    HostFacts f;
    // What this cgroup can use: the controllers its parent delegated.
    if (auto c = fs_->read(fs::join(dir_, "cgroup.controllers")))
      for (const std::string& w : words(*c)) f.controllers.insert(w);
    f.bfq_weight = fs_->exists(fs::join(dir_, "io.bfq.weight"));
    if (!r.hugepage_limits.empty())
      f.hugetlb_rsvd = fs_->exists(fs::join(dir_, "hugetlb." + r.hugepage_limits.front().page_size + ".rsvd.max"));
    if (r.memory && r.memory->check_before_update.value_or(false))
      if (auto cur = fs_->read(fs::join(dir_, "memory.current"))) f.memory_usage = parse_int<uint64_t>(trim(*cur));
    if (r.cpu && (r.cpu->quota.value_or(0) == 0 || r.cpu->period.value_or(0) == 0))
      if (auto cur = fs_->read(fs::join(dir_, "cpu.max"))) f.cpu_max = std::string(trim(*cur));
    return f;
  }

  Result<> apply(const oci::Resources& r) {
    TRY_ASSIGN(const Plan plan, plan_v2(r, facts(r)));
    log_warnings(plan);
    if (plan.devices)
      TRY_CTX(fs_->attach_device_filter(dir_, device_filter_program(*plan.devices)), "$.linux.resources.devices");
    return execute(plan, dirs_);
  }

  std::string dir_;
  UniqueFd dir_fd_;
};

}  // namespace

std::unique_ptr<Manager> make_v2_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout, std::string dir,
                                         std::map<std::string, std::string> created) {
  return std::make_unique<V2Manager>(std::move(fs), layout, std::move(dir), std::move(created));
}

}  // namespace rt::cgroups
