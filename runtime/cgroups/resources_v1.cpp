// OCI resources -> cgroup v1 writes: one hierarchy per controller.
#include "runtime/base/str.hpp"
#include "runtime/cgroups/resources_detail.hpp"

namespace rt::cgroups {
namespace {

using detail::field;
using detail::PlanBuilder;

// memory.limit_in_bytes and memory.memsw.limit_in_bytes must stay ordered
// (limit <= memsw) after each write, so the order depends on the current limit.
Result<> memory_and_swap(PlanBuilder& b, const oci::MemoryResources& m) {
  const int64_t limit = m.limit.value_or(0);
  int64_t swap = m.swap.value_or(0);
  if (limit == -1 && swap == 0 && b.facts().memsw) swap = -1;  // unlimited memory lifts memsw too
  if (swap != 0 && !b.facts().memsw) {
    if (swap != -1)
      return Err(ENOENT, field(".memory.swap"),
                 ": swap accounting is not enabled on this host (no memory.memsw.limit_in_bytes)");
    swap = 0;  // unlimited swap is what a host without swap accounting has anyway
  }
  auto write_limit = [&] {
    if (limit != 0) b.add("memory", "memory", "memory.limit_in_bytes", std::to_string(limit), field(".memory.limit"));
  };
  auto write_swap = [&] {
    if (swap != 0) b.add("memory", "memory", "memory.memsw.limit_in_bytes", std::to_string(swap), field(".memory.swap"));
  };
  const uint64_t current = b.facts().memory_limit.value_or(UINT64_MAX);
  const bool swap_first = limit != 0 && swap != 0 && (swap == -1 || current < static_cast<uint64_t>(swap));
  if (swap_first) {
    write_swap();
    write_limit();
  } else {
    write_limit();
    write_swap();
  }
  return {};
}

Result<> memory(PlanBuilder& b, const oci::Resources& r) {
  if (!r.memory) return {};
  const auto& m = *r.memory;
  const bool any = m.limit || m.reservation || m.swap || m.swappiness || m.disable_oom_killer || m.use_hierarchy;
  if (any) TRY(b.require("memory", field(".memory")));
  TRY(memory_and_swap(b, m));
  if (m.reservation && *m.reservation != 0)
    b.add("memory", "memory", "memory.soft_limit_in_bytes", std::to_string(*m.reservation), field(".memory.reservation"));
  if (m.disable_oom_killer)
    b.add("memory", "memory", "memory.oom_control", *m.disable_oom_killer ? "1" : "0", field(".memory.disableOOMKiller"));
  if (m.swappiness) {
    if (*m.swappiness > 100)
      return Err(EINVAL, field(".memory.swappiness"), ": must be in [0, 100], got ", *m.swappiness);
    b.add("memory", "memory", "memory.swappiness", std::to_string(*m.swappiness), field(".memory.swappiness"));
  }
  if (m.use_hierarchy)
    b.add("memory", "memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0", field(".memory.useHierarchy"));
  if (m.kernel) b.warn(field(".memory.kernel") + ": ignored: the kernel no longer supports kernel memory limits");
  if (m.kernel_tcp) b.warn(field(".memory.kernelTCP") + ": ignored: the kernel no longer supports kernel memory limits");
  return {};
}

Result<> cpu(PlanBuilder& b, const oci::CpuResources& c) {
  const bool quota = c.quota && *c.quota != 0;
  const bool rt_runtime = c.realtime_runtime && *c.realtime_runtime != 0;
  const bool any = (c.shares && *c.shares) || quota || (c.period && *c.period) || c.burst || c.idle || rt_runtime ||
                   (c.realtime_period && *c.realtime_period);
  if (!any) return {};
  TRY(b.require("cpu", field(".cpu")));
  if (c.shares && *c.shares)
    b.add("cpu", "cpu", "cpu.shares", std::to_string(*c.shares), field(".cpu.shares"), kVerifyReadBack);
  // A period below the current one may be refused until the quota shrinks:
  // retry it after the quota (runc does the same).
  const uint8_t retry = quota ? kRetryOnEinval : kNone;
  if (c.period && *c.period) b.add("cpu", "cpu", "cpu.cfs_period_us", std::to_string(*c.period), field(".cpu.period"), retry);
  if (c.burst)
    b.add("cpu", "cpu", "cpu.cfs_burst_us", std::to_string(*c.burst), field(".cpu.burst"), retry | kSkipIfMissing);
  if (quota) b.add("cpu", "cpu", "cpu.cfs_quota_us", std::to_string(*c.quota), field(".cpu.quota"));
  if (c.idle) b.add("cpu", "cpu", "cpu.idle", std::to_string(*c.idle), field(".cpu.idle"));
  if (c.realtime_period && *c.realtime_period)
    b.add("cpu", "cpu", "cpu.rt_period_us", std::to_string(*c.realtime_period), field(".cpu.realtimePeriod"),
          rt_runtime ? kRetryOnEinval : kNone);
  if (rt_runtime)
    b.add("cpu", "cpu", "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime), field(".cpu.realtimeRuntime"));
  return {};
}

Result<> cpuset(PlanBuilder& b, const oci::CpuResources& c) {
  if (c.cpus.empty() && c.mems.empty()) return {};
  TRY(b.require("cpuset", field(c.cpus.empty() ? ".cpu.mems" : ".cpu.cpus")));
  if (!c.cpus.empty()) b.add("cpuset", "cpuset", "cpuset.cpus", c.cpus, field(".cpu.cpus"));
  if (!c.mems.empty()) b.add("cpuset", "cpuset", "cpuset.mems", c.mems, field(".cpu.mems"));
  return {};
}

Result<> pids(PlanBuilder& b, const oci::Resources& r) {
  if (!r.pids || !r.pids->limit) return {};
  TRY(b.require("pids", field(".pids.limit")));
  // Runtime-spec 1.3: 0 is a valid limit (no new tasks at all), -1 and any
  // other negative value mean "max".
  const int64_t limit = *r.pids->limit;
  b.add("pids", "pids", "pids.max", limit < 0 ? "max" : std::to_string(limit), field(".pids.limit"));
  return {};
}

Result<> blkio(PlanBuilder& b, const oci::Resources& r) {
  if (!r.block_io) return {};
  const auto& io = *r.block_io;
  const bool any = (io.weight && *io.weight) || (io.leaf_weight && *io.leaf_weight) || !io.weight_device.empty() ||
                   !io.throttle_read_bps_device.empty() || !io.throttle_write_bps_device.empty() ||
                   !io.throttle_read_iops_device.empty() || !io.throttle_write_iops_device.empty();
  if (!any) return {};
  TRY(b.require("blkio", field(".blockIO")));
  // Kernels without CFQ only have BFQ's files.
  const std::string weight = b.facts().blkio_weight ? "blkio.weight" : "blkio.bfq.weight";
  const std::string weight_device = b.facts().blkio_weight ? "blkio.weight_device" : "blkio.bfq.weight_device";
  const bool leaf = b.facts().blkio_leaf_weight;
  if (io.weight && *io.weight) b.add("blkio", "blkio", weight, std::to_string(*io.weight), field(".blockIO.weight"));
  if (io.leaf_weight && *io.leaf_weight) {
    if (leaf)
      b.add("blkio", "blkio", "blkio.leaf_weight", std::to_string(*io.leaf_weight), field(".blockIO.leafWeight"));
    else
      b.warn(field(".blockIO.leafWeight") + ": ignored: the kernel has no CFQ leaf weights (removed in Linux 5.0)");
  }
  for (size_t i = 0; i < io.weight_device.size(); ++i) {
    const auto& d = io.weight_device[i];
    const std::string at = cat(field(".blockIO.weightDevice["), i, "]");
    const std::string key = detail::device_key(d.major, d.minor);
    if (d.weight && *d.weight) b.add("blkio", "blkio", weight_device, cat(key, ' ', *d.weight), at + ".weight");
    if (d.leaf_weight && *d.leaf_weight) {
      if (leaf)
        b.add("blkio", "blkio", "blkio.leaf_weight_device", cat(key, ' ', *d.leaf_weight), at + ".leafWeight");
      else
        b.warn(at + ".leafWeight: ignored: the kernel has no CFQ leaf weights (removed in Linux 5.0)");
    }
  }
  auto throttle = [&](const std::vector<oci::BlockIoThrottleDevice>& list, const char* file, const char* name) {
    for (size_t i = 0; i < list.size(); ++i)
      b.add("blkio", "blkio", file, cat(detail::device_key(list[i].major, list[i].minor), ' ', list[i].rate),
            cat(field(".blockIO."), name, '[', i, "].rate"));
  };
  throttle(io.throttle_read_bps_device, "blkio.throttle.read_bps_device", "throttleReadBpsDevice");
  throttle(io.throttle_write_bps_device, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice");
  throttle(io.throttle_read_iops_device, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice");
  throttle(io.throttle_write_iops_device, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice");
  return {};
}

Result<> hugetlb(PlanBuilder& b, const oci::Resources& r) {
  if (r.hugepage_limits.empty()) return {};
  TRY(detail::check_hugepage_limits(r));
  TRY(b.require("hugetlb", field(".hugepageLimits")));
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const auto& h = r.hugepage_limits[i];
    const std::string at = cat(field(".hugepageLimits["), i, "].limit");
    b.add("hugetlb", "hugetlb", "hugetlb." + h.page_size + ".limit_in_bytes", std::to_string(h.limit), at);
    // Reservations are what the spec asks to limit when the kernel can.
    if (b.facts().hugetlb_rsvd)
      b.add("hugetlb", "hugetlb", "hugetlb." + h.page_size + ".rsvd.limit_in_bytes", std::to_string(h.limit), at);
  }
  return {};
}

Result<> network(PlanBuilder& b, const oci::Resources& r) {
  if (detail::network_is_noop(r)) return {};
  const auto& n = *r.network;
  if (n.class_id) {
    TRY(b.require("net_cls", field(".network.classID")));
    b.add("net_cls", "net_cls", "net_cls.classid", std::to_string(*n.class_id), field(".network.classID"));
  }
  if (!n.priorities.empty()) TRY(b.require("net_prio", field(".network.priorities")));
  for (size_t i = 0; i < n.priorities.size(); ++i)
    b.add("net_prio", "net_prio", "net_prio.ifpriomap", cat(n.priorities[i].name, ' ', n.priorities[i].priority),
          cat(field(".network.priorities["), i, "]"));
  return {};
}

Result<> rdma(PlanBuilder& b, const oci::Resources& r) {
  if (detail::rdma_is_noop(r)) return {};
  TRY(b.require("rdma", field(".rdma")));
  for (const auto& [dev, limits] : r.rdma) {
    const std::string line = detail::rdma_line(dev, limits);
    if (!line.empty()) b.add("rdma", "rdma", "rdma.max", line, cat(field(".rdma[\""), dev, "\"]"));
  }
  return {};
}

// `unified` on a v1 host: nowhere to write. On a hybrid host the cgroup2
// hierarchy exists, so keys for the cgroup core ("cgroup.*") and for
// controllers that are not bound to v1 (listed in the unified root's
// cgroup.controllers) go to the container's unified directory.
Result<> unified(PlanBuilder& b, const oci::Resources& r, bool hybrid) {
  for (const auto& [key, value] : r.unified) {
    const std::string at = cat(field(".unified[\""), key, "\"]");
    if (!hybrid) return Err(ENODEV, at, ": cgroup v2 is not mounted on this host (it uses cgroup v1)");
    const size_t dot = key.find('.');
    if (key.find('/') != std::string::npos || dot == std::string::npos || dot == 0)
      return Err(EINVAL, at, ": expected a file name of the form <controller>.<name>");
    const std::string controller = key.substr(0, dot);
    if (controller != "cgroup" && !b.facts().unified_controllers.count(controller))
      return Err(ENODEV, at, ": the ", controller,
                 " controller is not available in the cgroup v2 hierarchy of this hybrid host"
                 " (set it through its v1 field instead)");
    for (const std::string& line : split(value, '\n'))
      if (!trim(line).empty()) b.add("", controller == "cgroup" ? "" : controller, key, line, at);
  }
  return {};
}

}  // namespace

Result<Plan> plan_v1(const oci::Resources& r, const HostFacts& facts, bool hybrid) {
  PlanBuilder b(facts);
  if (!r.devices.empty()) TRY(b.require("devices", field(".devices")));
  TRY(b.add_devices(r));
  TRY(memory(b, r));
  if (r.cpu) {
    TRY(detail::check_cpu(*r.cpu));
    TRY(cpu(b, *r.cpu));
    TRY(cpuset(b, *r.cpu));
  }
  TRY(pids(b, r));
  TRY(blkio(b, r));
  TRY(hugetlb(b, r));
  TRY(network(b, r));
  TRY(rdma(b, r));
  TRY(unified(b, r, hybrid));
  return b.take();
}

}  // namespace rt::cgroups
