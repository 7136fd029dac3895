#include "runtime/cgroups/stats.hpp"

#include <nlohmann/json.hpp>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/cgroupfs.hpp"

namespace rt::cgroups {
namespace {

// Files of an absent controller are simply not there: stats are best effort.
std::optional<std::string> read_opt(const CgroupFs& fs, const std::string& dir, const std::string& file) {
  auto r = fs.read(fs::join(dir, file));
  if (!r) return std::nullopt;
  return std::move(*r);
}

uint64_t read_u64(const CgroupFs& fs, const std::string& dir, const std::string& file) {
  auto t = read_opt(fs, dir, file);
  return t ? parse_limit(*t) : 0;
}

bool parse_dev(std::string_view s, uint64_t& major, uint64_t& minor) {
  const auto mm = split(s, ':');
  if (mm.size() != 2) return false;
  auto a = parse_int<uint64_t>(mm[0]), b = parse_int<uint64_t>(mm[1]);
  if (!a || !b) return false;
  major = *a, minor = *b;
  return true;
}

// Page sizes are in the file names: hugetlb.2MB.usage_in_bytes / hugetlb.2MB.current.
std::vector<std::string> hugepage_sizes(const std::string& sysfs = "/sys/kernel/mm/hugepages") {
  std::vector<std::string> out;
  auto dirs = CgroupFs().child_dirs(sysfs);
  if (!dirs) return out;
  for (const std::string& d : *dirs) {  // "hugepages-2048kB"
    if (d.rfind("hugepages-", 0) != 0 || d.size() < 13 || d.compare(d.size() - 2, 2, "kB") != 0) continue;
    auto kb = parse_int<uint64_t>(std::string_view(d).substr(10, d.size() - 12));
    if (!kb) continue;
    if (*kb >= (1u << 20) && *kb % (1u << 20) == 0) out.push_back(cat(*kb >> 20, "GB"));
    else if (*kb >= 1024 && *kb % 1024 == 0) out.push_back(cat(*kb >> 10, "MB"));
    else out.push_back(cat(*kb, "KB"));
  }
  return out;
}

void read_v1_memory(const CgroupFs& fs, const std::string& dir, Stats::Memory& m) {
  if (auto t = read_opt(fs, dir, "memory.stat")) m.raw = parse_flat_keyed(*t);
  m.cache = m.raw.count("cache") ? m.raw["cache"] : 0;
  auto data = [&](const std::string& prefix) {
    return MemoryData{read_u64(fs, dir, prefix + "usage_in_bytes"), read_u64(fs, dir, prefix + "max_usage_in_bytes"),
                      read_u64(fs, dir, prefix + "limit_in_bytes"), read_u64(fs, dir, prefix + "failcnt")};
  };
  m.usage = data("memory.");
  m.swap = data("memory.memsw.");
  m.kernel = data("memory.kmem.");
  m.kernel_tcp = data("memory.kmem.tcp.");
}

std::vector<uint64_t> read_u64_list(const CgroupFs& fs, const std::string& dir, const std::string& file) {
  std::vector<uint64_t> out;
  if (auto t = read_opt(fs, dir, file))
    for (const std::string& v : split(std::string(trim(*t)), ' '))
      if (auto n = parse_int<uint64_t>(v)) out.push_back(*n);
  return out;
}

void read_v1_cpuset(const CgroupFs& fs, const std::string& dir, Stats::CpuSet& c) {
  if (auto t = read_opt(fs, dir, "cpuset.cpus")) c.cpus = parse_cpuset_list(*t);
  if (auto t = read_opt(fs, dir, "cpuset.mems")) c.mems = parse_cpuset_list(*t);
  c.cpu_exclusive = read_u64(fs, dir, "cpuset.cpu_exclusive");
  c.mem_hardwall = read_u64(fs, dir, "cpuset.mem_hardwall");
  c.mem_exclusive = read_u64(fs, dir, "cpuset.mem_exclusive");
  c.memory_migrate = read_u64(fs, dir, "cpuset.memory_migrate");
  c.memory_spread_page = read_u64(fs, dir, "cpuset.memory_spread_page");
  c.memory_spread_slab = read_u64(fs, dir, "cpuset.memory_spread_slab");
  c.memory_pressure = read_u64(fs, dir, "cpuset.memory_pressure");
  c.sched_load_balance = read_u64(fs, dir, "cpuset.sched_load_balance");
  if (auto t = read_opt(fs, dir, "cpuset.sched_relax_domain_level"))
    c.sched_relax_domain_level = parse_int<int64_t>(trim(*t)).value_or(0);
}

void read_v1_cpu(const CgroupFs& fs, const std::map<std::string, std::string>& dirs, Stats::Cpu& c) {
  if (auto it = dirs.find("cpuacct"); it != dirs.end()) {
    c.total_ns = read_u64(fs, it->second, "cpuacct.usage");
    c.percpu_ns = read_u64_list(fs, it->second, "cpuacct.usage_percpu");
    c.percpu_kernel_ns = read_u64_list(fs, it->second, "cpuacct.usage_percpu_sys");
    c.percpu_user_ns = read_u64_list(fs, it->second, "cpuacct.usage_percpu_user");
    // cpuacct.stat is in USER_HZ ticks (100 per second on Linux).
    if (auto t = read_opt(fs, it->second, "cpuacct.stat")) {
      auto kv = parse_flat_keyed(*t);
      c.user_ns = kv["user"] * 10000000, c.kernel_ns = kv["system"] * 10000000;
    }
  }
  if (auto it = dirs.find("cpu"); it != dirs.end())
    if (auto t = read_opt(fs, it->second, "cpu.stat")) {
      auto kv = parse_flat_keyed(*t);
      c.periods = kv["nr_periods"], c.throttled_periods = kv["nr_throttled"], c.throttled_ns = kv["throttled_time"];
    }
}

void read_hugetlb(const CgroupFs& fs, const std::string& dir, bool v2, std::map<std::string, HugetlbData>& out) {
  for (const std::string& size : hugepage_sizes()) {
    const std::string p = "hugetlb." + size + ".";
    if (!fs.exists(fs::join(dir, p + (v2 ? "current" : "usage_in_bytes")))) continue;
    HugetlbData h;
    if (v2) {
      h.usage = read_u64(fs, dir, p + "current");
      if (auto t = read_opt(fs, dir, p + "events")) h.failcnt = parse_flat_keyed(*t)["max"];
    } else {
      h.usage = read_u64(fs, dir, p + "usage_in_bytes");
      h.max_usage = read_u64(fs, dir, p + "max_usage_in_bytes");
      h.failcnt = read_u64(fs, dir, p + "failcnt");
    }
    out[size] = h;
  }
}

}  // namespace

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t> out;
  for (const std::string& line : split(text, '\n')) {
    const auto f = split(std::string(trim(line)), ' ');
    if (f.size() != 2) continue;
    if (auto v = parse_int<uint64_t>(f[1])) out[f[0]] = *v;
  }
  return out;
}

std::vector<uint16_t> parse_cpuset_list(std::string_view text) {
  std::vector<uint16_t> out;
  for (const std::string& part : split(std::string(trim(text)), ',')) {
    const auto ends = split(part, '-');
    auto lo = ends.empty() ? std::nullopt : parse_int<uint16_t>(ends[0]);
    auto hi = ends.size() == 2 ? parse_int<uint16_t>(ends[1]) : lo;
    if (!lo || !hi || ends.size() > 2 || *hi < *lo) continue;
    for (uint32_t n = *lo; n <= *hi; ++n) out.push_back(static_cast<uint16_t>(n));
  }
  return out;
}

uint64_t parse_limit(std::string_view text) {
  const std::string_view t = trim(text);
  if (t == "max") return 0;
  return parse_int<uint64_t>(t).value_or(0);
}

std::vector<BlkioEntry> parse_v1_blkio(std::string_view text) {
  std::vector<BlkioEntry> out;
  for (const std::string& line : split(text, '\n')) {
    const auto f = split(std::string(trim(line)), ' ');
    BlkioEntry e;
    if (f.size() != 3 || !parse_dev(f[0], e.major, e.minor)) continue;  // also skips "Total N"
    auto v = parse_int<uint64_t>(f[2]);
    if (!v) continue;
    e.op = f[1], e.value = *v;
    out.push_back(e);
  }
  return out;
}

void parse_v2_io_stat(std::string_view text, Stats::Blkio& out) {
  for (const std::string& line : split(text, '\n')) {
    const auto f = split(std::string(trim(line)), ' ');
    uint64_t major = 0, minor = 0;
    if (f.size() < 2 || !parse_dev(f[0], major, minor)) continue;
    for (size_t i = 1; i < f.size(); ++i) {
      const size_t eq = f[i].find('=');
      auto v = eq == std::string::npos ? std::nullopt : parse_int<uint64_t>(std::string_view(f[i]).substr(eq + 1));
      if (!v) continue;
      const std::string k = f[i].substr(0, eq);
      if (k == "rbytes") out.service_bytes.push_back({major, minor, "Read", *v});
      if (k == "wbytes") out.service_bytes.push_back({major, minor, "Write", *v});
      if (k == "rios") out.serviced.push_back({major, minor, "Read", *v});
      if (k == "wios") out.serviced.push_back({major, minor, "Write", *v});
    }
  }
}

Stats read_v1_stats(const CgroupFs& fs, const std::map<std::string, std::string>& dirs) {
  Stats s;
  if (auto it = dirs.find("memory"); it != dirs.end()) {
    read_v1_memory(fs, it->second, s.memory);
    s.oom_kills = read_oom_kills(fs, it->second, false).value_or(0);
  }
  read_v1_cpu(fs, dirs, s.cpu);
  if (auto it = dirs.find("cpuset"); it != dirs.end()) read_v1_cpuset(fs, it->second, s.cpuset);
  if (auto it = dirs.find("pids"); it != dirs.end()) {
    s.pids.current = read_u64(fs, it->second, "pids.current");
    s.pids.limit = read_u64(fs, it->second, "pids.max");
  }
  if (auto it = dirs.find("blkio"); it != dirs.end()) {
    if (auto t = read_opt(fs, it->second, "blkio.throttle.io_service_bytes_recursive")) s.blkio.service_bytes = parse_v1_blkio(*t);
    if (auto t = read_opt(fs, it->second, "blkio.throttle.io_serviced_recursive")) s.blkio.serviced = parse_v1_blkio(*t);
  }
  if (auto it = dirs.find("hugetlb"); it != dirs.end()) read_hugetlb(fs, it->second, false, s.hugetlb);
  return s;
}

Stats read_v2_stats(const CgroupFs& fs, const std::string& dir) {
  Stats s;
  if (auto t = read_opt(fs, dir, "memory.stat")) s.memory.raw = parse_flat_keyed(*t);
  s.memory.cache = s.memory.raw.count("file") ? s.memory.raw["file"] : 0;
  s.memory.usage = {read_u64(fs, dir, "memory.current"), read_u64(fs, dir, "memory.peak"), read_u64(fs, dir, "memory.max"), 0};
  s.memory.swap = {read_u64(fs, dir, "memory.swap.current"), read_u64(fs, dir, "memory.swap.peak"),
                   read_u64(fs, dir, "memory.swap.max"), 0};
  if (auto t = read_opt(fs, dir, "memory.events")) s.memory.usage.failcnt = parse_flat_keyed(*t)["max"];
  s.oom_kills = read_oom_kills(fs, dir, true).value_or(0);
  if (auto t = read_opt(fs, dir, "cpu.stat")) {  // microseconds
    auto kv = parse_flat_keyed(*t);
    s.cpu.total_ns = kv["usage_usec"] * 1000, s.cpu.user_ns = kv["user_usec"] * 1000;
    s.cpu.kernel_ns = kv["system_usec"] * 1000, s.cpu.periods = kv["nr_periods"];
    s.cpu.throttled_periods = kv["nr_throttled"], s.cpu.throttled_ns = kv["throttled_usec"] * 1000;
  }
  s.pids.current = read_u64(fs, dir, "pids.current");
  s.pids.limit = read_u64(fs, dir, "pids.max");
  if (auto t = read_opt(fs, dir, "io.stat")) parse_v2_io_stat(*t, s.blkio);
  read_hugetlb(fs, dir, true, s.hugetlb);
  return s;
}

Result<uint64_t> read_oom_kills(const CgroupFs& fs, const std::string& dir, bool v2) {
  const std::string path = fs::join(dir, v2 ? "memory.events" : "memory.oom_control");
  if (!fs.exists(path)) return uint64_t{0};  // no memory controller: nothing can have been OOM-killed by it
  TRY_ASSIGN(const std::string text, fs.read(path));
  auto kv = parse_flat_keyed(text);
  return kv.count("oom_kill") ? kv["oom_kill"] : uint64_t{0};
}

namespace {

// runc's JSON (types/events.go) leaves out zero values marked omitempty.
void put_nonzero(nlohmann::ordered_json& j, const char* key, uint64_t v) {
  if (v != 0) j[key] = v;
}

nlohmann::ordered_json memory_entry(const MemoryData& d) {
  nlohmann::ordered_json j{{"limit", d.limit}};
  put_nonzero(j, "usage", d.usage);
  put_nonzero(j, "max", d.max_usage);
  j["failcnt"] = d.failcnt;
  return j;
}

nlohmann::ordered_json blkio_list(const std::vector<BlkioEntry>& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& e : v) {
    nlohmann::ordered_json x = nlohmann::ordered_json::object();
    put_nonzero(x, "major", e.major);
    put_nonzero(x, "minor", e.minor);
    if (!e.op.empty()) x["op"] = e.op;
    put_nonzero(x, "value", e.value);
    a.push_back(std::move(x));
  }
  return a;
}

nlohmann::ordered_json cpu_json(const Stats::Cpu& c) {
  nlohmann::ordered_json usage = nlohmann::ordered_json::object();
  put_nonzero(usage, "total", c.total_ns);
  if (!c.percpu_ns.empty()) usage["percpu"] = c.percpu_ns;
  if (!c.percpu_kernel_ns.empty()) usage["percpu_kernel"] = c.percpu_kernel_ns;
  if (!c.percpu_user_ns.empty()) usage["percpu_user"] = c.percpu_user_ns;
  usage["kernel"] = c.kernel_ns;
  usage["user"] = c.user_ns;
  nlohmann::ordered_json throttling = nlohmann::ordered_json::object();
  put_nonzero(throttling, "periods", c.periods);
  put_nonzero(throttling, "throttledPeriods", c.throttled_periods);
  put_nonzero(throttling, "throttledTime", c.throttled_ns);
  return {{"usage", usage}, {"throttling", throttling}};
}

nlohmann::ordered_json cpuset_json(const Stats::CpuSet& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (!c.cpus.empty()) j["cpus"] = c.cpus;
  j["cpu_exclusive"] = c.cpu_exclusive;
  if (!c.mems.empty()) j["mems"] = c.mems;
  j["mem_hardwall"] = c.mem_hardwall;
  j["mem_exclusive"] = c.mem_exclusive;
  j["memory_migrate"] = c.memory_migrate;
  j["memory_spread_page"] = c.memory_spread_page;
  j["memory_spread_slab"] = c.memory_spread_slab;
  j["memory_pressure"] = c.memory_pressure;
  j["sched_load_balance"] = c.sched_load_balance;
  j["sched_relax_domain_level"] = c.sched_relax_domain_level;
  return j;
}

}  // namespace

nlohmann::ordered_json stats_to_json(const Stats& s) {
  using json = nlohmann::ordered_json;
  json j;
  j["cpu"] = cpu_json(s.cpu);
  j["cpuset"] = cpuset_json(s.cpuset);
  json mem = json::object();
  put_nonzero(mem, "cache", s.memory.cache);
  mem["usage"] = memory_entry(s.memory.usage);
  mem["swap"] = memory_entry(s.memory.swap);
  mem["kernel"] = memory_entry(s.memory.kernel);
  mem["kernelTCP"] = memory_entry(s.memory.kernel_tcp);
  if (!s.memory.raw.empty()) mem["raw"] = s.memory.raw;
  j["memory"] = std::move(mem);
  json pids = json::object();
  put_nonzero(pids, "current", s.pids.current);
  put_nonzero(pids, "limit", s.pids.limit);
  j["pids"] = std::move(pids);
  json blkio = json::object();
  if (!s.blkio.service_bytes.empty()) blkio["ioServiceBytesRecursive"] = blkio_list(s.blkio.service_bytes);
  if (!s.blkio.serviced.empty()) blkio["ioServicedRecursive"] = blkio_list(s.blkio.serviced);
  j["blkio"] = std::move(blkio);
  json h = json::object();
  for (const auto& [size, d] : s.hugetlb) {
    json e = json::object();
    put_nonzero(e, "usage", d.usage);
    put_nonzero(e, "max", d.max_usage);
    e["failcnt"] = d.failcnt;
    h[size] = std::move(e);
  }
  j["hugetlb"] = std::move(h);
  j["intel_rdt"] = json::object();  // no Intel RDT support
  j["network_interfaces"] = nullptr;
  return j;
}

}  // namespace rt::cgroups
