#include "runtime/container/cgroup.hpp"

#include <optional>

#include "runtime/base/fs.hpp"
#include "runtime/cgroups/devices.hpp"

namespace rt::container {

std::vector<oci::DeviceCgroupRule> device_rules(const oci::Spec& spec) {
  std::vector<oci::DeviceCgroupRule> rules;
  if (spec.linux && spec.linux->resources) rules = spec.linux->resources->devices;
  if (spec.linux) {
    for (const auto& d : spec.linux->devices) {
      if (d.type == "p") continue;  // fifos are not device-controlled
      rules.push_back({true, d.type == "u" ? "c" : d.type, d.major, d.minor, "rwm"});
    }
  }
  for (auto& r : cgroups::default_device_rules()) rules.push_back(std::move(r));
  return rules;
}

Result<ContainerCgroup> create_cgroup(const std::string& id, const oci::Spec& spec, bool systemd, bool rootless) {
  ContainerCgroup cg;
  TRY_ASSIGN(cg.layout, cgroups::detect_layout());
  cgroups::Config config;
  config.id = id;
  config.cgroups_path = spec.linux ? spec.linux->cgroups_path : std::string();
  config.systemd = systemd;
  config.rootless = rootless;
  config.annotations = spec.annotations;
  TRY_ASSIGN(cg.manager, cgroups::make_manager(cg.layout, config));
  oci::Resources resources = spec.linux && spec.linux->resources ? *spec.linux->resources : oci::Resources{};
  resources.devices = device_rules(spec);
  if (auto r = cg.manager->create(&resources); !r) {
    (void)cg.manager->destroy();
    return ErrFrom(std::move(r).error());
  }
  return cg;
}

Result<std::unique_ptr<cgroups::Manager>> load_cgroup(const ContainerState& state) {
  if (state.cgroup.dirs.empty()) return std::unique_ptr<cgroups::Manager>();
  // `list` loads every container's cgroup: /proc/self/mountinfo is read
  // once per process, not once per container (a third of list's time).
  static std::optional<cgroups::Layout> host_layout;
  if (!host_layout) {
    TRY_ASSIGN(auto layout, cgroups::detect_layout());
    host_layout = std::move(layout);
  }
  return cgroups::load_manager(*host_layout, state.cgroup);
}

rootfs::CgroupView cgroup_view(const cgroups::Layout& layout, const cgroups::Paths& paths) {
  rootfs::CgroupView view;
  view.unified_only = layout.mode == cgroups::Mode::kUnified;
  if (auto it = paths.dirs.find(""); it != paths.dirs.end()) view.unified_dir = it->second;
  // v1: one directory per mount; controllers mounted together share it.
  std::map<std::string, rootfs::CgroupView::Hierarchy> by_mount;
  for (const auto& [key, mount] : layout.v1_mounts) {
    auto dir = paths.dirs.find(key);
    if (dir == paths.dirs.end() || view.unified_only) continue;
    auto& h = by_mount[mount];
    h.name = mount.substr(mount.rfind('/') + 1);
    h.dir = dir->second;
    const std::string opt = key.rfind("name=", 0) == 0 ? "none," + key : key;
    h.options = h.options.empty() ? opt : h.options + "," + opt;
  }
  for (auto& [mount, h] : by_mount) view.v1.push_back(std::move(h));
  return view;
}

}  // namespace rt::container
