#include "runtime/security/sched.hpp"

#include <linux/ioprio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/base/str.hpp"

namespace rt::security {
namespace {

constexpr std::pair<std::string_view, uint32_t> kPolicies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_DEADLINE", 6}};

constexpr std::pair<std::string_view, uint64_t> kSchedFlags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},     {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},   {"SCHED_FLAG_KEEP_PARAMS", 0x10}, {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}};

constexpr uint32_t kSchedDeadline = 6;
constexpr uint64_t kMinDeadlineRuntime = 1024;  // ns; the kernel's lower bound (1 << DL_SCALE)
constexpr uint32_t kUtilClampMax = 1024;        // SCHED_CAPACITY_SCALE

std::string_view policy_name(uint32_t policy) {
  for (const auto& [name, value] : kPolicies)
    if (value == policy) return name;
  return "SCHED_?";
}

Result<> check_deadline(const oci::Scheduler& s, const std::string& base) {
  if (s.runtime < kMinDeadlineRuntime)
    return Err(0, base, ".runtime: SCHED_DEADLINE needs a runtime of at least ", kMinDeadlineRuntime, " ns");
  if (s.deadline < s.runtime)
    return Err(0, base, ".deadline: must not be below runtime (", s.runtime, " ns)");
  if (s.period != 0 && s.period < s.deadline)
    return Err(0, base, ".period: must not be below deadline (", s.deadline, " ns)");
  return {};
}

Result<> check_priority_and_nice(const oci::Scheduler& s, uint32_t policy, const std::string& base) {
  const bool realtime = policy == SCHED_FIFO || policy == SCHED_RR;
  if (realtime && (s.priority < 1 || s.priority > 99))
    return Err(0, base, ".priority: must be in [1, 99] for ", s.policy, ", got ", s.priority);
  if (!realtime && s.priority != 0)
    return Err(0, base, ".priority: must be 0 for ", s.policy, ", got ", s.priority);
  if (s.nice < -20 || s.nice > 19) return Err(0, base, ".nice: must be in [-20, 19], got ", s.nice);
  if (policy != kSchedDeadline && (s.runtime || s.deadline || s.period))
    return Err(0, base, ": runtime, deadline and period are only valid with SCHED_DEADLINE");
  return {};
}

}  // namespace

Result<SchedAttr> plan_scheduler(const oci::Scheduler& s, const std::string& base) {
  if (s.policy == "SCHED_ISO")
    return Err(0, base, ".policy: SCHED_ISO is reserved but not implemented by Linux");
  const auto* p = std::find_if(std::begin(kPolicies), std::end(kPolicies),
                               [&](const auto& kv) { return kv.first == s.policy; });
  if (p == std::end(kPolicies))
    return Err(0, base, ".policy: unknown scheduler policy ", oci::quote(s.policy));
  SchedAttr a;
  a.sched_policy = p->second;
  TRY(check_priority_and_nice(s, a.sched_policy, base));
  if (a.sched_policy == kSchedDeadline) TRY(check_deadline(s, base));
  for (size_t i = 0; i < s.flags.size(); ++i) {
    const auto* f = std::find_if(std::begin(kSchedFlags), std::end(kSchedFlags),
                                 [&](const auto& kv) { return kv.first == s.flags[i]; });
    if (f == std::end(kSchedFlags))
      return Err(0, base, ".flags[", i, "]: unknown scheduler flag ", oci::quote(s.flags[i]));
    a.sched_flags |= f->second;
  }
  a.sched_nice = s.nice;
  a.sched_priority = static_cast<uint32_t>(s.priority);
  a.sched_runtime = s.runtime;
  a.sched_deadline = s.deadline;
  a.sched_period = s.period;
  a.sched_util_max = kUtilClampMax;
  return a;
}

Result<> apply_scheduler(const SchedAttr& attr) {
  SchedAttr copy = attr;  // the kernel may write the size back on E2BIG
  if (::syscall(SYS_sched_setattr, 0, &copy, 0) == 0) return {};
  const int e = errno;
  if (e == EBUSY && attr.sched_policy == kSchedDeadline)
    return Err(e,
               "sched_setattr(SCHED_DEADLINE): the deadline bandwidth is not available (admission control)");
  if (e == EPERM && (attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR))
    // With RT group scheduling a new cgroup has cpu.rt_runtime_us 0: no
    // realtime task may run in it, whatever the capabilities.
    return Err(e, "sched_setattr(", policy_name(attr.sched_policy),
               "): needs CAP_SYS_NICE or a matching RLIMIT_RTPRIO, and on kernels with RT group "
               "scheduling realtime runtime in the container's cpu cgroup "
               "($.linux.resources.cpu.realtimeRuntime)");
  if (e == EPERM)
    return Err(e, "sched_setattr(", policy_name(attr.sched_policy),
               "): needs CAP_SYS_NICE or a matching RLIMIT_RTPRIO/RLIMIT_NICE (SCHED_DEADLINE also needs "
               "the full CPU affinity)");
  return Err(e, "sched_setattr(", policy_name(attr.sched_policy), ")");
}

Result<int> plan_io_priority(const oci::IoPriority& p, const std::string& base) {
  int klass;
  if (p.klass == "IOPRIO_CLASS_RT")
    klass = IOPRIO_CLASS_RT;
  else if (p.klass == "IOPRIO_CLASS_BE")
    klass = IOPRIO_CLASS_BE;
  else if (p.klass == "IOPRIO_CLASS_IDLE")
    klass = IOPRIO_CLASS_IDLE;
  else
    return Err(0, base, ".class: unknown I/O priority class ", oci::quote(p.klass));
  if (p.priority < 0 || p.priority > 7) return Err(0, base, ".priority: must be in [0, 7], got ", p.priority);
  return IOPRIO_PRIO_VALUE(klass, p.priority);
}

Result<> apply_io_priority(int value) {
  if (::syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return ErrnoErr("ioprio_set(class ", value >> IOPRIO_CLASS_SHIFT, ", priority ", value & 7, ")");
  return {};
}

Result<std::vector<unsigned>> parse_id_list(std::string_view list, unsigned limit, const std::string& path) {
  std::vector<unsigned> ids;
  if (list.empty()) return Err(0, path, ": empty list");
  for (const std::string& item : split(list, ',')) {
    const auto dash = item.find('-');
    const auto lo = parse_int<unsigned>(std::string_view(item).substr(0, dash));
    const auto hi =
        dash == std::string::npos ? lo : parse_int<unsigned>(std::string_view(item).substr(dash + 1));
    if (!lo || !hi || *lo > *hi) return Err(0, path, ": invalid list ", oci::quote(list));
    if (*hi >= limit) return Err(0, path, ": ", *hi, " is out of range (at most ", limit - 1, ")");
    for (unsigned id = *lo; id <= *hi; ++id) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<cpu_set_t> plan_cpu_set(std::string_view list, const std::string& path) {
  TRY_ASSIGN(const auto ids, parse_id_list(list, CPU_SETSIZE, path));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned id : ids) CPU_SET(id, &set);
  return set;
}

Result<> apply_affinity(const cpu_set_t& cpus) {
  if (::sched_setaffinity(0, sizeof cpus, &cpus) < 0)
    return ErrnoErr("sched_setaffinity (", CPU_COUNT(&cpus), " CPUs)");
  return {};
}

Result<> apply_all_cpus_affinity() {
  // 8192 bits: the largest NR_CPUS a distribution kernel is built with.
  static unsigned long all[8192 / (8 * sizeof(unsigned long))];
  std::fill(std::begin(all), std::end(all), ~0ul);
  if (::syscall(SYS_sched_setaffinity, 0, sizeof all, all) < 0)
    return ErrnoErr("sched_setaffinity (all CPUs)");
  return {};
}

}  // namespace rt::security
