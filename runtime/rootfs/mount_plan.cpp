#include "runtime/rootfs/mount_plan.hpp"

#include <sys/mount.h>

#include <algorithm>

#include "runtime/base/fs.hpp"

namespace rt::rootfs {
namespace {

bool has_namespace(const oci::Spec& s, const char* type, bool new_only) {
  if (!s.linux) return false;
  const oci::Namespace* ns = s.linux->find_namespace(type);
  return ns && (!new_only || ns->path.empty());
}

unsigned long propagation_flags(const std::string& name) {
  if (name == "private") return MS_PRIVATE;
  if (name == "rprivate") return MS_PRIVATE | MS_REC;
  if (name == "slave") return MS_SLAVE;
  if (name == "rslave") return MS_SLAVE | MS_REC;
  if (name == "shared") return MS_SHARED;
  if (name == "rshared") return MS_SHARED | MS_REC;
  if (name == "unbindable") return MS_UNBINDABLE;
  if (name == "runbindable") return MS_UNBINDABLE | MS_REC;
  return 0;
}

bool is_bind(const oci::Mount& m, const MountOptions& o) { return o.bind || m.type == "bind"; }

Result<MountOp> plan_mount(const oci::Spec& spec, const oci::Mount& m, size_t index, const PlanContext& ctx) {
  MountOp op;
  op.json_path = cat("$.mounts[", index, "]");
  TRY_ASSIGN(op.options, parse_mount_options(m.options));
  // A relative destination is deprecated: it means relative to "/".
  op.destination = fs::clean("/" + m.destination);
  op.fstype = m.type;
  op.uid_mappings = m.uid_mappings;
  op.gid_mappings = m.gid_mappings;
  if (op.destination == "/")
    return Err(0, op.json_path, ".destination: mounting over the container's root is not supported");
  if (is_bind(m, op.options)) {
    op.kind = MountKind::kBind;
    if (m.source.empty()) return Err(0, op.json_path, ".source: a bind mount needs a source");
    op.source = m.source.front() == '/' ? fs::clean(m.source) : fs::clean(fs::join(ctx.bundle, m.source));
    if (!op.uid_mappings.empty() || op.options.idmap) op.options.idmap = true;
    if (op.options.idmap && op.uid_mappings.empty() && op.gid_mappings.empty()) {
      // No maps of its own: the container's user namespace's.
      const oci::Namespace* user = spec.linux ? spec.linux->find_namespace("user") : nullptr;
      if (!user) return Err(0, op.json_path, ".options: idmap needs uidMappings and gidMappings or a user namespace");
      if (user->path.empty()) {
        op.uid_mappings = spec.linux->uid_mappings;
        op.gid_mappings = spec.linux->gid_mappings;
      } else {
        op.idmap_userns_path = user->path;
      }
    }
    return op;
  }
  if (!m.uid_mappings.empty() || op.options.idmap)
    return Err(0, op.json_path, ": id-mapped mounts are only supported for bind mounts");
  if (m.type.empty()) return Err(0, op.json_path, ".type: required for a mount that is not a bind mount");
  op.source = m.source.empty() ? m.type : m.source;
  if (m.type == "cgroup" || m.type == "cgroup2") {
    op.kind = MountKind::kCgroup;
    // The container must not reconfigure the host's cgroups: read-only
    // unless the config explicitly asks for "rw".
    if (std::find(m.options.begin(), m.options.end(), "rw") == m.options.end())
      op.options.attr_set |= MOUNT_ATTR_RDONLY;
    return op;
  }
  op.kind = MountKind::kFilesystem;
  if (m.type == "proc" || m.type == "sysfs") op.no_symlink_destination = true;
  // sysfs shows the network devices of the network namespace that mounts
  // it: sharing the host's network namespace means it must be read-only.
  if (m.type == "sysfs" && !has_namespace(spec, "network", false)) op.options.attr_set |= MOUNT_ATTR_RDONLY;
  if (m.type == "devpts") {
    // A private devpts instance, with a ptmx usable by everyone in it.
    for (const char* want : {"newinstance", "ptmxmode=0666"}) {
      const std::string key = std::string(want).substr(0, std::string(want).find('='));
      const bool present = std::any_of(op.options.data.begin(), op.options.data.end(),
                                       [&](const std::string& d) { return d.substr(0, d.find('=')) == key; });
      if (!present) op.options.data.emplace_back(want);
    }
  }
  return op;
}

// /dev/* defaults: the nodes, and the links runc and crun create.
void plan_dev(const oci::Spec& spec, Plan& plan) {
  const auto dev_mount = std::find_if(plan.mounts.begin(), plan.mounts.end(),
                                      [](const MountOp& m) { return m.destination == "/dev"; });
  // A bind of the host's /dev brings its own nodes: leave it alone.
  plan.setup_dev = dev_mount == plan.mounts.end() || dev_mount->kind != MountKind::kBind;
  if (plan.setup_dev) {
    plan.devices = default_devices();
    plan.symlinks = {{"/proc/self/fd", "/dev/fd"},
                     {"/proc/self/fd/0", "/dev/stdin"},
                     {"/proc/self/fd/1", "/dev/stdout"},
                     {"/proc/self/fd/2", "/dev/stderr"},
                     {"pts/ptmx", "/dev/ptmx"}};
    if (fs::exists("/proc/kcore")) plan.symlinks.push_back({"/proc/kcore", "/dev/core"});
  }
  if (!spec.linux) return;
  for (const auto& d : spec.linux->devices) {
    DeviceNode n;
    n.path = fs::clean(d.path);
    n.type = d.type == "u" ? 'c' : d.type.front();
    n.major = d.major;
    n.minor = d.minor;
    n.mode = d.file_mode.value_or(0666) & 07777;
    n.uid = d.uid.value_or(0);
    n.gid = d.gid.value_or(0);
    // A configured device replaces a default one at the same path.
    std::erase_if(plan.devices, [&](const DeviceNode& e) { return e.path == n.path; });
    plan.devices.push_back(n);
  }
}

}  // namespace

std::vector<int> Plan::inherited_fds() const {
  std::vector<int> fds;
  for (const MountOp& op : mounts)
    if (op.idmapped_tree && *op.idmapped_tree) fds.push_back(op.idmapped_tree->get());
  return fds;
}

std::vector<DeviceNode> default_devices() {
  return {
      {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
      {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
      {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
  };
}

Result<Plan> make_plan(const oci::Spec& spec, const std::string& rootfs, const PlanContext& ctx) {
  Plan plan;
  plan.rootfs = rootfs;
  plan.no_pivot = ctx.no_pivot;
  plan.readonly_root = spec.root && spec.root->readonly;
  plan.console = spec.process && spec.process->terminal;
  plan.own_mount_namespace = has_namespace(spec, "mount", false);
  // By default nothing the container mounts may propagate to the host.
  const std::string& prop = spec.linux ? spec.linux->rootfs_propagation : std::string();
  const unsigned long requested = propagation_flags(prop);
  // Applied to "/" of the container's mount namespace before anything is
  // mounted, as runc does: with "rshared" the copies of the host's shared
  // mounts stay peers of the host's, so that a volume bound from one carries
  // mounts made under it back to the host (Kubernetes' Bidirectional). The
  // container's own mounts stay off the host all the same: the mount holding
  // the rootfs is made private first (Mounter::prepare_root).
  plan.root_propagation = requested ? requested : MS_SLAVE | MS_REC;
  // Shared and unbindable modes again on the container's own "/" after
  // pivot_root (the rootfs is a private mount of its own until then).
  if (requested & (MS_SHARED | MS_UNBINDABLE)) plan.final_propagation = requested;
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    TRY_ASSIGN(auto op, plan_mount(spec, spec.mounts[i], i, ctx));
    plan.mounts.push_back(std::move(op));
  }
  plan_dev(spec, plan);
  plan.user_namespace = has_namespace(spec, "user", false);
  plan.bind_devices = plan.user_namespace;
  plan.cgroup_namespace = has_namespace(spec, "cgroup", true);
  if (spec.linux) {
    for (const auto& p : spec.linux->masked_paths) plan.masked_paths.push_back(fs::clean(p));
    for (const auto& p : spec.linux->readonly_paths) plan.readonly_paths.push_back(fs::clean(p));
  }
  return plan;
}

}  // namespace rt::rootfs
