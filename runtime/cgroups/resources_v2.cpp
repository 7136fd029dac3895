// OCI resources -> cgroup v2 writes: one directory, controller-prefixed files.
#include "runtime/base/str.hpp"
#include "runtime/cgroups/resources_detail.hpp"

namespace rt::cgroups {
namespace {

using detail::field;
using detail::PlanBuilder;

void add(PlanBuilder& b, const std::string& controller, std::string file, std::string value, std::string at,
         uint8_t flags = kNone) {
  b.add("", controller, std::move(file), std::move(value), std::move(at), flags);
}

Result<> memory(PlanBuilder& b, const oci::MemoryResources& m) {
  const int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0), low = m.reservation.value_or(0);
  if (limit == 0 && swap == 0 && low == 0) return {};
  TRY(b.require("memory", field(".memory")));
  if (m.check_before_update.value_or(false) && limit > 0 && b.facts().memory_usage &&
      static_cast<uint64_t>(limit) < *b.facts().memory_usage)
    return Err(EBUSY, field(".memory.limit"), ": ", limit, " is below the current usage (",
               *b.facts().memory_usage, ") and checkBeforeUpdate is set");
  auto v2swap = swap_to_v2(swap, limit);
  if (!v2swap) return ErrFrom(std::move(v2swap).error().context(field(".memory.swap")));
  // swap == limit in v1 terms means "no swap": memory.swap.max = 0.
  if (*v2swap != 0 || swap > 0) {
    const std::string value = detail::num_or_max(*v2swap);
    // Without swap accounting, "max" and "0" already hold.
    add(b, "memory", "memory.swap.max", value, field(".memory.swap"), value == "max" || value == "0" ? kSkipIfMissing : kNone);
  }
  if (limit != 0) add(b, "memory", "memory.max", detail::num_or_max(limit), field(".memory.limit"));
  if (low != 0) add(b, "memory", "memory.low", detail::num_or_max(low), field(".memory.reservation"));
  return {};
}

void memory_ignored(PlanBuilder& b, const oci::MemoryResources& m) {
  if (m.swappiness) b.warn(field(".memory.swappiness") + ": ignored: cgroup v2 has no per-cgroup swappiness");
  if (m.disable_oom_killer.value_or(false))
    b.warn(field(".memory.disableOOMKiller") + ": ignored: cgroup v2 cannot disable the OOM killer");
  if (m.use_hierarchy && !*m.use_hierarchy)
    b.warn(field(".memory.useHierarchy") + ": ignored: cgroup v2 accounting is always hierarchical");
  if (m.kernel) b.warn(field(".memory.kernel") + ": ignored: the kernel no longer supports kernel memory limits");
  if (m.kernel_tcp) b.warn(field(".memory.kernelTCP") + ": ignored: the kernel no longer supports kernel memory limits");
}

// cpu.max holds "quota period" together; keep the part the config leaves out.
std::string cpu_max_value(const oci::CpuResources& c, const HostFacts& facts) {
  std::string quota = "max", period = "100000";  // the kernel's defaults
  if (facts.cpu_max) {
    const auto cur = split(std::string(trim(*facts.cpu_max)), ' ');
    if (cur.size() == 2) quota = cur[0], period = cur[1];
  }
  if (c.quota && *c.quota != 0) quota = *c.quota > 0 ? std::to_string(*c.quota) : "max";
  if (c.period && *c.period != 0) period = std::to_string(*c.period);
  return quota + " " + period;
}

Result<> cpu(PlanBuilder& b, const oci::CpuResources& c) {
  const bool quota = (c.quota && *c.quota != 0) || (c.period && *c.period != 0);
  const bool any = (c.shares && *c.shares) || quota || c.burst || c.idle;
  if ((c.realtime_runtime && *c.realtime_runtime) || (c.realtime_period && *c.realtime_period))
    return Err(ENODEV, field(c.realtime_runtime && *c.realtime_runtime ? ".cpu.realtimeRuntime" : ".cpu.realtimePeriod"),
               ": cgroup v2 has no real-time group scheduling");
  if (!any) return {};
  TRY(b.require("cpu", field(".cpu")));
  if (c.idle) add(b, "cpu", "cpu.idle", std::to_string(*c.idle), field(".cpu.idle"));
  if (c.shares && *c.shares) add(b, "cpu", "cpu.weight", std::to_string(shares_to_weight(*c.shares)), field(".cpu.shares"));
  if (c.burst)
    add(b, "cpu", "cpu.max.burst", std::to_string(*c.burst), field(".cpu.burst"), quota ? kRetryOnEinval : kNone);
  if (quota) add(b, "cpu", "cpu.max", cpu_max_value(c, b.facts()), field(c.quota ? ".cpu.quota" : ".cpu.period"));
  return {};
}

Result<> cpuset(PlanBuilder& b, const oci::CpuResources& c) {
  if (c.cpus.empty() && c.mems.empty()) return {};
  TRY(b.require("cpuset", field(c.cpus.empty() ? ".cpu.mems" : ".cpu.cpus")));
  if (!c.cpus.empty()) add(b, "cpuset", "cpuset.cpus", c.cpus, field(".cpu.cpus"));
  if (!c.mems.empty()) add(b, "cpuset", "cpuset.mems", c.mems, field(".cpu.mems"));
  return {};
}

Result<> io_weights(PlanBuilder& b, const oci::BlockIoResources& io) {
  // BFQ takes the blkio scale (1..1000) as is; blk-iocost's io.weight has its
  // own (1..10000) and gets the converted value.
  const bool bfq = b.facts().bfq_weight;
  if (io.weight && *io.weight) {
    if (bfq)
      add(b, "io", "io.bfq.weight", std::to_string(*io.weight), field(".blockIO.weight"));
    else
      add(b, "io", "io.weight", std::to_string(blkio_weight_to_io_weight(*io.weight)), field(".blockIO.weight"));
  }
  if (io.leaf_weight && *io.leaf_weight) b.warn(field(".blockIO.leafWeight") + ": ignored: cgroup v2 has no leaf weights");
  for (size_t i = 0; i < io.weight_device.size(); ++i) {
    const auto& d = io.weight_device[i];
    const std::string at = cat(field(".blockIO.weightDevice["), i, "]");
    const std::string key = detail::device_key(d.major, d.minor);
    if (d.weight && *d.weight)
      add(b, "io", bfq ? "io.bfq.weight" : "io.weight",
          cat(key, ' ', bfq ? uint64_t{*d.weight} : blkio_weight_to_io_weight(*d.weight)), at + ".weight");
    if (d.leaf_weight && *d.leaf_weight) b.warn(at + ".leafWeight: ignored: cgroup v2 has no leaf weights");
  }
  return {};
}

Result<> io(PlanBuilder& b, const oci::Resources& r) {
  if (!r.block_io) return {};
  const auto& io = *r.block_io;
  const bool any = (io.weight && *io.weight) || !io.weight_device.empty() || !io.throttle_read_bps_device.empty() ||
                   !io.throttle_write_bps_device.empty() || !io.throttle_read_iops_device.empty() ||
                   !io.throttle_write_iops_device.empty();
  if (any) TRY(b.require("io", field(".blockIO")));
  TRY(io_weights(b, io));
  auto throttle = [&](const std::vector<oci::BlockIoThrottleDevice>& list, const char* key, const char* name) {
    for (size_t i = 0; i < list.size(); ++i)
      add(b, "io", "io.max", cat(detail::device_key(list[i].major, list[i].minor), ' ', key, '=', list[i].rate),
          cat(field(".blockIO."), name, '[', i, "].rate"));
  };
  throttle(io.throttle_read_bps_device, "rbps", "throttleReadBpsDevice");
  throttle(io.throttle_write_bps_device, "wbps", "throttleWriteBpsDevice");
  throttle(io.throttle_read_iops_device, "riops", "throttleReadIOPSDevice");
  throttle(io.throttle_write_iops_device, "wiops", "throttleWriteIOPSDevice");
  return {};
}

Result<> hugetlb(PlanBuilder& b, const oci::Resources& r) {
  if (r.hugepage_limits.empty()) return {};
  TRY(detail::check_hugepage_limits(r));
  TRY(b.require("hugetlb", field(".hugepageLimits")));
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const auto& h = r.hugepage_limits[i];
    const std::string at = cat(field(".hugepageLimits["), i, "].limit");
    add(b, "hugetlb", "hugetlb." + h.page_size + ".max", std::to_string(h.limit), at);
    if (b.facts().hugetlb_rsvd) add(b, "hugetlb", "hugetlb." + h.page_size + ".rsvd.max", std::to_string(h.limit), at);
  }
  return {};
}

Result<> unified(PlanBuilder& b, const oci::Resources& r) {
  for (const auto& [key, value] : r.unified) {
    const std::string at = cat(field(".unified[\""), key, "\"]");
    const size_t dot = key.find('.');
    if (key.find('/') != std::string::npos || dot == std::string::npos || dot == 0)
      return Err(EINVAL, at, ": expected a file name of the form <controller>.<name>");
    const std::string controller = key.substr(0, dot);
    if (controller != "cgroup") TRY(b.require(controller, at));
    // Multi-line values (io.max for two devices) are one write per line.
    for (const std::string& line : split(value, '\n'))
      if (!trim(line).empty()) add(b, controller == "cgroup" ? "" : controller, key, line, at);
  }
  return {};
}

}  // namespace

Result<Plan> plan_v2(const oci::Resources& r, const HostFacts& facts) {
  PlanBuilder b(facts);
  TRY(b.add_devices(r));
  if (r.pids && r.pids->limit) {
    TRY(b.require("pids", field(".pids.limit")));
    add(b, "pids", "pids.max", *r.pids->limit < 0 ? "max" : std::to_string(*r.pids->limit), field(".pids.limit"));
  }
  if (r.memory) {
    TRY(memory(b, *r.memory));
    memory_ignored(b, *r.memory);
  }
  TRY(io(b, r));
  if (r.cpu) {
    TRY(detail::check_cpu(*r.cpu));
    TRY(cpu(b, *r.cpu));
    TRY(cpuset(b, *r.cpu));
  }
  TRY(hugetlb(b, r));
  if (!detail::network_is_noop(r))
    return Err(ENODEV, field(".network"), ": net_cls and net_prio are cgroup v1 controllers; cgroup v2 has none");
  if (!detail::rdma_is_noop(r)) {
    TRY(b.require("rdma", field(".rdma")));
    for (const auto& [dev, limits] : r.rdma)
      if (auto line = detail::rdma_line(dev, limits); !line.empty()) add(b, "rdma", "rdma.max", line, cat(field(".rdma[\""), dev, "\"]"));
  }
  TRY(unified(b, r));
  return b.take();
}

}  // namespace rt::cgroups
