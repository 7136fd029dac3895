#include "oci/parse.hpp"

#include <cmath>
#include <concepts>
#include <limits>
#include <nlohmann/json.hpp>

namespace oci {
namespace {

using json = nlohmann::json;

// Thrown inside this file only; parse_* turns it into an Issue.
struct DecodeFailure {
  Issue issue;
};

// Tracks the JSON path of the value being decoded.
class Decoder {
 public:
  [[noreturn]] void fail(std::string message) const {
    throw DecodeFailure{Issue{path_, std::move(message)}};
  }
  [[noreturn]] void wrong_type(const char* expected, const json& j) const {
    fail(std::string("expected ") + expected + ", got " + j.type_name());
  }

  // Runs f on obj[key] with the path extended; absent and null members are
  // skipped (Go's encoding/json, which runc uses, treats null as absent).
  template <class F>
  void member(const json& obj, std::string_view key, F&& f) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return;
    const size_t len = path_.size();
    path_ += '.';
    path_ += key;
    f(*it);
    path_.resize(len);
  }

  template <class F>
  void elements(const json& arr, F&& f) {
    if (!arr.is_array()) wrong_type("array", arr);
    const size_t len = path_.size();
    size_t i = 0;
    for (const auto& e : arr) {
      path_ += '[';
      path_ += std::to_string(i++);
      path_ += ']';
      f(e);
      path_.resize(len);
    }
  }

  template <class F>
  void entries(const json& obj, F&& f) {
    if (!obj.is_object()) wrong_type("object", obj);
    const size_t len = path_.size();
    for (const auto& [key, value] : obj.items()) {
      path_ += '[';
      path_ += quote(key);
      path_ += ']';
      f(key, value);
      path_.resize(len);
    }
  }

  void expect_object(const json& j) const {
    if (!j.is_object()) wrong_type("object", j);
  }

 private:
  std::string path_ = "$";
};

void read(Decoder& d, const json& j, std::string& out) {
  if (!j.is_string()) d.wrong_type("string", j);
  out = j.get_ref<const std::string&>();
}

void read(Decoder& d, const json& j, bool& out) {
  if (!j.is_boolean()) d.wrong_type("boolean", j);
  out = j.get<bool>();
}

template <class I>
  requires std::integral<I> && (!std::same_as<I, bool>)
void read(Decoder& d, const json& j, I& out) {
  using Limits = std::numeric_limits<I>;
  auto out_of_range = [&](const std::string& got) {
    d.fail("expected integer in [" + std::to_string(Limits::min()) + ", " +
           std::to_string(Limits::max()) + "], got " + got);
  };
  if (j.is_number_unsigned()) {
    const auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(Limits::max())) out_of_range(std::to_string(v));
    out = static_cast<I>(v);
  } else if (j.is_number_integer()) {
    const auto v = j.get<int64_t>();
    if (v < 0 && !Limits::is_signed) out_of_range(std::to_string(v));
    if constexpr (Limits::is_signed) {
      if (v < static_cast<int64_t>(Limits::min()) || v > static_cast<int64_t>(Limits::max()))
        out_of_range(std::to_string(v));
    } else {
      if (static_cast<uint64_t>(v) > static_cast<uint64_t>(Limits::max()))
        out_of_range(std::to_string(v));
    }
    out = static_cast<I>(v);
  } else if (j.is_number_float()) {
    // nlohmann stores integers beyond 64 bits as doubles: those are out of
    // range for every field; 1.5, 1.0 and 1e3 are not integers (as in Go).
    const double v = j.get<double>();
    if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) >= 0x1p63) out_of_range(j.dump());
    if (std::isfinite(v) && std::trunc(v) == v)
      d.fail("expected integer without fraction or exponent, got " + j.dump());
    d.fail("expected integer, got fractional number " + j.dump());
  } else {
    d.wrong_type("integer", j);
  }
}

template <class T>
void read(Decoder& d, const json& j, std::optional<T>& out) {
  read(d, j, out.emplace());
}

template <class T>
void read(Decoder& d, const json& j, std::vector<T>& out) {
  out.clear();
  d.elements(j, [&](const json& e) { read(d, e, out.emplace_back()); });
}

template <class T>
void read(Decoder& d, const json& j, std::map<std::string, T>& out) {
  out.clear();
  d.entries(j, [&](const std::string& key, const json& v) { read(d, v, out[key]); });
}

template <class T>
void field(Decoder& d, const json& obj, std::string_view key, T& out) {
  d.member(obj, key, [&](const json& v) { read(d, v, out); });
}

// ---- struct decoders -------------------------------------------------------

void read(Decoder& d, const json& j, IdMapping& m) {
  d.expect_object(j);
  field(d, j, "containerID", m.container_id);
  field(d, j, "hostID", m.host_id);
  field(d, j, "size", m.size);
}

void read(Decoder& d, const json& j, ConsoleSize& b) {
  d.expect_object(j);
  field(d, j, "height", b.height);
  field(d, j, "width", b.width);
}

void read(Decoder& d, const json& j, User& u) {
  d.expect_object(j);
  field(d, j, "uid", u.uid);
  field(d, j, "gid", u.gid);
  field(d, j, "umask", u.umask);
  field(d, j, "additionalGids", u.additional_gids);
}

void read(Decoder& d, const json& j, Capabilities& c) {
  d.expect_object(j);
  field(d, j, "bounding", c.bounding);
  field(d, j, "effective", c.effective);
  field(d, j, "inheritable", c.inheritable);
  field(d, j, "permitted", c.permitted);
  field(d, j, "ambient", c.ambient);
}

void read(Decoder& d, const json& j, Rlimit& r) {
  d.expect_object(j);
  field(d, j, "type", r.type);
  field(d, j, "hard", r.hard);
  field(d, j, "soft", r.soft);
}

void read(Decoder& d, const json& j, Scheduler& s) {
  d.expect_object(j);
  field(d, j, "policy", s.policy);
  field(d, j, "nice", s.nice);
  field(d, j, "priority", s.priority);
  field(d, j, "flags", s.flags);
  field(d, j, "runtime", s.runtime);
  field(d, j, "deadline", s.deadline);
  field(d, j, "period", s.period);
}

void read(Decoder& d, const json& j, IoPriority& p) {
  d.expect_object(j);
  field(d, j, "class", p.klass);
  field(d, j, "priority", p.priority);
}

void read(Decoder& d, const json& j, CpuAffinity& a) {
  d.expect_object(j);
  field(d, j, "initial", a.initial);
  field(d, j, "final", a.final);
}

void read(Decoder& d, const json& j, Process& p) {
  d.expect_object(j);
  field(d, j, "terminal", p.terminal);
  field(d, j, "consoleSize", p.console_size);
  field(d, j, "user", p.user);
  field(d, j, "args", p.args);
  field(d, j, "env", p.env);
  field(d, j, "cwd", p.cwd);
  field(d, j, "capabilities", p.capabilities);
  field(d, j, "rlimits", p.rlimits);
  field(d, j, "noNewPrivileges", p.no_new_privileges);
  field(d, j, "apparmorProfile", p.apparmor_profile);
  field(d, j, "oomScoreAdj", p.oom_score_adj);
  field(d, j, "scheduler", p.scheduler);
  field(d, j, "selinuxLabel", p.selinux_label);
  field(d, j, "ioPriority", p.io_priority);
  field(d, j, "execCPUAffinity", p.exec_cpu_affinity);
}

void read(Decoder& d, const json& j, Root& r) {
  d.expect_object(j);
  field(d, j, "path", r.path);
  field(d, j, "readonly", r.readonly);
}

void read(Decoder& d, const json& j, Mount& m) {
  d.expect_object(j);
  field(d, j, "destination", m.destination);
  field(d, j, "type", m.type);
  field(d, j, "source", m.source);
  field(d, j, "options", m.options);
  field(d, j, "uidMappings", m.uid_mappings);
  field(d, j, "gidMappings", m.gid_mappings);
}

void read(Decoder& d, const json& j, Hook& h) {
  d.expect_object(j);
  field(d, j, "path", h.path);
  field(d, j, "args", h.args);
  field(d, j, "env", h.env);
  field(d, j, "timeout", h.timeout);
}

void read(Decoder& d, const json& j, Hooks& h) {
  d.expect_object(j);
  field(d, j, "prestart", h.prestart);
  field(d, j, "createRuntime", h.create_runtime);
  field(d, j, "createContainer", h.create_container);
  field(d, j, "startContainer", h.start_container);
  field(d, j, "poststart", h.poststart);
  field(d, j, "poststop", h.poststop);
}

void read(Decoder& d, const json& j, Namespace& n) {
  d.expect_object(j);
  field(d, j, "type", n.type);
  field(d, j, "path", n.path);
}

void read(Decoder& d, const json& j, TimeOffset& t) {
  d.expect_object(j);
  field(d, j, "secs", t.secs);
  field(d, j, "nanosecs", t.nanosecs);
}

void read(Decoder& d, const json& j, Device& dev) {
  d.expect_object(j);
  field(d, j, "path", dev.path);
  field(d, j, "type", dev.type);
  field(d, j, "major", dev.major);
  field(d, j, "minor", dev.minor);
  field(d, j, "fileMode", dev.file_mode);
  field(d, j, "uid", dev.uid);
  field(d, j, "gid", dev.gid);
}

void read(Decoder& d, const json& j, DeviceCgroupRule& r) {
  d.expect_object(j);
  field(d, j, "allow", r.allow);
  field(d, j, "type", r.type);
  field(d, j, "major", r.major);
  field(d, j, "minor", r.minor);
  field(d, j, "access", r.access);
}

void read(Decoder& d, const json& j, MemoryResources& m) {
  d.expect_object(j);
  field(d, j, "limit", m.limit);
  field(d, j, "reservation", m.reservation);
  field(d, j, "swap", m.swap);
  field(d, j, "kernel", m.kernel);
  field(d, j, "kernelTCP", m.kernel_tcp);
  field(d, j, "swappiness", m.swappiness);
  field(d, j, "disableOOMKiller", m.disable_oom_killer);
  field(d, j, "useHierarchy", m.use_hierarchy);
  field(d, j, "checkBeforeUpdate", m.check_before_update);
}

void read(Decoder& d, const json& j, CpuResources& c) {
  d.expect_object(j);
  field(d, j, "shares", c.shares);
  field(d, j, "quota", c.quota);
  field(d, j, "burst", c.burst);
  field(d, j, "period", c.period);
  field(d, j, "realtimeRuntime", c.realtime_runtime);
  field(d, j, "realtimePeriod", c.realtime_period);
  field(d, j, "cpus", c.cpus);
  field(d, j, "mems", c.mems);
  field(d, j, "idle", c.idle);
}

void read(Decoder& d, const json& j, PidsResources& p) {
  d.expect_object(j);
  field(d, j, "limit", p.limit);
}

void read(Decoder& d, const json& j, BlockIoWeightDevice& w) {
  d.expect_object(j);
  field(d, j, "major", w.major);
  field(d, j, "minor", w.minor);
  field(d, j, "weight", w.weight);
  field(d, j, "leafWeight", w.leaf_weight);
}

void read(Decoder& d, const json& j, BlockIoThrottleDevice& t) {
  d.expect_object(j);
  field(d, j, "major", t.major);
  field(d, j, "minor", t.minor);
  field(d, j, "rate", t.rate);
}

void read(Decoder& d, const json& j, BlockIoResources& b) {
  d.expect_object(j);
  field(d, j, "weight", b.weight);
  field(d, j, "leafWeight", b.leaf_weight);
  field(d, j, "weightDevice", b.weight_device);
  field(d, j, "throttleReadBpsDevice", b.throttle_read_bps_device);
  field(d, j, "throttleWriteBpsDevice", b.throttle_write_bps_device);
  field(d, j, "throttleReadIOPSDevice", b.throttle_read_iops_device);
  field(d, j, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
}

void read(Decoder& d, const json& j, HugepageLimit& h) {
  d.expect_object(j);
  field(d, j, "pageSize", h.page_size);
  field(d, j, "limit", h.limit);
}

void read(Decoder& d, const json& j, InterfacePriority& p) {
  d.expect_object(j);
  field(d, j, "name", p.name);
  field(d, j, "priority", p.priority);
}

void read(Decoder& d, const json& j, NetworkResources& n) {
  d.expect_object(j);
  field(d, j, "classID", n.class_id);
  field(d, j, "priorities", n.priorities);
}

void read(Decoder& d, const json& j, RdmaResources& r) {
  d.expect_object(j);
  field(d, j, "hcaHandles", r.hca_handles);
  field(d, j, "hcaObjects", r.hca_objects);
}

void read(Decoder& d, const json& j, Resources& r) {
  d.expect_object(j);
  field(d, j, "devices", r.devices);
  field(d, j, "memory", r.memory);
  field(d, j, "cpu", r.cpu);
  field(d, j, "pids", r.pids);
  field(d, j, "blockIO", r.block_io);
  field(d, j, "hugepageLimits", r.hugepage_limits);
  field(d, j, "network", r.network);
  field(d, j, "rdma", r.rdma);
  field(d, j, "unified", r.unified);
}

void read(Decoder& d, const json& j, SeccompArg& a) {
  d.expect_object(j);
  field(d, j, "index", a.index);
  field(d, j, "value", a.value);
  field(d, j, "valueTwo", a.value_two);
  field(d, j, "op", a.op);
}

void read(Decoder& d, const json& j, SeccompSyscall& s) {
  d.expect_object(j);
  field(d, j, "names", s.names);
  field(d, j, "action", s.action);
  field(d, j, "errnoRet", s.errno_ret);
  field(d, j, "args", s.args);
}

void read(Decoder& d, const json& j, Seccomp& s) {
  d.expect_object(j);
  field(d, j, "defaultAction", s.default_action);
  field(d, j, "defaultErrnoRet", s.default_errno_ret);
  field(d, j, "architectures", s.architectures);
  field(d, j, "flags", s.flags);
  field(d, j, "listenerPath", s.listener_path);
  field(d, j, "listenerMetadata", s.listener_metadata);
  field(d, j, "syscalls", s.syscalls);
}

void read(Decoder& d, const json& j, IntelRdt& r) {
  d.expect_object(j);
  field(d, j, "closID", r.clos_id);
  field(d, j, "schemata", r.schemata);
  field(d, j, "l3CacheSchema", r.l3_cache_schema);
  field(d, j, "memBwSchema", r.mem_bw_schema);
  field(d, j, "enableMonitoring", r.enable_monitoring);
}

void read(Decoder& d, const json& j, MemoryPolicy& m) {
  d.expect_object(j);
  field(d, j, "mode", m.mode);
  field(d, j, "nodes", m.nodes);
  field(d, j, "flags", m.flags);
}

void read(Decoder& d, const json& j, Personality& p) {
  d.expect_object(j);
  field(d, j, "domain", p.domain);
  field(d, j, "flags", p.flags);
}

void read(Decoder& d, const json& j, NetDevice& n) {
  d.expect_object(j);
  field(d, j, "name", n.name);
}

void read(Decoder& d, const json& j, Linux& l) {
  d.expect_object(j);
  field(d, j, "uidMappings", l.uid_mappings);
  field(d, j, "gidMappings", l.gid_mappings);
  field(d, j, "sysctl", l.sysctl);
  field(d, j, "resources", l.resources);
  field(d, j, "cgroupsPath", l.cgroups_path);
  field(d, j, "namespaces", l.namespaces);
  field(d, j, "devices", l.devices);
  field(d, j, "netDevices", l.net_devices);
  field(d, j, "seccomp", l.seccomp);
  field(d, j, "rootfsPropagation", l.rootfs_propagation);
  field(d, j, "maskedPaths", l.masked_paths);
  field(d, j, "readonlyPaths", l.readonly_paths);
  field(d, j, "mountLabel", l.mount_label);
  field(d, j, "intelRdt", l.intel_rdt);
  field(d, j, "memoryPolicy", l.memory_policy);
  field(d, j, "personality", l.personality);
  field(d, j, "timeOffsets", l.time_offsets);
}

void read(Decoder& d, const json& j, Spec& s) {
  d.expect_object(j);
  field(d, j, "ociVersion", s.oci_version);
  field(d, j, "process", s.process);
  field(d, j, "root", s.root);
  field(d, j, "hostname", s.hostname);
  field(d, j, "domainname", s.domainname);
  field(d, j, "mounts", s.mounts);
  field(d, j, "hooks", s.hooks);
  field(d, j, "annotations", s.annotations);
  field(d, j, "linux", s.linux);
}

// Length of the well-formed UTF-8 sequence at the start of s, 0 if there is none.
size_t utf8_sequence_length(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  size_t n = 0;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3;
  else if (c >= 0xf0 && c <= 0xf4) n = 4;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i)
    if ((b(i) & 0xc0) != 0x80) return 0;
  // Overlong forms, surrogates and code points above U+10FFFF.
  if ((c == 0xe0 && b(1) < 0xa0) || (c == 0xed && b(1) > 0x9f) || (c == 0xf0 && b(1) < 0x90) ||
      (c == 0xf4 && b(1) > 0x8f))
    return 0;
  return n;
}

// nlohmann's messages start with "[json.exception.parse_error.101] " and
// quote the bytes last read, which may be invalid UTF-8 or control bytes:
// those are shown as <FF> so the message stays printable.
std::string strip_exception_id(const char* what) {
  std::string_view msg(what);
  if (!msg.empty() && msg.front() == '[') {
    if (auto end = msg.find("] "); end != std::string_view::npos) msg.remove_prefix(end + 2);
  }
  std::string out;
  out.reserve(msg.size());
  for (size_t i = 0; i < msg.size();) {
    const auto c = static_cast<unsigned char>(msg[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += msg[i++];
    } else if (const size_t n = c >= 0x80 ? utf8_sequence_length(msg.substr(i)) : 0; n > 0) {
      out.append(msg.substr(i, n));
      i += n;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '<';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      out += '>';
      ++i;
    }
  }
  return out;
}

template <class T>
Parsed<T> decode_document(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Unexpected(Issue{"$", "invalid JSON: " + strip_exception_id(e.what())});
  }
  try {
    Decoder d;
    T out;
    read(d, doc, out);
    return out;
  } catch (const DecodeFailure& f) {
    return Unexpected(f.issue);
  } catch (const json::exception& e) {
    return Unexpected(Issue{"$", strip_exception_id(e.what())});
  }
}

}  // namespace

Parsed<Spec> parse_config(std::string_view text) { return decode_document<Spec>(text); }
Parsed<Process> parse_process(std::string_view text) { return decode_document<Process>(text); }
Parsed<Resources> parse_resources(std::string_view text) {
  return decode_document<Resources>(text);
}

std::string quote(std::string_view s) {
  // Keep UTF-8 as is; escape only what would break a line or a quoted string.
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace oci
