#include "runtime/cgroups/systemd/properties.hpp"

#include <cctype>
#include <cmath>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/resources.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr uint64_t kDefaultPeriod = 100000;  // the kernel's cfs period, in us

Property prop(std::string name, Value v) { return {std::move(name), std::move(v)}; }

void add_cpu_quota(std::vector<Property>& out, const oci::CpuResources& c, int version) {
  const int64_t quota = c.quota.value_or(0);
  const uint64_t period = c.period.value_or(0);
  if (period != 0 && version >= 242) out.push_back(prop("CPUQuotaPeriodUSec", u64(period)));
  if (quota == 0 && period == 0) return;
  uint64_t per_sec = kInfinity;
  if (quota > 0) {
    const uint64_t p = period ? period : kDefaultPeriod;
    per_sec = static_cast<uint64_t>(rounded_cpu_quota(quota, p)) * 1000000 / p;
  }
  out.push_back(prop("CPUQuotaPerSecUSec", u64(per_sec)));
}

Result<> add_cpuset(std::vector<Property>& out, const oci::CpuResources& c, int version) {
  if (version < 244) return {};  // AllowedCPUs came in v244; cgroupfs still gets the values
  if (!c.cpus.empty()) {
    auto mask = cpu_list_to_mask(c.cpus);
    if (!mask) return ErrFrom(std::move(mask).error().context("$.linux.resources.cpu.cpus"));
    out.push_back(prop("AllowedCPUs", Value{"ay", std::move(*mask)}));
  }
  if (!c.mems.empty()) {
    auto mask = cpu_list_to_mask(c.mems);
    if (!mask) return ErrFrom(std::move(mask).error().context("$.linux.resources.cpu.mems"));
    out.push_back(prop("AllowedMemoryNodes", Value{"ay", std::move(*mask)}));
  }
  return {};
}

// systemd refuses TasksMax=0; 1 is the nearest it takes. The cgroupfs write
// that follows still sets pids.max to the spec's 0.
uint64_t tasks_max(int64_t limit) { return limit < 0 ? kInfinity : limit == 0 ? 1 : static_cast<uint64_t>(limit); }

Result<> add_memory(std::vector<Property>& out, const oci::MemoryResources& m, bool v2) {
  const int64_t limit = m.limit.value_or(0);
  auto bytes = [](int64_t v) { return u64(v < 0 ? kInfinity : static_cast<uint64_t>(v)); };
  if (limit != 0) out.push_back(prop(v2 ? "MemoryMax" : "MemoryLimit", bytes(limit)));
  if (!v2) return {};
  if (m.reservation && *m.reservation != 0) out.push_back(prop("MemoryLow", bytes(*m.reservation)));
  auto swap = swap_to_v2(m.swap.value_or(0), limit);
  if (!swap) return ErrFrom(std::move(swap).error().context("$.linux.resources.memory.swap"));
  if (*swap != 0 || m.swap.value_or(0) > 0) out.push_back(prop("MemorySwapMax", bytes(*swap)));
  return {};
}

Result<> add_unified(std::vector<Property>& out, const std::map<std::string, std::string>& unified, int version) {
  for (const auto& [key, raw] : unified) {
    const std::string v(trim(raw));
    const std::string at = "$.linux.resources.unified[\"" + key + "\"]";
    auto number = [&](uint64_t& n) -> Result<> {
      if (v == "max") return n = kInfinity, Result<>();
      auto p = parse_int<uint64_t>(v);
      if (!p) return Err(EINVAL, at, ": expected a number or \"max\", got \"", v, "\"");
      return n = *p, Result<>();
    };
    static const std::map<std::string, std::string> kMemory = {{"memory.high", "MemoryHigh"}, {"memory.low", "MemoryLow"},
        {"memory.min", "MemoryMin"}, {"memory.max", "MemoryMax"}, {"memory.swap.max", "MemorySwapMax"}};
    uint64_t n = 0;
    if (auto it = kMemory.find(key); it != kMemory.end()) {
      TRY(number(n));
      out.push_back(prop(it->second, u64(n)));
    } else if (key == "pids.max") {
      TRY(number(n));
      out.push_back(prop("TasksMax", u64(n == 0 ? 1 : n)));
    } else if (key == "cpu.weight") {
      TRY(number(n));
      out.push_back(prop("CPUWeight", u64(n)));
    } else if ((key == "cpuset.cpus" || key == "cpuset.mems") && version >= 244) {
      auto mask = cpu_list_to_mask(v);
      if (!mask) return ErrFrom(std::move(mask).error().context(at));
      out.push_back(prop(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", Value{"ay", std::move(*mask)}));
    }
    // Anything else is only written through cgroupfs.
  }
  return {};
}

}  // namespace

Value u64(uint64_t v) { return {"t", v}; }
Value boolean(bool v) { return {"b", v}; }
Value str(std::string v) { return {"s", std::move(v)}; }

std::vector<Property> scope_properties(const std::string& description, const std::string& slice, pid_t pid, bool v2) {
  std::vector<Property> p = {prop("Description", str(description)), prop("Slice", str(slice)),
                             prop("Delegate", boolean(true)),
                             prop("PIDs", Value{"au", std::vector<uint32_t>{static_cast<uint32_t>(pid)}}),
                             prop("DefaultDependencies", boolean(false)),
                             prop("MemoryAccounting", boolean(true)), prop("CPUAccounting", boolean(true)),
                             prop("TasksAccounting", boolean(true))};
  p.push_back(prop(v2 ? "IOAccounting" : "BlockIOAccounting", boolean(true)));
  return p;
}

int64_t rounded_cpu_quota(int64_t quota, uint64_t period) {
  if (quota <= 0 || period == 0) return quota;
  // systemd keeps CPUQuota as a whole percent of a CPU: 10ms per second.
  uint64_t per_sec = static_cast<uint64_t>(quota) * 1000000 / period;
  if (per_sec % 10000 == 0) return quota;
  per_sec = (per_sec / 10000 + 1) * 10000;
  return static_cast<int64_t>(per_sec * period / 1000000);
}

Result<std::vector<Property>> resource_properties(const oci::Resources& r, bool v2, int version) {
  std::vector<Property> out;
  if (r.memory) TRY(add_memory(out, *r.memory, v2));
  if (r.cpu) {
    const auto& c = *r.cpu;
    const bool idle = v2 && c.idle.value_or(0) == 1 && version >= 252;  // CPUWeight=idle
    if (idle) out.push_back(prop("CPUWeight", u64(0)));
    if (c.shares && *c.shares && !idle)
      out.push_back(v2 ? prop("CPUWeight", u64(shares_to_weight(*c.shares))) : prop("CPUShares", u64(*c.shares)));
    add_cpu_quota(out, c, version);
    TRY(add_cpuset(out, c, version));
  }
  if (!v2 && r.block_io && r.block_io->weight && *r.block_io->weight)
    out.push_back(prop("BlockIOWeight", u64(*r.block_io->weight)));
  if (r.pids && r.pids->limit) out.push_back(prop("TasksMax", u64(tasks_max(*r.pids->limit))));
  if (v2) TRY(add_unified(out, r.unified, version));
  return out;
}

std::vector<Property> device_properties(const DeviceState& state) {
  if (state.allows_everything())
    return {prop("DevicePolicy", str("auto")), prop("DeviceAllow", Value{"a(ss)", Value::Pairs{}})};
  // An empty DeviceAllow first clears what an existing unit had.
  std::vector<Property> out = {prop("DeviceAllow", Value{"a(ss)", Value::Pairs{}}), prop("DevicePolicy", str("strict"))};
  if (state.default_allow()) return out;
  Value::Pairs allow;
  for (const auto& [k, access] : state.exceptions()) {
    const std::string group = k.type == 'b' ? "block-" : "char-";
    std::string path;
    if (k.major == kAnyNumber && k.minor != kAnyNumber) continue;  // "*:n" has no systemd form; our filter covers it
    if (k.major == kAnyNumber) path = group + "*";
    else if (k.minor == kAnyNumber) path = group + std::to_string(k.major);
    else path = cat(k.type == 'b' ? "/dev/block/" : "/dev/char/", k.major, ':', k.minor);
    allow.emplace_back(path, access_string(access));
  }
  out.push_back(prop("DeviceAllow", Value{"a(ss)", std::move(allow)}));
  return out;
}

Result<std::vector<uint8_t>> cpu_list_to_mask(std::string_view list) {
  std::vector<uint8_t> mask;
  for (const std::string& raw : split(list, ',')) {
    const std::string part(trim(raw));
    if (part.empty()) continue;
    const size_t dash = part.find('-');
    auto lo = parse_int<uint32_t>(std::string_view(part).substr(0, dash));
    auto hi = dash == std::string::npos ? lo : parse_int<uint32_t>(std::string_view(part).substr(dash + 1));
    if (!lo || !hi || *lo > *hi || *hi >= 8192) return Err(EINVAL, "invalid cpu list \"", std::string(list), "\"");
    if (mask.size() <= *hi / 8) mask.resize(*hi / 8 + 1, 0);
    for (uint32_t i = *lo; i <= *hi; ++i) mask[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  if (mask.empty()) return Err(EINVAL, "empty cpu list");
  return mask;
}

Result<> check_running(const std::string& run_dir) {
  if (fs::exists(run_dir)) return {};
  return Err(ENOENT, "--systemd-cgroup: systemd is not running on this host (no ", run_dir, ")");
}

}  // namespace rt::cgroups::systemd
