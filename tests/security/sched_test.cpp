// Scheduler, I/O priority, CPU affinity, memory policy and personality:
// pure plans as tables, then applied in a child and read back.
#include "runtime/security/sched.hpp"

#include <gtest/gtest.h>
#include <linux/ioprio.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "runtime/security/mempolicy.hpp"
#include "tests/security/child.hpp"

namespace rt::security {
namespace {

using testing::put;
using testing::run_in_child;

oci::Scheduler sched(std::string policy, int nice = 0, int prio = 0, std::vector<std::string> flags = {},
                     uint64_t runtime = 0, uint64_t deadline = 0, uint64_t period = 0) {
  return oci::Scheduler{std::move(policy), nice, prio, std::move(flags), runtime, deadline, period};
}

std::string sched_error(const oci::Scheduler& s) {
  auto a = plan_scheduler(s);
  return a ? std::string("(no error)") : a.error().msg;
}

TEST(SchedulerPlan, PoliciesAndFields) {
  auto a = plan_scheduler(sched("SCHED_OTHER", 5, 0, {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS"}));
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(a->sched_policy, static_cast<uint32_t>(SCHED_OTHER));
  EXPECT_EQ(a->sched_nice, 5);
  EXPECT_EQ(a->sched_flags, 0x01u | 0x10u);
  EXPECT_EQ(a->size, 56u);
  EXPECT_EQ(plan_scheduler(sched("SCHED_FIFO", 0, 10))->sched_priority, 10u);
  EXPECT_EQ(plan_scheduler(sched("SCHED_RR", 0, 99))->sched_policy, static_cast<uint32_t>(SCHED_RR));
  EXPECT_EQ(plan_scheduler(sched("SCHED_BATCH", -3))->sched_policy, static_cast<uint32_t>(SCHED_BATCH));
  EXPECT_EQ(plan_scheduler(sched("SCHED_IDLE"))->sched_policy, static_cast<uint32_t>(SCHED_IDLE));
  auto dl = plan_scheduler(
      sched("SCHED_DEADLINE", 0, 0, {"SCHED_FLAG_DL_OVERRUN"}, 10'000'000, 30'000'000, 100'000'000));
  ASSERT_TRUE(dl) << dl.error().to_string();
  EXPECT_EQ(dl->sched_policy, 6u);
  EXPECT_EQ(dl->sched_runtime, 10'000'000u);
  EXPECT_EQ(dl->sched_deadline, 30'000'000u);
  EXPECT_EQ(dl->sched_period, 100'000'000u);
  EXPECT_EQ(dl->sched_flags, 0x04u);
  auto clamp =
      plan_scheduler(sched("SCHED_OTHER", 0, 0, {"SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"}));
  EXPECT_EQ(clamp->sched_util_min, 0u);
  EXPECT_EQ(clamp->sched_util_max, 1024u);
}

TEST(SchedulerPlan, Errors) {
  EXPECT_EQ(sched_error(sched("SCHED_ISO")),
            "$.process.scheduler.policy: SCHED_ISO is reserved but not implemented by Linux");
  EXPECT_EQ(sched_error(sched("SCHED_BOGUS")),
            "$.process.scheduler.policy: unknown scheduler policy \"SCHED_BOGUS\"");
  EXPECT_EQ(sched_error(sched("SCHED_FIFO")),
            "$.process.scheduler.priority: must be in [1, 99] for SCHED_FIFO, got 0");
  EXPECT_EQ(sched_error(sched("SCHED_OTHER", 0, 3)),
            "$.process.scheduler.priority: must be 0 for SCHED_OTHER, got 3");
  EXPECT_EQ(sched_error(sched("SCHED_OTHER", 20)), "$.process.scheduler.nice: must be in [-20, 19], got 20");
  EXPECT_EQ(sched_error(sched("SCHED_OTHER", 0, 0, {}, 1000)),
            "$.process.scheduler: runtime, deadline and period are only valid with SCHED_DEADLINE");
  EXPECT_EQ(sched_error(sched("SCHED_DEADLINE", 0, 0, {}, 100, 1000)),
            "$.process.scheduler.runtime: SCHED_DEADLINE needs a runtime of at least 1024 ns");
  EXPECT_EQ(sched_error(sched("SCHED_DEADLINE", 0, 0, {}, 5000, 4000)),
            "$.process.scheduler.deadline: must not be below runtime (5000 ns)");
  EXPECT_EQ(sched_error(sched("SCHED_DEADLINE", 0, 0, {}, 5000, 6000, 5500)),
            "$.process.scheduler.period: must not be below deadline (6000 ns)");
  EXPECT_EQ(sched_error(sched("SCHED_OTHER", 0, 0, {"SCHED_FLAG_X"})),
            "$.process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"");
}

TEST(IoPriorityPlan, ClassAndPriority) {
  EXPECT_EQ(*plan_io_priority({"IOPRIO_CLASS_RT", 0}), IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 0));
  EXPECT_EQ(*plan_io_priority({"IOPRIO_CLASS_BE", 7}), IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 7));
  EXPECT_EQ(*plan_io_priority({"IOPRIO_CLASS_IDLE", 0}), IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0));
  EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_X", 0}).error().msg,
            "$.process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_X\"");
  EXPECT_EQ(plan_io_priority({"IOPRIO_CLASS_BE", 8}).error().msg,
            "$.process.ioPriority.priority: must be in [0, 7], got 8");
}

TEST(IdList, ParsesRangesAndRejectsJunk) {
  EXPECT_EQ(*parse_id_list("0-3,7", 64, "$.p"), (std::vector<unsigned>{0, 1, 2, 3, 7}));
  EXPECT_EQ(*parse_id_list("3,1,1", 64, "$.p"), (std::vector<unsigned>{1, 3}));
  EXPECT_EQ(parse_id_list("", 64, "$.p").error().msg, "$.p: empty list");
  EXPECT_EQ(parse_id_list("3-1", 64, "$.p").error().msg, "$.p: invalid list \"3-1\"");
  EXPECT_FALSE(parse_id_list("1,,2", 64, "$.p"));
  EXPECT_FALSE(parse_id_list("a", 64, "$.p"));
  EXPECT_FALSE(parse_id_list("-1", 64, "$.p"));
  EXPECT_EQ(parse_id_list("0,64", 64, "$.p").error().msg, "$.p: 64 is out of range (at most 63)");
  const auto set = plan_cpu_set("1,3-4", "$.p");
  ASSERT_TRUE(set);
  EXPECT_EQ(CPU_COUNT(&*set), 3);
  EXPECT_TRUE(CPU_ISSET(4, &*set));
}

MemPolicy mempolicy_ok(const oci::MemoryPolicy& p) {
  auto m = plan_memory_policy(p);
  EXPECT_TRUE(m) << m.error().to_string();
  return m ? *m : MemPolicy{};
}

TEST(MemoryPolicyPlan, ModesFlagsAndNodemask) {
  EXPECT_EQ(mempolicy_ok({"MPOL_BIND", "0-1,3", {}}), (MemPolicy{2, {0b1011}}));
  EXPECT_EQ(mempolicy_ok({"MPOL_INTERLEAVE", "0", {"MPOL_F_STATIC_NODES"}}), (MemPolicy{3 | (1 << 15), {1}}));
  EXPECT_EQ(mempolicy_ok({"MPOL_WEIGHTED_INTERLEAVE", "64", {}}), (MemPolicy{6, {0, 1}}));
  EXPECT_EQ(mempolicy_ok({"MPOL_PREFERRED", "", {}}), (MemPolicy{1, {}}));
  EXPECT_EQ(mempolicy_ok({"MPOL_LOCAL", "", {}}), (MemPolicy{4, {}}));
  EXPECT_EQ(mempolicy_ok({"MPOL_BIND", "0", {"MPOL_F_NUMA_BALANCING"}}).mode, 2 | (1 << 13));
}

TEST(MemoryPolicyPlan, Errors) {
  const auto error = [](oci::MemoryPolicy p) { return plan_memory_policy(p).error().msg; };
  EXPECT_EQ(error({"MPOL_DEFAULT", "0", {}}), "$.linux.memoryPolicy.nodes: must be empty for MPOL_DEFAULT");
  EXPECT_EQ(error({"MPOL_BIND", "", {}}), "$.linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
  EXPECT_EQ(error({"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}}),
            "$.linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  EXPECT_EQ(error({"MPOL_INTERLEAVE", "0", {"MPOL_F_NUMA_BALANCING"}}),
            "$.linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND or MPOL_PREFERRED_MANY");
  EXPECT_EQ(error({"MPOL_X", "", {}}), "$.linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_X\"");
  EXPECT_EQ(error({"MPOL_BIND", "0", {"MPOL_F_X"}}),
            "$.linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\"");
  EXPECT_EQ(error({"MPOL_BIND", "4096", {}}),
            "$.linux.memoryPolicy.nodes: 4096 is out of range (at most 4095)");
}

TEST(PersonalityPlan, DomainsAndIgnoredFlags) {
  oci::Issues w;
  EXPECT_EQ(*plan_personality({"LINUX", {}}, w), static_cast<unsigned long>(PER_LINUX));
  EXPECT_EQ(*plan_personality({"LINUX32", {"ADDR_NO_RANDOMIZE"}}, w),
            static_cast<unsigned long>(PER_LINUX32));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].path, "$.linux.personality.flags[0]");
  EXPECT_EQ(plan_personality({"LINUX64", {}}, w).error().msg,
            "$.linux.personality.domain: unknown personality domain \"LINUX64\"");
}

// ---- applied in a child --------------------------------------------------------------------------

#define CHILD_TRY(out, expr)                                        \
  do {                                                              \
    if (auto r_ = (expr); !r_) testing::put_error(out, r_.error()); \
  } while (0)

TEST(AttributesApply, PersonalityLinux32ShowsA32BitMachine) {
  auto r = run_in_child([](int out) {
    CHILD_TRY(out, apply_personality(PER_LINUX32));
    utsname u;
    ::uname(&u);
    put(out, std::string(u.machine) + " " + std::to_string(::personality(0xffffffff)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
#if defined(__x86_64__)
  EXPECT_EQ(r.output, "i686 " + std::to_string(PER_LINUX32));
#endif
}

TEST(AttributesApply, SchedulerOtherWithNiceAndResetOnFork) {
  const auto a = *plan_scheduler(sched("SCHED_OTHER", 7, 0, {"SCHED_FLAG_RESET_ON_FORK"}));
  auto r = run_in_child([&](int out) {
    CHILD_TRY(out, apply_scheduler(a));
    errno = 0;
    put(out,
        std::to_string(::sched_getscheduler(0)) + " nice " + std::to_string(::getpriority(PRIO_PROCESS, 0)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, std::to_string(SCHED_OTHER | SCHED_RESET_ON_FORK) + " nice 7");
}

TEST(AttributesApply, SchedulerFifoAndDeadline) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs CAP_SYS_NICE";
  const auto fifo = *plan_scheduler(sched("SCHED_FIFO", 0, 10));
  auto r = run_in_child([&](int out) {
    CHILD_TRY(out, apply_scheduler(fifo));
    sched_param p{};
    ::sched_getparam(0, &p);
    put(out, std::to_string(::sched_getscheduler(0)) + " prio " + std::to_string(p.sched_priority));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, std::to_string(SCHED_FIFO) + " prio 10");

  const auto dl = *plan_scheduler(sched("SCHED_DEADLINE", 0, 0, {}, 2'000'000, 20'000'000, 100'000'000));
  r = run_in_child([&](int out) {
    CHILD_TRY(out, apply_all_cpus_affinity());
    CHILD_TRY(out, apply_scheduler(dl));
    SchedAttr got{};
    if (::syscall(SYS_sched_getattr, 0, &got, sizeof got, 0) < 0) return 3;
    put(out, std::to_string(got.sched_policy) + " " + std::to_string(got.sched_runtime) + " " +
                 std::to_string(got.sched_deadline) + " " + std::to_string(got.sched_period));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "6 2000000 20000000 100000000");
}

TEST(AttributesApply, IoPriority) {
  const int value = *plan_io_priority({"IOPRIO_CLASS_BE", 3});
  auto r = run_in_child([&](int out) {
    CHILD_TRY(out, apply_io_priority(value));
    put(out, std::to_string(::syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, std::to_string(IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3)));
}

std::string affinity_list() {
  cpu_set_t s;
  ::sched_getaffinity(0, sizeof s, &s);
  std::string out;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &s)) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

TEST(AttributesApply, AffinityResetAndExplicitLists) {
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 2) GTEST_SKIP() << "needs two CPUs";
  const auto only0 = *plan_cpu_set("0", "$"), only1 = *plan_cpu_set("1", "$");
  auto r = run_in_child([&](int out) {
    CHILD_TRY(out, apply_affinity(only0));  // a caller with a narrowed affinity
    put(out, affinity_list() + "|");
    CHILD_TRY(out, apply_all_cpus_affinity());
    put(out, affinity_list() + "|");
    CHILD_TRY(out, apply_affinity(only1));
    put(out, affinity_list());
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  std::string all;  // every online CPU (this test's cgroup does not narrow cpuset.cpus)
  for (long i = 0; i < cpus; ++i) all += (i ? "," : "") + std::to_string(i);
  EXPECT_EQ(r.output, "0|" + all + "|1");
}

TEST(AttributesApply, MemoryPolicy) {
  for (const auto& [policy, want_mode] :
       {std::pair{oci::MemoryPolicy{"MPOL_BIND", "0", {}}, 2},
        std::pair{oci::MemoryPolicy{"MPOL_INTERLEAVE", "0", {"MPOL_F_STATIC_NODES"}}, 3 | (1 << 15)}}) {
    const auto m = *plan_memory_policy(policy);
    auto r = run_in_child([&](int out) {
      CHILD_TRY(out, apply_memory_policy(m));
      int mode = -1;
      unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {};
      if (::syscall(SYS_get_mempolicy, &mode, mask, 1024, nullptr, 0) < 0) return 3;
      put(out, std::to_string(mode) + " " + std::to_string(mask[0]));
      return 0;
    });
    ASSERT_TRUE(r.exited_ok()) << policy.mode << ": " << r.output;
    EXPECT_EQ(r.output, std::to_string(want_mode) + " 1") << policy.mode;
  }
}

}  // namespace
}  // namespace rt::security
