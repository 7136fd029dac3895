// systemd driver: the container's cgroup is a transient scope that systemd
// creates (Delegate=yes, resource properties, org.systemd.property.*); every
// resource is then also written through cgroupfs, as runc does, because
// systemd knows only part of them and rounds some (CPUQuota).
#include "runtime/cgroups/systemd/sd_manager.hpp"

#include <unistd.h>

#include <optional>

#include "runtime/base/log.hpp"
#include "runtime/cgroups/managers.hpp"
#include "runtime/cgroups/paths.hpp"
#include "runtime/cgroups/stats.hpp"
#include "runtime/cgroups/systemd/properties.hpp"
#include "runtime/cgroups/systemd/sd_bus.hpp"

namespace rt::cgroups::systemd {
namespace {

std::unique_ptr<Manager> make_inner(std::shared_ptr<CgroupFs> fs, const Layout& layout, const Paths& p) {
  if (layout.mode == Mode::kUnified) return make_v2_manager(std::move(fs), layout, p.dirs.at(""), p.created);
  return make_v1_manager(std::move(fs), layout, p.dirs, p.created);
}

class SystemdManager final : public Manager {
 public:
  SystemdManager(std::shared_ptr<CgroupFs> fs, Layout layout, Paths paths, SystemdUnit unit, Config config, bool started)
      : inner_(make_inner(std::move(fs), layout, paths)), v2_(layout.mode == Mode::kUnified), unit_(std::move(unit)),
        config_(std::move(config)), started_(started) {}

  Result<> create(const oci::Resources* resources) override {
    if (resources) resources_ = *resources;
    TRY(bus());
    // Translate now so a bad config fails before anything runs.
    TRY(unit_properties(getpid()));
    return {};
  }

  int clone_into_fd() const override { return -1; }  // the scope exists only once it has a process

  Result<> add_process(pid_t pid, const std::string& sub_cgroup) override {
    if (!started_) {
      TRY_ASSIGN(const auto props, unit_properties(pid));
      TRY_ASSIGN(Bus * b, bus());
      TRY(b->start_transient_unit(unit_.unit, props));
      started_ = true;
      // The hierarchies systemd does not manage, and every resource.
      const oci::Resources r = for_cgroupfs(resources_.value_or(oci::Resources{}));
      TRY(inner_->create(resources_ ? &r : nullptr));
    }
    return inner_->add_process(pid, sub_cgroup);
  }

  Result<> update(const oci::Resources& resources) override {
    TRY_ASSIGN(auto props, resource_properties(resources, v2_, version_.value_or(0)));
    if (!resources.devices.empty()) {
      TRY_ASSIGN(const auto rules, device_rules_from_oci(resources.devices));
      TRY_ASSIGN(const auto state, DeviceState::from_rules(rules));
      for (auto& p : device_properties(state)) props.push_back(std::move(p));
    }
    TRY_ASSIGN(Bus * b, bus());
    TRY(b->set_unit_properties(unit_.unit, props));
    return inner_->update(for_cgroupfs(resources));
  }

  Result<> freeze() override { return inner_->freeze(); }
  Result<> thaw() override { return inner_->thaw(); }
  Result<bool> frozen() const override { return inner_->frozen(); }
  Result<std::vector<pid_t>> pids() const override { return inner_->pids(); }
  Result<> signal_all(int sig) override { return inner_->signal_all(sig); }
  Result<Stats> stats() const override { return inner_->stats(); }
  Result<uint64_t> oom_kill_count() const override { return inner_->oom_kill_count(); }
  Result<std::unique_ptr<OomWatch>> watch_oom() const override { return inner_->watch_oom(); }

  Result<> destroy() override {
    std::optional<Error> stop_error;
    if (auto b = bus(); !b) stop_error = b.error();
    else if (auto r = (*b)->stop_unit(unit_.unit); !r) stop_error = r.error();
    TRY(inner_->destroy());  // what systemd did not create, and leftovers
    if (stop_error) return ErrFrom(std::move(*stop_error));
    return {};
  }

  Paths paths() const override {
    Paths p = inner_->paths();
    p.driver = "systemd";
    p.unit = unit_.unit;
    return p;
  }

 private:
  Result<Bus*> bus() {
    if (!bus_) {
      TRY_ASSIGN(Bus b, Bus::connect(config_.rootless));
      bus_.emplace(std::move(b));
      auto v = bus_->version();
      if (!v) log::warn("systemd version unknown (", v.error().to_string(), "): using the oldest property set");
      version_ = v ? *v : 0;
    }
    return &*bus_;
  }

  Result<std::vector<Property>> unit_properties(pid_t pid) const {
    auto props = scope_properties("ocirun container " + config_.id, unit_.slice, pid, v2_);
    if (resources_) {
      TRY_ASSIGN(auto res, resource_properties(*resources_, v2_, version_.value_or(0)));
      props.insert(props.end(), res.begin(), res.end());
      if (!resources_->devices.empty()) {
        TRY_ASSIGN(const auto rules, device_rules_from_oci(resources_->devices));
        TRY_ASSIGN(const auto state, DeviceState::from_rules(rules));
        for (auto& p : device_properties(state)) props.push_back(std::move(p));
      }
    }
    // Annotations last: they override what we derived.
    TRY_ASSIGN(auto extra, annotation_properties(config_.annotations));
    props.insert(props.end(), extra.begin(), extra.end());
    return props;
  }

  // cgroupfs must agree with what systemd was told (its quota is rounded).
  static oci::Resources for_cgroupfs(oci::Resources r) {
    if (r.cpu && r.cpu->quota && *r.cpu->quota > 0)
      r.cpu->quota = rounded_cpu_quota(*r.cpu->quota, r.cpu->period.value_or(100000));
    return r;
  }

  std::unique_ptr<Manager> inner_;
  bool v2_;
  SystemdUnit unit_;
  Config config_;
  bool started_;
  std::optional<oci::Resources> resources_;
  std::optional<Bus> bus_;
  std::optional<int> version_;
};

Result<Paths> unit_paths(const Layout& layout, const SystemdUnit& unit) {
  Config abs;
  abs.cgroups_path = unit.path;
  TRY_ASSIGN(auto dirs, resolve_dirs(layout, abs, ""));
  return Paths{"systemd", std::move(dirs), {}, unit.unit};
}

}  // namespace

Result<std::unique_ptr<Manager>> make_systemd_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                                      const Config& config) {
  TRY_ASSIGN(const SystemdUnit unit, systemd_unit(config));
  TRY_ASSIGN(const Paths paths, unit_paths(layout, unit));
  return std::unique_ptr<Manager>(std::make_unique<SystemdManager>(std::move(fs), layout, paths, unit, config, false));
}

Result<std::unique_ptr<Manager>> load_systemd_manager(std::shared_ptr<CgroupFs> fs, const Layout& layout,
                                                      const Paths& paths) {
  SystemdUnit unit;
  unit.unit = paths.unit;
  Config config;
  config.rootless = geteuid() != 0;
  return std::unique_ptr<Manager>(std::make_unique<SystemdManager>(std::move(fs), layout, paths, unit, config, true));
}

}  // namespace rt::cgroups::systemd
