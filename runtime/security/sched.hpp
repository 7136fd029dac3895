// Scheduling attributes of the container process: process.scheduler
// (sched_setattr), process.ioPriority (ioprio_set) and CPU affinity
// (process.execCPUAffinity, and the reset to all CPUs by default). Each has
// a PURE plan function (table-tested) and a thin apply for the child.
#pragma once

#include <sched.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::security {

// The kernel's struct sched_attr, SCHED_ATTR_SIZE_VER1 (with utilization clamps).
struct SchedAttr {
  uint32_t size = 56;
  uint32_t sched_policy = 0;
  uint64_t sched_flags = 0;
  int32_t sched_nice = 0;
  uint32_t sched_priority = 0;
  uint64_t sched_runtime = 0, sched_deadline = 0, sched_period = 0;
  uint32_t sched_util_min = 0, sched_util_max = 0;
  bool operator==(const SchedAttr&) const = default;
};
static_assert(sizeof(SchedAttr) == 56, "struct sched_attr VER1 layout");

// The spec gives no clamp values: SCHED_FLAG_UTIL_CLAMP_MIN/MAX reset the
// clamps to the kernel defaults (0 and 1024, i.e. unclamped).
Result<SchedAttr> plan_scheduler(const oci::Scheduler& s, const std::string& base = "$.process.scheduler");
Result<> apply_scheduler(const SchedAttr& attr);

// IOPRIO_PRIO_VALUE(class, priority).
Result<int> plan_io_priority(const oci::IoPriority& p, const std::string& base = "$.process.ioPriority");
Result<> apply_io_priority(int value);

// "0-3,7" -> {0,1,2,3,7}; every id must be below `limit`.
Result<std::vector<unsigned>> parse_id_list(std::string_view list, unsigned limit, const std::string& path);
Result<cpu_set_t> plan_cpu_set(std::string_view list, const std::string& path);
Result<> apply_affinity(const cpu_set_t& cpus);
// Every CPU the kernel may ever have (the kernel clamps the mask to the
// possible CPUs and the cgroup's cpuset).
Result<> apply_all_cpus_affinity();

}  // namespace rt::security
