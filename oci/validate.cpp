#include "oci/validate.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "oci/names.hpp"

namespace oci {
namespace {

// Collects findings; paths are built by plain concatenation.
struct Findings {
  Issues issues;
  void error(std::string path, std::string message) {
    issues.push_back({std::move(path), std::move(message), Severity::kError});
  }
  void warning(std::string path, std::string message) {
    issues.push_back({std::move(path), std::move(message), Severity::kWarning});
  }
};

std::string idx(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }
std::string key(const std::string& base, const std::string& k) { return base + "[" + quote(k) + "]"; }

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }
bool is_absolute(std::string_view s) { return !s.empty() && s.front() == '/'; }

// execve and the path syscalls cannot carry a NUL byte: such a string would
// be silently truncated, so it is refused.
void check_no_nul(Findings& f, const std::string& path, std::string_view s) {
  if (has_nul(s)) f.error(path, "contains a NUL byte");
}

void check_no_nul(Findings& f, const std::string& path, const std::vector<std::string>& list) {
  for (size_t i = 0; i < list.size(); ++i) check_no_nul(f, idx(path, i), list[i]);
}

void check_absolute(Findings& f, const std::string& path, std::string_view value) {
  if (value.empty())
    f.error(path, "must not be empty");
  else if (!is_absolute(value))
    f.error(path, "must be an absolute path, got " + quote(value));
  else
    check_no_nul(f, path, value);
}

// value must be one of allowed; an empty value is reported as missing.
void check_one_of(Findings& f, const std::string& path, std::string_view value,
                  std::span<const std::string_view> allowed, const char* what) {
  if (value.empty())
    f.error(path, "is required");
  else if (!names::contains(allowed, value))
    f.error(path, std::string("unknown ") + what + " " + quote(value));
}

// ---- ociVersion --------------------------------------------------------------

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A SemVer 2.0 version whose major is 1: "1.2.0", "1.0.2-dev", "1.1.0+dev".
bool is_spec_1x_version(std::string_view v) {
  const auto cut = v.find_first_of("-+");
  const std::string_view core = v.substr(0, cut);
  if (cut != std::string_view::npos) {
    const std::string_view tail = v.substr(cut + 1);
    if (tail.empty()) return false;
    for (char c : tail)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+') return false;
  }
  const auto d1 = core.find('.');
  const auto d2 = core.find('.', d1 == std::string_view::npos ? d1 : d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos) return false;
  return core.substr(0, d1) == "1" && is_digits(core.substr(d1 + 1, d2 - d1 - 1)) &&
         is_digits(core.substr(d2 + 1));
}

void check_version(const Spec& s, Findings& f) {
  if (s.oci_version.empty())
    f.error("$.ociVersion", "is required");
  else if (!is_spec_1x_version(s.oci_version))
    f.error("$.ociVersion", "unsupported version " + quote(s.oci_version) + " (expected 1.x.y)");
}

void check_root(const Spec& s, Findings& f) {
  if (!s.root) return f.error("$.root", "is required");
  if (s.root->path.empty()) return f.error("$.root.path", "is required");
  check_no_nul(f, "$.root.path", s.root->path);
}

// ---- process -------------------------------------------------------------------

void check_env(Findings& f, const std::string& path, const std::vector<std::string>& env) {
  for (size_t i = 0; i < env.size(); ++i) {
    const auto& kv = env[i];
    const auto eq = kv.find('=');
    if (has_nul(kv))
      f.error(idx(path, i), "contains a NUL byte");
    else if (eq == std::string::npos)
      f.error(idx(path, i), "invalid environment variable " + quote(kv) + ": missing '='");
    else if (eq == 0)
      f.error(idx(path, i), "invalid environment variable " + quote(kv) + ": empty name");
  }
}

void check_capabilities(Findings& f, const std::string& path, const Capabilities& caps) {
  const std::pair<const char*, const std::vector<std::string>*> sets[] = {
      {"bounding", &caps.bounding},       {"effective", &caps.effective},
      {"inheritable", &caps.inheritable}, {"permitted", &caps.permitted},
      {"ambient", &caps.ambient}};
  for (const auto& [name, list] : sets) {
    for (size_t i = 0; i < list->size(); ++i) {
      if (!names::capability((*list)[i]))
        f.error(idx(path + "." + name, i), "unknown capability " + quote((*list)[i]));
    }
  }
}

void check_rlimits(Findings& f, const std::string& path, const std::vector<Rlimit>& rlimits) {
  std::set<std::string> seen;
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const auto& r = rlimits[i];
    const std::string p = idx(path, i);
    if (r.type.empty())
      f.error(p + ".type", "is required");
    else if (!names::rlimit(r.type))
      f.error(p + ".type", "unknown rlimit " + quote(r.type));
    else if (!seen.insert(r.type).second)
      f.error(p + ".type", "duplicate rlimit " + quote(r.type));
    if (r.soft > r.hard)
      f.error(p, "soft limit " + std::to_string(r.soft) + " exceeds hard limit " + std::to_string(r.hard));
  }
}

void check_scheduler(Findings& f, const std::string& path, const Scheduler& s) {
  check_one_of(f, path + ".policy", s.policy, names::scheduler_policies(), "scheduler policy");
  for (size_t i = 0; i < s.flags.size(); ++i)
    check_one_of(f, idx(path + ".flags", i), s.flags[i], names::scheduler_flags(), "scheduler flag");
  if (s.nice < -20 || s.nice > 19)
    f.error(path + ".nice", "must be in [-20, 19], got " + std::to_string(s.nice));
  const bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
  if (realtime && (s.priority < 1 || s.priority > 99))
    f.error(path + ".priority", "must be in [1, 99] for " + s.policy);
  if (!realtime && s.priority != 0)
    f.error(path + ".priority", "must be 0 for " + (s.policy.empty() ? std::string("this policy") : s.policy));
  if (s.policy != "SCHED_DEADLINE" && (s.runtime || s.deadline || s.period))
    f.error(path, "runtime, deadline and period are only valid with SCHED_DEADLINE");
}

void check_process(const Process& p, const std::string& base, Findings& f) {
  if (p.args.empty()) f.error(base + ".args", "must have at least one element");
  check_no_nul(f, base + ".args", p.args);
  check_env(f, base + ".env", p.env);
  check_absolute(f, base + ".cwd", p.cwd);
  if (p.capabilities) check_capabilities(f, base + ".capabilities", *p.capabilities);
  check_rlimits(f, base + ".rlimits", p.rlimits);
  if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
    f.error(base + ".oomScoreAdj", "must be in [-1000, 1000], got " + std::to_string(*p.oom_score_adj));
  if (p.scheduler) check_scheduler(f, base + ".scheduler", *p.scheduler);
  if (p.io_priority) {
    check_one_of(f, base + ".ioPriority.class", p.io_priority->klass, names::io_priority_classes(),
                 "I/O priority class");
    if (p.io_priority->priority < 0 || p.io_priority->priority > 7)
      f.error(base + ".ioPriority.priority", "must be in [0, 7], got " + std::to_string(p.io_priority->priority));
  }
  if (p.exec_cpu_affinity) {
    if (!p.exec_cpu_affinity->initial.empty() && !is_valid_cpu_list(p.exec_cpu_affinity->initial))
      f.error(base + ".execCPUAffinity.initial", "invalid cpu list " + quote(p.exec_cpu_affinity->initial));
    if (!p.exec_cpu_affinity->final.empty() && !is_valid_cpu_list(p.exec_cpu_affinity->final))
      f.error(base + ".execCPUAffinity.final", "invalid cpu list " + quote(p.exec_cpu_affinity->final));
  }
  check_no_nul(f, base + ".apparmorProfile", p.apparmor_profile);
  check_no_nul(f, base + ".selinuxLabel", p.selinux_label);
}

// ---- mounts and hooks ------------------------------------------------------------

void check_id_mappings(Findings& f, const std::string& path, const std::vector<IdMapping>& maps) {
  for (size_t i = 0; i < maps.size(); ++i)
    if (maps[i].size == 0) f.error(idx(path, i) + ".size", "must be greater than 0");
}

void check_mounts(const Spec& s, Findings& f) {
  const bool in_user_ns = s.linux && s.linux->find_namespace("user");
  for (size_t i = 0; i < s.mounts.size(); ++i) {
    const auto& m = s.mounts[i];
    const std::string p = idx("$.mounts", i);
    if (m.destination.empty()) {
      f.error(p + ".destination", "is required");
    } else if (!is_absolute(m.destination)) {
      f.warning(p + ".destination", "relative destination " + quote(m.destination) +
                                        " is deprecated; it is taken relative to /");
    }
    check_no_nul(f, p + ".destination", m.destination);
    check_no_nul(f, p + ".source", m.source);
    check_no_nul(f, p + ".type", m.type);
    check_no_nul(f, p + ".options", m.options);
    check_id_mappings(f, p + ".uidMappings", m.uid_mappings);
    check_id_mappings(f, p + ".gidMappings", m.gid_mappings);
    const bool idmap_opt = std::any_of(m.options.begin(), m.options.end(),
                                       [](const std::string& o) { return o == "idmap" || o == "ridmap"; });
    const bool has_maps = !m.uid_mappings.empty() || !m.gid_mappings.empty();
    if (has_maps && (m.uid_mappings.empty() || m.gid_mappings.empty()))
      f.error(p, "id-mapped mounts need both uidMappings and gidMappings");
    // Without mappings of its own, an idmap mount takes the container's user
    // namespace mapping (config.md); without a user namespace it has none.
    if (idmap_opt && !has_maps && !in_user_ns)
      f.error(p + ".options", "idmap needs uidMappings and gidMappings on the mount or a user namespace");
  }
}

void check_hooks(const Spec& s, Findings& f) {
  if (!s.hooks) return;
  const std::pair<const char*, const std::vector<Hook>*> kinds[] = {
      {"prestart", &s.hooks->prestart},
      {"createRuntime", &s.hooks->create_runtime},
      {"createContainer", &s.hooks->create_container},
      {"startContainer", &s.hooks->start_container},
      {"poststart", &s.hooks->poststart},
      {"poststop", &s.hooks->poststop}};
  for (const auto& [name, hooks] : kinds) {
    for (size_t i = 0; i < hooks->size(); ++i) {
      const auto& h = (*hooks)[i];
      const std::string p = idx(std::string("$.hooks.") + name, i);
      check_absolute(f, p + ".path", h.path);
      check_no_nul(f, p + ".args", h.args);
      check_env(f, p + ".env", h.env);
      if (h.timeout && *h.timeout <= 0)
        f.error(p + ".timeout", "must be greater than 0, got " + std::to_string(*h.timeout));
    }
  }
}

// ---- linux -----------------------------------------------------------------------

struct NamespaceView {
  const Linux* linux;
  bool has(const char* type) const { return linux && linux->find_namespace(type); }
  bool is_new(const char* type) const {
    const Namespace* ns = linux ? linux->find_namespace(type) : nullptr;
    return ns && ns->path.empty();
  }
};

void check_namespaces(const Linux& l, Findings& f) {
  std::set<std::string> seen;
  for (size_t i = 0; i < l.namespaces.size(); ++i) {
    const auto& ns = l.namespaces[i];
    const std::string p = idx("$.linux.namespaces", i);
    if (!names::is_namespace_type(ns.type)) {
      f.error(p + ".type", ns.type.empty() ? "is required" : "unknown namespace " + quote(ns.type));
      continue;
    }
    if (!seen.insert(ns.type).second) f.error(p + ".type", "duplicate namespace " + quote(ns.type));
    if (!ns.path.empty()) {
      if (!is_absolute(ns.path))
        f.error(p + ".path", "must be an absolute path, got " + quote(ns.path));
      check_no_nul(f, p + ".path", ns.path);
    }
  }
  const NamespaceView v{&l};
  const bool mappings = !l.uid_mappings.empty() || !l.gid_mappings.empty();
  if (!v.has("user") && mappings)
    f.error(l.uid_mappings.empty() ? "$.linux.gidMappings" : "$.linux.uidMappings",
            "id mappings need a user namespace in $.linux.namespaces");
  if (v.is_new("user") && l.uid_mappings.empty())
    f.error("$.linux.uidMappings", "is required when a new user namespace is created");
  else if (v.is_new("user") && l.gid_mappings.empty())
    f.error("$.linux.gidMappings", "is required when a new user namespace is created");
  check_id_mappings(f, "$.linux.uidMappings", l.uid_mappings);
  check_id_mappings(f, "$.linux.gidMappings", l.gid_mappings);

  if (!l.time_offsets.empty()) {
    if (!v.has("time"))
      f.error("$.linux.timeOffsets", "needs a time namespace in $.linux.namespaces");
    else if (!v.is_new("time"))
      f.error("$.linux.timeOffsets", "cannot be set when joining an existing time namespace");
    for (const auto& [clock, offset] : l.time_offsets) {
      if (clock != "monotonic" && clock != "boottime")
        f.error(key("$.linux.timeOffsets", clock), "unknown clock (expected \"monotonic\" or \"boottime\")");
      if (offset.nanosecs >= 1000000000u)
        f.error(key("$.linux.timeOffsets", clock) + ".nanosecs", "must be below 1000000000");
    }
  }
}

void check_annotations(const Spec& s, Findings& f) {
  if (s.annotations.contains("")) f.error("$.annotations[\"\"]", "key must not be empty");
}

void check_uts(const Spec& s, Findings& f) {
  const NamespaceView v{s.linux ? &*s.linux : nullptr};
  if (!s.hostname.empty() && !v.has("uts"))
    f.error("$.hostname", "cannot be set without a uts namespace in $.linux.namespaces");
  if (!s.domainname.empty() && !v.has("uts"))
    f.error("$.domainname", "cannot be set without a uts namespace in $.linux.namespaces");
  check_no_nul(f, "$.hostname", s.hostname);
  check_no_nul(f, "$.domainname", s.domainname);
}

// /proc/sys is only partly namespaced: a sysctl is accepted only when the
// container owns the namespace that scopes it (runc's rules).
void check_sysctl(const Linux& l, Findings& f) {
  static constexpr std::string_view kIpcKeys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                                  "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                                  "kernel.shmmni", "kernel.shm_rmid_forced"};
  const NamespaceView v{&l};
  for (const auto& [raw, value] : l.sysctl) {
    const std::string p = key("$.linux.sysctl", raw);
    std::string k = raw;
    // "net/ipv4/ip_forward" is the same key as "net.ipv4.ip_forward".
    if (auto sep = k.find_first_of("./"); sep != std::string::npos && k[sep] == '/')
      for (char& c : k) c = c == '/' ? '.' : (c == '.' ? '/' : c);
    if (has_nul(k) || has_nul(value) || k.empty()) {
      f.error(p, "invalid sysctl");
    } else if (names::contains(kIpcKeys, k) || k.starts_with("fs.mqueue.")) {
      if (!v.has("ipc")) f.error(p, "sysctl " + quote(k) + " is not allowed in the host's ipc namespace");
    } else if (k.starts_with("net.")) {
      if (!v.has("network")) f.error(p, "sysctl " + quote(k) + " is not allowed in the host's network namespace");
    } else if (k == "kernel.domainname" && v.has("uts")) {
    } else if (k == "kernel.hostname" && v.has("uts")) {
      f.error(p, "sysctl \"kernel.hostname\" conflicts with $.hostname; set the hostname there");
    } else if (k.starts_with("user.")) {
      if (!v.has("user")) f.error(p, "sysctl " + quote(k) + " is not allowed without a user namespace");
    } else {
      f.error(p, "sysctl " + quote(k) + " is not in a separate kernel namespace");
    }
  }
}

void check_paths_list(Findings& f, const std::string& path, const std::vector<std::string>& list) {
  for (size_t i = 0; i < list.size(); ++i) check_absolute(f, idx(path, i), list[i]);
}

void check_devices(const Linux& l, Findings& f) {
  for (size_t i = 0; i < l.devices.size(); ++i) {
    const auto& d = l.devices[i];
    const std::string p = idx("$.linux.devices", i);
    check_absolute(f, p + ".path", d.path);
    if (d.type.empty())
      f.error(p + ".type", "is required");
    else if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
      f.error(p + ".type", "unknown device type " + quote(d.type) + " (expected c, b, u or p)");
    if (d.major < 0 || d.minor < 0) f.error(p, "major and minor must not be negative");
    // Engines pass the host device's st_mode (podman: 020666 for a char
    // device); the file type bits are ignored, the node's type is d.type.
    if (d.file_mode && *d.file_mode > 0177777)
      f.error(p + ".fileMode", "must be a file mode (permission bits, optionally with the file type bits)");
  }
}

void check_device_rules(Findings& f, const std::string& path, const std::vector<DeviceCgroupRule>& rules) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string p = idx(path, i);
    if (!r.type.empty() && r.type != "a" && r.type != "c" && r.type != "b")
      f.error(p + ".type", "unknown device type " + quote(r.type) + " (expected a, c or b)");
    if (r.access.find_first_not_of("rwm") != std::string::npos)
      f.error(p + ".access", "invalid access " + quote(r.access) + " (expected letters from \"rwm\")");
  }
}

// Only SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry a return code; the spec
// requires an error when errnoRet is given with another action.
void check_errno_ret(Findings& f, const std::string& path, const std::optional<uint32_t>& errno_ret,
                     const std::string& action) {
  if (errno_ret && action != "SCMP_ACT_ERRNO" && action != "SCMP_ACT_TRACE")
    f.error(path, "is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + quote(action));
}

void check_seccomp(const Seccomp& s, Findings& f) {
  const std::string base = "$.linux.seccomp";
  check_one_of(f, base + ".defaultAction", s.default_action, names::seccomp_actions(), "seccomp action");
  if (s.default_action == "SCMP_ACT_NOTIFY")
    f.error(base + ".defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
  check_errno_ret(f, base + ".defaultErrnoRet", s.default_errno_ret, s.default_action);
  for (size_t i = 0; i < s.architectures.size(); ++i)
    check_one_of(f, idx(base + ".architectures", i), s.architectures[i], names::seccomp_architectures(),
                 "seccomp architecture");
  for (size_t i = 0; i < s.flags.size(); ++i)
    check_one_of(f, idx(base + ".flags", i), s.flags[i], names::seccomp_flags(), "seccomp flag");
  bool notify = false;
  for (size_t i = 0; i < s.syscalls.size(); ++i) {
    const auto& sc = s.syscalls[i];
    const std::string p = idx(base + ".syscalls", i);
    if (sc.names.empty()) f.error(p + ".names", "must have at least one element");
    for (size_t n = 0; n < sc.names.size(); ++n)
      if (sc.names[n].empty() || has_nul(sc.names[n])) f.error(idx(p + ".names", n), "invalid syscall name");
    check_one_of(f, p + ".action", sc.action, names::seccomp_actions(), "seccomp action");
    check_errno_ret(f, p + ".errnoRet", sc.errno_ret, sc.action);
    notify = notify || sc.action == "SCMP_ACT_NOTIFY";
    for (size_t a = 0; a < sc.args.size(); ++a) {
      const std::string ap = idx(p + ".args", a);
      if (sc.args[a].index > 5) f.error(ap + ".index", "must be in [0, 5], got " + std::to_string(sc.args[a].index));
      check_one_of(f, ap + ".op", sc.args[a].op, names::seccomp_operators(), "seccomp operator");
    }
  }
  if (notify && s.listener_path.empty())
    f.error(base + ".listenerPath", "is required when a syscall uses SCMP_ACT_NOTIFY");
  if (!s.listener_path.empty()) check_absolute(f, base + ".listenerPath", s.listener_path);
  if (!s.listener_metadata.empty() && s.listener_path.empty())
    f.error(base + ".listenerMetadata", "must not be set without listenerPath");
}

void check_cgroups_path(const Linux& l, const ValidateOptions& o, Findings& f) {
  const std::string& cp = l.cgroups_path;
  check_no_nul(f, "$.linux.cgroupsPath", cp);
  if (!o.systemd_cgroup || cp.empty()) return;
  const auto c1 = cp.find(':');
  const auto c2 = c1 == std::string::npos ? c1 : cp.find(':', c1 + 1);
  if (c1 == std::string::npos || c2 == std::string::npos || cp.find(':', c2 + 1) != std::string::npos)
    f.error("$.linux.cgroupsPath", "expected \"slice:prefix:name\" with --systemd-cgroup, got " + quote(cp));
}

// set_mempolicy(2): MPOL_DEFAULT and MPOL_LOCAL take no nodes, the modes that
// choose among nodes need at least one, MPOL_PREFERRED accepts both.
void check_memory_policy_nodes(const MemoryPolicy& m, Findings& f) {
  const std::string path = "$.linux.memoryPolicy.nodes";
  if (!m.nodes.empty() && !is_valid_cpu_list(m.nodes))
    f.error(path, "invalid node list " + quote(m.nodes));
  else if (!m.nodes.empty() && (m.mode == "MPOL_DEFAULT" || m.mode == "MPOL_LOCAL"))
    f.error(path, "must be empty for " + m.mode);
  else if (m.nodes.empty() && (m.mode == "MPOL_BIND" || m.mode == "MPOL_INTERLEAVE" ||
                               m.mode == "MPOL_WEIGHTED_INTERLEAVE" || m.mode == "MPOL_PREFERRED_MANY"))
    f.error(path, "must name at least one node for " + m.mode);
}

void check_intel_rdt(const IntelRdt& r, Findings& f) {
  const std::string base = "$.linux.intelRdt";
  // A directory name under the resctrl root; "/" is the spec's name for the root (default CLOS).
  const auto& clos = r.clos_id;
  if (clos == "." || clos == ".." || (clos.size() > 1 && clos.find('/') != std::string::npos) || has_nul(clos))
    f.error(base + ".closID", "invalid closID " + quote(clos));
  // Each value becomes lines of the schemata file: a newline would inject another line.
  auto check_line = [&](const std::string& path, const std::string& v) {
    if (v.find_first_of("\n\r") != std::string::npos || has_nul(v)) f.error(path, "must be a single line");
  };
  check_line(base + ".l3CacheSchema", r.l3_cache_schema);
  check_line(base + ".memBwSchema", r.mem_bw_schema);
  if (!r.mem_bw_schema.empty() && !r.mem_bw_schema.starts_with("MB:"))
    f.error(base + ".memBwSchema", "must start with \"MB:\", got " + quote(r.mem_bw_schema));
  for (size_t i = 0; i < r.schemata.size(); ++i) check_line(idx(base + ".schemata", i), r.schemata[i]);
}

void check_misc_linux(const Linux& l, Findings& f) {
  if (!l.rootfs_propagation.empty())
    check_one_of(f, "$.linux.rootfsPropagation", l.rootfs_propagation, names::rootfs_propagations(),
                 "rootfs propagation");
  if (l.personality)
    check_one_of(f, "$.linux.personality.domain", l.personality->domain, names::personality_domains(),
                 "personality domain");
  if (l.memory_policy) {
    check_one_of(f, "$.linux.memoryPolicy.mode", l.memory_policy->mode, names::memory_policy_modes(),
                 "memory policy mode");
    for (size_t i = 0; i < l.memory_policy->flags.size(); ++i)
      check_one_of(f, idx("$.linux.memoryPolicy.flags", i), l.memory_policy->flags[i],
                   names::memory_policy_flags(), "memory policy flag");
    check_memory_policy_nodes(*l.memory_policy, f);
  }
  if (l.intel_rdt) check_intel_rdt(*l.intel_rdt, f);
  const NamespaceView v{&l};
  if (!l.net_devices.empty() && !v.has("network"))
    f.error("$.linux.netDevices", "needs a network namespace in $.linux.namespaces");
  auto valid_ifname = [](const std::string& n) {
    return !n.empty() && n.size() < 16 && n != "." && n != ".." && n.find_first_of("/: ") == std::string::npos &&
           !has_nul(n);
  };
  for (const auto& [name, dev] : l.net_devices) {
    if (!valid_ifname(name)) f.error(key("$.linux.netDevices", name), "invalid network device name");
    if (!dev.name.empty() && !valid_ifname(dev.name))
      f.error(key("$.linux.netDevices", name) + ".name", "invalid network device name " + quote(dev.name));
  }
  if ((!l.masked_paths.empty() || !l.readonly_paths.empty()) && !v.has("mount"))
    f.error("$.linux", "maskedPaths and readonlyPaths need a mount namespace");
}

void check_resources(const Resources& r, const std::string& base, Findings& f) {
  check_device_rules(f, base + ".devices", r.devices);
  if (r.cpu) {
    if (!r.cpu->cpus.empty() && !is_valid_cpu_list(r.cpu->cpus))
      f.error(base + ".cpu.cpus", "invalid cpu list " + quote(r.cpu->cpus));
    if (!r.cpu->mems.empty() && !is_valid_cpu_list(r.cpu->mems))
      f.error(base + ".cpu.mems", "invalid node list " + quote(r.cpu->mems));
  }
  if (r.cpu && r.cpu->burst && r.cpu->quota && *r.cpu->quota > 0 &&
      *r.cpu->burst > static_cast<uint64_t>(*r.cpu->quota))
    f.error(base + ".cpu.burst", "must not exceed quota " + std::to_string(*r.cpu->quota) + ", got " +
                                     std::to_string(*r.cpu->burst));
  if (r.memory) {
    const auto& m = *r.memory;
    if (m.swappiness && *m.swappiness > 100)
      f.error(base + ".memory.swappiness", "must be in [0, 100], got " + std::to_string(*m.swappiness));
    // swap is the memory+swap limit (cgroup v1 semantics), so it cannot be below limit.
    if (m.limit && m.swap && *m.limit > 0 && *m.swap > 0 && *m.swap < *m.limit)
      f.error(base + ".memory.swap", "memory+swap limit " + std::to_string(*m.swap) + " is below memory limit " +
                                         std::to_string(*m.limit));
  }
  if (r.block_io) {
    auto check_weight = [&](const std::string& p, const std::optional<uint16_t>& w) {
      if (w && *w != 0 && (*w < 10 || *w > 1000)) f.error(p, "must be in [10, 1000], got " + std::to_string(*w));
    };
    check_weight(base + ".blockIO.weight", r.block_io->weight);
    check_weight(base + ".blockIO.leafWeight", r.block_io->leaf_weight);
    for (size_t i = 0; i < r.block_io->weight_device.size(); ++i) {
      const auto& wd = r.block_io->weight_device[i];
      const std::string p = idx(base + ".blockIO.weightDevice", i);
      if (!wd.weight && !wd.leaf_weight) f.error(p, "needs weight or leafWeight");
      check_weight(p + ".weight", wd.weight);
      check_weight(p + ".leafWeight", wd.leaf_weight);
    }
  }
  for (const auto& [dev, limits] : r.rdma) {
    if (!limits.hca_handles && !limits.hca_objects)
      f.error(key(base + ".rdma", dev), "needs hcaHandles or hcaObjects");
  }
  for (const auto& [k, v] : r.unified) {
    if (k.empty() || k.find('/') != std::string::npos || k.find('.') == std::string::npos || has_nul(k))
      f.error(key(base + ".unified", k), "invalid cgroup v2 file name");
    else
      check_no_nul(f, key(base + ".unified", k), v);
  }
}

void check_linux(const Spec& s, const ValidateOptions& o, Findings& f) {
  if (!s.linux) return;
  const Linux& l = *s.linux;
  check_namespaces(l, f);
  check_sysctl(l, f);
  check_paths_list(f, "$.linux.maskedPaths", l.masked_paths);
  check_paths_list(f, "$.linux.readonlyPaths", l.readonly_paths);
  check_devices(l, f);
  if (l.resources) check_resources(*l.resources, "$.linux.resources", f);
  if (l.seccomp) check_seccomp(*l.seccomp, f);
  check_cgroups_path(l, o, f);
  check_misc_linux(l, f);
}

}  // namespace

bool is_valid_cpu_list(std::string_view list) {
  // "0-3,7,9-10": comma-separated numbers or ascending ranges, no spaces.
  if (list.empty()) return false;
  size_t pos = 0;
  while (pos <= list.size()) {
    const size_t end = std::min(list.find(',', pos), list.size());
    const std::string_view item = list.substr(pos, end - pos);
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!is_digits(item) || item.size() > 9) return false;
    } else {
      const auto lo = item.substr(0, dash), hi = item.substr(dash + 1);
      if (!is_digits(lo) || !is_digits(hi) || lo.size() > 9 || hi.size() > 9) return false;
      if (std::stoul(std::string(lo)) > std::stoul(std::string(hi))) return false;
    }
    if (end == list.size()) return true;
    pos = end + 1;
  }
  return false;
}

Issues validate(const Spec& spec, const ValidateOptions& options) {
  Findings f;
  check_version(spec, f);
  check_root(spec, f);
  if (spec.process) check_process(*spec.process, "$.process", f);
  check_mounts(spec, f);
  check_hooks(spec, f);
  check_annotations(spec, f);
  check_uts(spec, f);
  check_linux(spec, options, f);
  return std::move(f.issues);
}

Issues validate_process(const Process& process) {
  Findings f;
  check_process(process, "$", f);
  return std::move(f.issues);
}

Issues validate_resources(const Resources& resources) {
  Findings f;
  check_resources(resources, "$", f);
  return std::move(f.issues);
}

}  // namespace oci
