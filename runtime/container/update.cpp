// update: merge new resource values into the container's and write them.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "oci/parse.hpp"
#include "oci/serialize.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/cgroup_ops.hpp"

namespace rt::container {
namespace {

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

oci::MemoryResources merge_memory(oci::MemoryResources m, const oci::MemoryResources& u) {
  take(m.limit, u.limit);
  take(m.reservation, u.reservation);
  take(m.swappiness, u.swappiness);
  take(m.disable_oom_killer, u.disable_oom_killer);
  take(m.use_hierarchy, u.use_hierarchy);
  take(m.check_before_update, u.check_before_update);
  if (u.swap) {
    m.swap = u.swap;
  } else if (u.limit && *u.limit == -1) {
    // "unlimited memory" lifts the swap limit too, unless swap is given
    // (runc: avoids "unable to set swap limit without memory limit").
    m.swap.reset();
  }
  m.kernel.reset();  // no kernel of the last years limits kernel memory
  m.kernel_tcp.reset();
  return m;
}

oci::CpuResources merge_cpu(oci::CpuResources c, const oci::CpuResources& u) {
  take(c.shares, u.shares);
  take(c.quota, u.quota);
  take(c.period, u.period);
  take(c.burst, u.burst);
  take(c.realtime_runtime, u.realtime_runtime);
  take(c.realtime_period, u.realtime_period);
  take(c.idle, u.idle);
  // cpu.weight cannot be written while the cgroup is idle (runc).
  if (u.idle && !u.shares) c.shares.reset();
  if (!u.cpus.empty()) c.cpus = u.cpus;
  if (!u.mems.empty()) c.mems = u.mems;
  return c;
}

template <class T, class Same, class Merge>
void upsert(std::vector<T>& list, const std::vector<T>& updates, Same same, Merge merge) {
  for (const T& u : updates) {
    auto it = std::find_if(list.rbegin(), list.rend(), [&](const T& x) { return same(x, u); });
    if (it == list.rend()) list.push_back(u);
    else merge(*it, u);
  }
}

oci::BlockIoResources merge_blkio(oci::BlockIoResources b, const oci::BlockIoResources& u) {
  take(b.weight, u.weight);
  take(b.leaf_weight, u.leaf_weight);
  auto same_dev = [](const auto& a, const auto& c) { return a.major == c.major && a.minor == c.minor; };
  upsert(b.weight_device, u.weight_device, same_dev, [](oci::BlockIoWeightDevice& d, const oci::BlockIoWeightDevice& n) {
    take(d.weight, n.weight);
    take(d.leaf_weight, n.leaf_weight);
  });
  auto rate = [](oci::BlockIoThrottleDevice& d, const oci::BlockIoThrottleDevice& n) { d.rate = n.rate; };
  upsert(b.throttle_read_bps_device, u.throttle_read_bps_device, same_dev, rate);
  upsert(b.throttle_write_bps_device, u.throttle_write_bps_device, same_dev, rate);
  upsert(b.throttle_read_iops_device, u.throttle_read_iops_device, same_dev, rate);
  upsert(b.throttle_write_iops_device, u.throttle_write_iops_device, same_dev, rate);
  return b;
}

// The resources the container has now: the last update's, or the config's.
Result<oci::Resources> stored_resources(const ContainerDir& dir) {
  const bool updated = ::faccessat(dir.fd(), kResourcesFile, F_OK, 0) == 0;
  TRY_ASSIGN(const std::string text, fs::read_regular_file_at(dir.fd(), updated ? kResourcesFile : kConfigFile));
  if (updated) {
    auto r = oci::parse_resources(text);
    if (!r) return Err(0, dir.path(), "/", kResourcesFile, ": ", r.error().to_string());
    return std::move(*r);
  }
  auto spec = oci::parse_config(text);
  if (!spec) return Err(0, dir.path(), "/", kConfigFile, ": ", spec.error().to_string());
  if (!spec->linux || !spec->linux->resources) return oci::Resources{};
  return *spec->linux->resources;
}

Result<> check_intel_rdt(const UpdateRequest& req) {
  if (req.l3_cache_schema.empty() && req.mem_bw_schema.empty()) return {};
  const bool resctrl = fs::exists("/sys/fs/resctrl/info");
  if (!req.l3_cache_schema.empty() && !(resctrl && fs::exists("/sys/fs/resctrl/info/L3")))
    return Err(0, "Intel RDT/CAT: l3 cache schema is not enabled");
  if (!req.mem_bw_schema.empty() && !(resctrl && fs::exists("/sys/fs/resctrl/info/MB")))
    return Err(0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
  // As runc: an update cannot start Intel RDT for a container created
  // without it, and ocirun never creates an RDT group.
  return Err(0, "updating a non-existent Intel RDT configuration is not supported");
}

}  // namespace

oci::Resources merge_resources(const oci::Resources& stored, const oci::Resources& u) {
  oci::Resources r = stored;
  if (u.memory) r.memory = merge_memory(r.memory.value_or(oci::MemoryResources{}), *u.memory);
  else if (r.memory) r.memory = merge_memory(*r.memory, {});
  if (u.cpu) r.cpu = merge_cpu(r.cpu.value_or(oci::CpuResources{}), *u.cpu);
  if (u.pids && u.pids->limit) r.pids = u.pids;
  if (u.block_io) r.block_io = merge_blkio(r.block_io.value_or(oci::BlockIoResources{}), *u.block_io);
  upsert(r.hugepage_limits, u.hugepage_limits, [](const auto& a, const auto& b) { return a.page_size == b.page_size; },
         [](oci::HugepageLimit& h, const oci::HugepageLimit& n) { h.limit = n.limit; });
  if (u.network) {
    oci::NetworkResources n = r.network.value_or(oci::NetworkResources{});
    take(n.class_id, u.network->class_id);
    upsert(n.priorities, u.network->priorities, [](const auto& a, const auto& b) { return a.name == b.name; },
           [](oci::InterfacePriority& p, const oci::InterfacePriority& q) { p.priority = q.priority; });
    r.network = std::move(n);
  }
  for (const auto& [dev, limits] : u.rdma) {
    take(r.rdma[dev].hca_handles, limits.hca_handles);
    take(r.rdma[dev].hca_objects, limits.hca_objects);
  }
  for (const auto& [key, value] : u.unified) r.unified[key] = value;
  return r;
}

Result<> update(const Context& ctx, const std::string& id, const UpdateRequest& req) {
  TRY_ASSIGN(auto dir, ctx.store.open(id, Lock::kExclusive));
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (in.status == Status::kStopped || in.status == Status::kCreating) return Err(0, "container not running");
  TRY(check_intel_rdt(req));
  if (!req.resources.devices.empty()) log::warn("devices: ignored: update cannot change device rules");
  if (req.resources.memory && (req.resources.memory->kernel || req.resources.memory->kernel_tcp))
    log::warn("Kernel memory settings are ignored and will be removed");
  TRY_ASSIGN(auto cgroup, load_cgroup(in.state));
  if (!cgroup) return Err(0, "container ", id, " has no cgroup to update");
  TRY_ASSIGN(const oci::Resources before, stored_resources(dir));
  const oci::Resources after = merge_resources(before, req.resources);
  // Device rules stay as create set them (runc's SkipDevices).
  oci::Resources apply = after;
  apply.devices.clear();
  if (auto r = cgroup->update(apply); !r) {
    oci::Resources undo = merge_resources(before, {});
    undo.devices.clear();
    if (auto back = cgroup->update(undo); !back)
      log::warn("restoring the previous resources of ", id, ": ", back.error().to_string());
    return ErrFrom(std::move(r).error().context("updating container ", id));
  }
  return with_context(fs::write_file_atomic(dir.fd(), kResourcesFile, oci::to_json(after)), "saving the resources of ",
                      id);
}

}  // namespace rt::container
