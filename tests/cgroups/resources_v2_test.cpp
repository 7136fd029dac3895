#include <gtest/gtest.h>

#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::all_v2;
using testing::resources;
using testing::writes;
using V = std::vector<std::string>;

Plan plan_ok(const std::string& json, const HostFacts& f = all_v2()) {
  auto p = plan_v2(resources(json), f);
  EXPECT_TRUE(p.has_value()) << json << ": " << (p ? "" : p.error().to_string());
  return p ? *p : Plan{};
}

std::string plan_error(const std::string& json, const HostFacts& f = all_v2()) {
  auto p = plan_v2(resources(json), f);
  EXPECT_FALSE(p.has_value()) << json;
  return p ? "" : p.error().msg;
}

// Expected values computed independently (python3, the same quadratic).
TEST(Convert, SharesToWeightMatchesRuncAndCrun) {
  const std::pair<uint64_t, uint64_t> table[] = {{0, 0},     {1, 1},     {2, 1},      {3, 2},       {512, 59},
                                                 {1024, 100}, {2048, 174}, {100000, 4340}, {262143, 10000},
                                                 {262144, 10000}, {1000000, 10000}};
  for (const auto& [shares, weight] : table) EXPECT_EQ(shares_to_weight(shares), weight) << shares;
}

TEST(Convert, BlkioWeightToIoWeight) {
  EXPECT_EQ(blkio_weight_to_io_weight(0), 0u);
  EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
  EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST(Convert, SwapToV2) {
  struct Case {
    int64_t swap, limit, want;
  } ok[] = {{0, -1, -1}, {-1, 100, -1}, {0, 100, 0}, {500, -1, 500}, {300, 100, 200}, {100, 100, 0}};
  for (const auto& c : ok) EXPECT_EQ(*swap_to_v2(c.swap, c.limit), c.want) << c.swap << " " << c.limit;
  EXPECT_FALSE(swap_to_v2(100, 0).has_value());   // swap without a memory limit
  EXPECT_FALSE(swap_to_v2(50, 100).has_value());  // memsw below the limit
  EXPECT_FALSE(swap_to_v2(50, -5).has_value());
}

TEST(Convert, HugepageSizes) {
  for (const char* s : {"2MB", "1GB", "64KB", "16MB"}) EXPECT_TRUE(valid_hugepage_size(s)) << s;
  for (const char* s : {"", "MB", "2mb", "2M", "02MB", "2MB.rsvd", "x2MB"}) EXPECT_FALSE(valid_hugepage_size(s)) << s;
}

TEST(PlanV2, MemoryTable) {
  struct Case {
    const char* json;
    V want;
  } cases[] = {
      {R"({"memory":{"limit":1048576}})", {"unified:memory.max=1048576"}},
      {R"({"memory":{"limit":-1}})", {"unified:memory.swap.max=max", "unified:memory.max=max"}},
      {R"({"memory":{"limit":1000,"swap":3000}})", {"unified:memory.swap.max=2000", "unified:memory.max=1000"}},
      {R"({"memory":{"limit":1000,"swap":1000}})", {"unified:memory.swap.max=0", "unified:memory.max=1000"}},
      {R"({"memory":{"limit":1000,"swap":-1}})", {"unified:memory.swap.max=max", "unified:memory.max=1000"}},
      {R"({"memory":{"reservation":500}})", {"unified:memory.low=500"}},
  };
  for (const auto& c : cases) EXPECT_EQ(writes(plan_ok(c.json)), c.want) << c.json;
  // Without swap accounting memory.swap.max is missing: "max" and "0" are no-ops then.
  EXPECT_EQ(plan_ok(R"({"memory":{"limit":1000,"swap":1000}})").writes[0].flags, kSkipIfMissing);
  EXPECT_EQ(plan_ok(R"({"memory":{"limit":1000,"swap":3000}})").writes[0].flags, kNone);
}

TEST(PlanV2, MemoryErrorsAndIgnoredV1Knobs) {
  EXPECT_NE(plan_error(R"({"memory":{"swap":3000}})").find("$.linux.resources.memory.swap"), std::string::npos);
  EXPECT_NE(plan_error(R"({"memory":{"limit":3000,"swap":1000}})").find("must not be below"), std::string::npos);
  const Plan p = plan_ok(R"({"memory":{"swappiness":10,"disableOOMKiller":true,"useHierarchy":false,"kernel":1}})");
  EXPECT_TRUE(p.writes.empty());
  EXPECT_EQ(p.warnings.size(), 4u);
  EXPECT_TRUE(plan_ok(R"({"memory":{"useHierarchy":true,"disableOOMKiller":false}})").warnings.empty());
}

TEST(PlanV2, CheckBeforeUpdateRejectsALimitBelowUsage) {
  HostFacts f = all_v2();
  f.memory_usage = 5000;
  EXPECT_NE(plan_error(R"({"memory":{"limit":4000,"checkBeforeUpdate":true}})", f).find("below the current usage (5000)"),
            std::string::npos);
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":4000}})", f)), V{"unified:memory.max=4000"});
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":6000,"checkBeforeUpdate":true}})", f)), V{"unified:memory.max=6000"});
}

TEST(PlanV2, CpuTable) {
  struct Case {
    const char* json;
    V want;
  } cases[] = {
      {R"({"cpu":{"shares":1024}})", {"unified:cpu.weight=100"}},
      {R"({"cpu":{"quota":50000,"period":100000}})", {"unified:cpu.max=50000 100000"}},
      {R"({"cpu":{"quota":50000}})", {"unified:cpu.max=50000 100000"}},
      {R"({"cpu":{"quota":-1,"period":20000}})", {"unified:cpu.max=max 20000"}},
      {R"({"cpu":{"period":20000}})", {"unified:cpu.max=max 20000"}},
      {R"({"cpu":{"quota":5000,"burst":1000}})", {"unified:cpu.max.burst=1000", "unified:cpu.max=5000 100000"}},
      {R"({"cpu":{"idle":1,"shares":2}})", {"unified:cpu.idle=1", "unified:cpu.weight=1"}},
      {R"({"cpu":{"cpus":"1","mems":"0"}})", {"unified:cpuset.cpus=1", "unified:cpuset.mems=0"}},
  };
  for (const auto& c : cases) EXPECT_EQ(writes(plan_ok(c.json)), c.want) << c.json;
}

TEST(PlanV2, CpuMaxKeepsTheCurrentHalfTheConfigLeavesOut) {
  HostFacts f = all_v2();
  f.cpu_max = "30000 50000\n";
  EXPECT_EQ(writes(plan_ok(R"({"cpu":{"period":100000}})", f)), V{"unified:cpu.max=30000 100000"});
  EXPECT_EQ(writes(plan_ok(R"({"cpu":{"quota":10000}})", f)), V{"unified:cpu.max=10000 50000"});
}

TEST(PlanV2, RealtimeIsAnErrorOnV2) {
  EXPECT_EQ(plan_error(R"({"cpu":{"realtimeRuntime":1000}})"),
            "$.linux.resources.cpu.realtimeRuntime: cgroup v2 has no real-time group scheduling");
  EXPECT_TRUE(plan_ok(R"({"cpu":{"realtimeRuntime":0}})").writes.empty());
}

TEST(PlanV2, PidsLimit) {
  EXPECT_EQ(writes(plan_ok(R"({"pids":{"limit":0}})")), V{"unified:pids.max=0"});
  EXPECT_EQ(writes(plan_ok(R"({"pids":{"limit":-1}})")), V{"unified:pids.max=max"});
}

TEST(PlanV2, IoWithIoCostAndWithBfq) {
  const char* json = R"({"blockIO":{"weight":500,"leafWeight":20,"weightDevice":[{"major":8,"minor":0,"weight":1000}],
      "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1000}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":2000}],
      "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":3}],"throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":4}]}})";
  const V throttles = {"unified:io.max=8:0 rbps=1000", "unified:io.max=8:0 wbps=2000", "unified:io.max=8:0 riops=3",
                       "unified:io.max=8:0 wiops=4"};
  V want = {"unified:io.weight=4950", "unified:io.weight=8:0 10000"};
  want.insert(want.end(), throttles.begin(), throttles.end());
  const Plan p = plan_ok(json);
  EXPECT_EQ(writes(p), want);
  EXPECT_EQ(p.warnings.size(), 1u);  // leafWeight
  HostFacts bfq = all_v2();
  bfq.bfq_weight = true;
  want = {"unified:io.bfq.weight=500", "unified:io.bfq.weight=8:0 1000"};
  want.insert(want.end(), throttles.begin(), throttles.end());
  EXPECT_EQ(writes(plan_ok(json, bfq)), want);
}

TEST(PlanV2, Hugepages) {
  HostFacts f = all_v2();
  f.hugetlb_rsvd = true;
  EXPECT_EQ(writes(plan_ok(R"({"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]})", f)),
            (V{"unified:hugetlb.2MB.max=4194304", "unified:hugetlb.2MB.rsvd.max=4194304"}));
  EXPECT_EQ(writes(plan_ok(R"({"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]})")),
            V{"unified:hugetlb.2MB.max=4194304"});
}

TEST(PlanV2, NetworkIsV1OnlyAndRdmaIsWritten) {
  EXPECT_EQ(plan_error(R"({"network":{"classID":1}})"),
            "$.linux.resources.network: net_cls and net_prio are cgroup v1 controllers; cgroup v2 has none");
  EXPECT_TRUE(plan_ok(R"({"network":{}})").writes.empty());
  EXPECT_EQ(writes(plan_ok(R"({"rdma":{"mlx5_1":{"hcaHandles":3}}})")), V{"unified:rdma.max=mlx5_1 hca_handle=3"});
}

TEST(PlanV2, UnifiedIsWrittenLastLineByLine) {
  const Plan p = plan_ok(R"({"pids":{"limit":5},"unified":{"io.max":"8:0 rbps=1\n8:16 wbps=2\n","cgroup.max.depth":"3"}})");
  EXPECT_EQ(writes(p), (V{"unified:pids.max=5", "unified:cgroup.max.depth=3", "unified:io.max=8:0 rbps=1",
                          "unified:io.max=8:16 wbps=2"}));
  EXPECT_EQ(p.writes[3].field, "$.linux.resources.unified[\"io.max\"]");
}

TEST(PlanV2, UnifiedNeedsAnAvailableControllerAndAFileName) {
  HostFacts f;
  f.controllers = {"pids"};
  EXPECT_EQ(plan_error(R"({"unified":{"memory.high":"1"}})", f),
            "$.linux.resources.unified[\"memory.high\"]: the memory cgroup controller is not available on this host");
  EXPECT_NE(plan_error(R"({"unified":{"nodot":"1"}})", f).find("<controller>.<name>"), std::string::npos);
  EXPECT_NE(plan_error(R"({"unified":{"../x.y":"1"}})", f).find("<controller>.<name>"), std::string::npos);
}

TEST(PlanV2, MissingControllersNameTheField) {
  HostFacts none;  // the private-namespace cgroup2 of the smoke test: no controllers at all
  EXPECT_EQ(plan_error(R"({"pids":{"limit":5}})", none),
            "$.linux.resources.pids.limit: the pids cgroup controller is not available on this host");
  EXPECT_EQ(plan_error(R"({"memory":{"limit":5}})", none),
            "$.linux.resources.memory: the memory cgroup controller is not available on this host");
  EXPECT_EQ(plan_error(R"({"hugepageLimits":[{"pageSize":"2MB","limit":1}]})", none),
            "$.linux.resources.hugepageLimits: the hugetlb cgroup controller is not available on this host");
  // Devices need no controller on v2 (the eBPF hook is always there).
  EXPECT_TRUE(plan_ok(R"({"devices":[{"allow":false,"access":"rwm"}]})", none).devices.has_value());
}

}  // namespace
}  // namespace rt::cgroups
