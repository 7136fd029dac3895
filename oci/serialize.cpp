#include "oci/serialize.hpp"

#include <nlohmann/json.hpp>

namespace oci {
namespace {

using json = nlohmann::ordered_json;

json enc(const std::string& v) { return v; }
json enc(bool v) { return v; }
template <class I>
  requires std::is_integral_v<I>
json enc(I v) {
  return v;
}

// Declared up front: the templates below call them for nested members.
json enc(const IdMapping&);
json enc(const ConsoleSize&);
json enc(const User&);
json enc(const Capabilities&);
json enc(const Rlimit&);
json enc(const Scheduler&);
json enc(const IoPriority&);
json enc(const CpuAffinity&);
json enc(const Process&);
json enc(const Root&);
json enc(const Mount&);
json enc(const Hook&);
json enc(const Hooks&);
json enc(const Namespace&);
json enc(const TimeOffset&);
json enc(const Device&);
json enc(const DeviceCgroupRule&);
json enc(const MemoryResources&);
json enc(const CpuResources&);
json enc(const PidsResources&);
json enc(const BlockIoWeightDevice&);
json enc(const BlockIoThrottleDevice&);
json enc(const BlockIoResources&);
json enc(const HugepageLimit&);
json enc(const InterfacePriority&);
json enc(const NetworkResources&);
json enc(const RdmaResources&);
json enc(const Resources&);
json enc(const SeccompArg&);
json enc(const SeccompSyscall&);
json enc(const Seccomp&);
json enc(const IntelRdt&);
json enc(const MemoryPolicy&);
json enc(const Personality&);
json enc(const NetDevice&);
json enc(const Linux&);
json enc(const Spec&);
template <class T>
json enc(const std::vector<T>& list);
template <class T>
json enc(const std::map<std::string, T>& m);

// Skips what the spec marks omitempty: absent optionals, empty strings,
// lists and maps, false booleans.
template <class T>
void put(json& j, const char* key, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (v.empty()) return;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v) return;
  }
  j[key] = enc(v);
}
template <class T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = enc(*v);
}
template <class T>
void put(json& j, const char* key, const std::vector<T>& v) {
  if (!v.empty()) j[key] = enc(v);
}
template <class T>
void put(json& j, const char* key, const std::map<std::string, T>& v) {
  if (!v.empty()) j[key] = enc(v);
}
// Always written, even when zero/empty (required members).
template <class T>
void put_required(json& j, const char* key, const T& v) {
  j[key] = enc(v);
}

json enc(const IdMapping& m) {
  return json{{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}};
}
json enc(const ConsoleSize& b) { return json{{"height", b.height}, {"width", b.width}}; }

json enc(const User& u) {
  json j;
  put_required(j, "uid", u.uid);
  put_required(j, "gid", u.gid);
  put(j, "umask", u.umask);
  put(j, "additionalGids", u.additional_gids);
  return j;
}

json enc(const Capabilities& c) {
  json j = json::object();
  put(j, "bounding", c.bounding);
  put(j, "effective", c.effective);
  put(j, "inheritable", c.inheritable);
  put(j, "permitted", c.permitted);
  put(j, "ambient", c.ambient);
  return j;
}

json enc(const Rlimit& r) { return json{{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}}; }

json enc(const Scheduler& s) {
  json j;
  put_required(j, "policy", s.policy);
  if (s.nice) j["nice"] = s.nice;
  if (s.priority) j["priority"] = s.priority;
  put(j, "flags", s.flags);
  if (s.runtime) j["runtime"] = s.runtime;
  if (s.deadline) j["deadline"] = s.deadline;
  if (s.period) j["period"] = s.period;
  return j;
}

json enc(const IoPriority& p) { return json{{"class", p.klass}, {"priority", p.priority}}; }

json enc(const CpuAffinity& a) {
  json j = json::object();
  put(j, "initial", a.initial);
  put(j, "final", a.final);
  return j;
}

json enc(const Process& p) {
  json j;
  put(j, "terminal", p.terminal);
  put(j, "consoleSize", p.console_size);
  put_required(j, "user", p.user);
  put(j, "args", p.args);
  put(j, "env", p.env);
  put_required(j, "cwd", p.cwd);
  put(j, "capabilities", p.capabilities);
  put(j, "rlimits", p.rlimits);
  put(j, "noNewPrivileges", p.no_new_privileges);
  put(j, "apparmorProfile", p.apparmor_profile);
  put(j, "oomScoreAdj", p.oom_score_adj);
  put(j, "scheduler", p.scheduler);
  put(j, "selinuxLabel", p.selinux_label);
  put(j, "ioPriority", p.io_priority);
  put(j, "execCPUAffinity", p.exec_cpu_affinity);
  return j;
}

json enc(const Root& r) {
  json j;
  put_required(j, "path", r.path);
  put(j, "readonly", r.readonly);
  return j;
}

json enc(const Mount& m) {
  json j;
  put_required(j, "destination", m.destination);
  put(j, "type", m.type);
  put(j, "source", m.source);
  put(j, "options", m.options);
  put(j, "uidMappings", m.uid_mappings);
  put(j, "gidMappings", m.gid_mappings);
  return j;
}

json enc(const Hook& h) {
  json j;
  put_required(j, "path", h.path);
  put(j, "args", h.args);
  put(j, "env", h.env);
  put(j, "timeout", h.timeout);
  return j;
}

json enc(const Hooks& h) {
  json j = json::object();
  put(j, "prestart", h.prestart);
  put(j, "createRuntime", h.create_runtime);
  put(j, "createContainer", h.create_container);
  put(j, "startContainer", h.start_container);
  put(j, "poststart", h.poststart);
  put(j, "poststop", h.poststop);
  return j;
}

json enc(const Namespace& n) {
  json j;
  put_required(j, "type", n.type);
  put(j, "path", n.path);
  return j;
}

json enc(const TimeOffset& t) {
  json j = json::object();
  if (t.secs) j["secs"] = t.secs;
  if (t.nanosecs) j["nanosecs"] = t.nanosecs;
  return j;
}

json enc(const Device& d) {
  json j;
  put_required(j, "path", d.path);
  put_required(j, "type", d.type);
  put_required(j, "major", d.major);
  put_required(j, "minor", d.minor);
  put(j, "fileMode", d.file_mode);
  put(j, "uid", d.uid);
  put(j, "gid", d.gid);
  return j;
}

json enc(const DeviceCgroupRule& r) {
  json j;
  put_required(j, "allow", r.allow);
  put(j, "type", r.type);
  put(j, "major", r.major);
  put(j, "minor", r.minor);
  put(j, "access", r.access);
  return j;
}

json enc(const MemoryResources& m) {
  json j = json::object();
  put(j, "limit", m.limit);
  put(j, "reservation", m.reservation);
  put(j, "swap", m.swap);
  put(j, "kernel", m.kernel);
  put(j, "kernelTCP", m.kernel_tcp);
  put(j, "swappiness", m.swappiness);
  put(j, "disableOOMKiller", m.disable_oom_killer);
  put(j, "useHierarchy", m.use_hierarchy);
  put(j, "checkBeforeUpdate", m.check_before_update);
  return j;
}

json enc(const CpuResources& c) {
  json j = json::object();
  put(j, "shares", c.shares);
  put(j, "quota", c.quota);
  put(j, "burst", c.burst);
  put(j, "period", c.period);
  put(j, "realtimeRuntime", c.realtime_runtime);
  put(j, "realtimePeriod", c.realtime_period);
  put(j, "cpus", c.cpus);
  put(j, "mems", c.mems);
  put(j, "idle", c.idle);
  return j;
}

json enc(const PidsResources& p) {
  json j = json::object();
  put(j, "limit", p.limit);
  return j;
}

json enc(const BlockIoWeightDevice& w) {
  json j{{"major", w.major}, {"minor", w.minor}};
  put(j, "weight", w.weight);
  put(j, "leafWeight", w.leaf_weight);
  return j;
}

json enc(const BlockIoThrottleDevice& t) { return json{{"major", t.major}, {"minor", t.minor}, {"rate", t.rate}}; }

json enc(const BlockIoResources& b) {
  json j = json::object();
  put(j, "weight", b.weight);
  put(j, "leafWeight", b.leaf_weight);
  put(j, "weightDevice", b.weight_device);
  put(j, "throttleReadBpsDevice", b.throttle_read_bps_device);
  put(j, "throttleWriteBpsDevice", b.throttle_write_bps_device);
  put(j, "throttleReadIOPSDevice", b.throttle_read_iops_device);
  put(j, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
  return j;
}

json enc(const HugepageLimit& h) { return json{{"pageSize", h.page_size}, {"limit", h.limit}}; }
json enc(const InterfacePriority& p) { return json{{"name", p.name}, {"priority", p.priority}}; }

json enc(const NetworkResources& n) {
  json j = json::object();
  put(j, "classID", n.class_id);
  put(j, "priorities", n.priorities);
  return j;
}

json enc(const RdmaResources& r) {
  json j = json::object();
  put(j, "hcaHandles", r.hca_handles);
  put(j, "hcaObjects", r.hca_objects);
  return j;
}

json enc(const Resources& r) {
  json j = json::object();
  put(j, "devices", r.devices);
  put(j, "memory", r.memory);
  put(j, "cpu", r.cpu);
  put(j, "pids", r.pids);
  put(j, "blockIO", r.block_io);
  put(j, "hugepageLimits", r.hugepage_limits);
  put(j, "network", r.network);
  put(j, "rdma", r.rdma);
  put(j, "unified", r.unified);
  return j;
}

json enc(const SeccompArg& a) {
  json j{{"index", a.index}, {"value", a.value}};
  if (a.value_two) j["valueTwo"] = a.value_two;
  j["op"] = a.op;
  return j;
}

json enc(const SeccompSyscall& s) {
  json j;
  put_required(j, "names", s.names);
  put_required(j, "action", s.action);
  put(j, "errnoRet", s.errno_ret);
  put(j, "args", s.args);
  return j;
}

json enc(const Seccomp& s) {
  json j;
  put_required(j, "defaultAction", s.default_action);
  put(j, "defaultErrnoRet", s.default_errno_ret);
  put(j, "architectures", s.architectures);
  put(j, "flags", s.flags);
  put(j, "listenerPath", s.listener_path);
  put(j, "listenerMetadata", s.listener_metadata);
  put(j, "syscalls", s.syscalls);
  return j;
}

json enc(const IntelRdt& r) {
  json j = json::object();
  put(j, "closID", r.clos_id);
  put(j, "schemata", r.schemata);
  put(j, "l3CacheSchema", r.l3_cache_schema);
  put(j, "memBwSchema", r.mem_bw_schema);
  put(j, "enableMonitoring", r.enable_monitoring);
  return j;
}

json enc(const MemoryPolicy& m) {
  json j;
  put_required(j, "mode", m.mode);
  put(j, "nodes", m.nodes);
  put(j, "flags", m.flags);
  return j;
}

json enc(const Personality& p) {
  json j;
  put_required(j, "domain", p.domain);
  put(j, "flags", p.flags);
  return j;
}

json enc(const NetDevice& n) {
  json j = json::object();
  put(j, "name", n.name);
  return j;
}

json enc(const Linux& l) {
  json j = json::object();
  put(j, "uidMappings", l.uid_mappings);
  put(j, "gidMappings", l.gid_mappings);
  put(j, "sysctl", l.sysctl);
  put(j, "resources", l.resources);
  put(j, "cgroupsPath", l.cgroups_path);
  put(j, "namespaces", l.namespaces);
  put(j, "devices", l.devices);
  put(j, "netDevices", l.net_devices);
  put(j, "seccomp", l.seccomp);
  put(j, "rootfsPropagation", l.rootfs_propagation);
  put(j, "maskedPaths", l.masked_paths);
  put(j, "readonlyPaths", l.readonly_paths);
  put(j, "mountLabel", l.mount_label);
  put(j, "intelRdt", l.intel_rdt);
  put(j, "memoryPolicy", l.memory_policy);
  put(j, "personality", l.personality);
  put(j, "timeOffsets", l.time_offsets);
  return j;
}

json enc(const Spec& s) {
  json j;
  put_required(j, "ociVersion", s.oci_version);
  put(j, "process", s.process);
  put(j, "root", s.root);
  put(j, "hostname", s.hostname);
  put(j, "domainname", s.domainname);
  put(j, "mounts", s.mounts);
  put(j, "hooks", s.hooks);
  put(j, "annotations", s.annotations);
  put(j, "linux", s.linux);
  return j;
}

template <class T>
json enc(const std::vector<T>& list) {
  json j = json::array();
  for (const auto& e : list) j.push_back(enc(e));
  return j;
}

template <class T>
json enc(const std::map<std::string, T>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = enc(v);
  return j;
}

std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string to_json(const Spec& spec, int indent) { return dump(enc(spec), indent); }
std::string to_json(const Process& process, int indent) { return dump(enc(process), indent); }
std::string to_json(const Resources& resources, int indent) { return dump(enc(resources), indent); }

Spec default_spec(bool rootless, uint32_t host_uid, uint32_t host_gid) {
  Spec s;
  s.oci_version = kSpecVersion;
  Process p;
  p.terminal = true;
  p.args = {"sh"};
  p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
  p.cwd = "/";
  const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  // No ambient set: without the inheritable set the kernel would refuse it.
  p.capabilities = Capabilities{caps, caps, {}, caps, {}};
  p.rlimits = {Rlimit{"RLIMIT_NOFILE", 1024, 1024}};
  p.no_new_privileges = true;
  s.process = p;
  s.root = Root{"rootfs", true};
  s.hostname = "ocirun";
  s.mounts = {
      {"/proc", "proc", "proc", {}, {}, {}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}, {}, {}},
      {"/dev/pts", "devpts", "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}, {}, {}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}, {}, {}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}, {}, {}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}, {}, {}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}, {}, {}},
  };
  Linux l;
  l.resources = Resources{};
  l.resources->devices = {DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"}};
  l.namespaces = {{"pid", ""}, {"network", ""}, {"ipc", ""}, {"uts", ""}, {"mount", ""}, {"cgroup", ""}};
  l.masked_paths = {"/proc/acpi",          "/proc/asound",     "/proc/kcore",     "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                    "/sys/firmware",       "/proc/scsi",       "/sys/devices/virtual/powercap"};
  l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  if (rootless) {
    // Without privileges: own user namespace, no network namespace (no way
    // to configure one), /sys bound from the host, no resources.
    std::erase_if(l.namespaces, [](const Namespace& n) { return n.type == "network"; });
    l.namespaces.push_back({"user", ""});
    l.uid_mappings = {IdMapping{0, host_uid, 1}};
    l.gid_mappings = {IdMapping{0, host_gid, 1}};
    l.resources.reset();
    for (auto& m : s.mounts) {
      if (m.destination == "/sys") {
        m = Mount{"/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}, {}, {}};
      } else if (m.destination == "/dev/pts") {
        std::erase(m.options, "gid=5");
      }
    }
    std::erase_if(s.mounts, [](const Mount& m) { return m.destination == "/sys/fs/cgroup"; });
  }
  s.linux = std::move(l);
  return s;
}

}  // namespace oci
