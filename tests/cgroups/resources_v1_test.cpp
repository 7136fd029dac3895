#include <gtest/gtest.h>

#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::all_v1;
using testing::resources;
using testing::this_host_v1;
using testing::writes;
using V = std::vector<std::string>;

Plan plan_ok(const std::string& json, const HostFacts& f = all_v1(), bool hybrid = false) {
  auto p = plan_v1(resources(json), f, hybrid);
  EXPECT_TRUE(p.has_value()) << json << ": " << (p ? "" : p.error().to_string());
  return p ? *p : Plan{};
}

std::string plan_error(const std::string& json, const HostFacts& f = all_v1(), bool hybrid = false) {
  auto p = plan_v1(resources(json), f, hybrid);
  EXPECT_FALSE(p.has_value()) << json;
  return p ? "" : p.error().msg;
}

TEST(PlanV1, EmptyResourcesWriteNothing) {
  EXPECT_TRUE(plan_ok("{}").writes.empty());
  EXPECT_TRUE(plan_ok(R"({"memory":{},"cpu":{},"pids":{},"blockIO":{},"network":{},"rdma":{}})", this_host_v1()).writes.empty());
}

TEST(PlanV1, MemoryTable) {
  struct Case {
    const char* json;
    V want;
  } cases[] = {
      {R"({"memory":{"limit":1048576}})", {"memory:memory.limit_in_bytes=1048576"}},
      {R"({"memory":{"limit":1048576,"swap":2097152}})",
       {"memory:memory.limit_in_bytes=1048576", "memory:memory.memsw.limit_in_bytes=2097152"}},
      // unlimited memory lifts memsw too
      {R"({"memory":{"limit":-1}})", {"memory:memory.memsw.limit_in_bytes=-1", "memory:memory.limit_in_bytes=-1"}},
      {R"({"memory":{"limit":-1,"swap":-1}})", {"memory:memory.memsw.limit_in_bytes=-1", "memory:memory.limit_in_bytes=-1"}},
      {R"({"memory":{"limit":0,"reservation":0}})", {}},  // 0 means unset, as in runc
      {R"({"memory":{"reservation":524288}})", {"memory:memory.soft_limit_in_bytes=524288"}},
      {R"({"memory":{"disableOOMKiller":true}})", {"memory:memory.oom_control=1"}},
      {R"({"memory":{"disableOOMKiller":false}})", {"memory:memory.oom_control=0"}},
      {R"({"memory":{"swappiness":0}})", {"memory:memory.swappiness=0"}},
      {R"({"memory":{"useHierarchy":true}})", {"memory:memory.use_hierarchy=1"}},
  };
  for (const auto& c : cases) EXPECT_EQ(writes(plan_ok(c.json)), c.want) << c.json;
}

TEST(PlanV1, MemorySwapOrderDependsOnTheCurrentLimit) {
  HostFacts f = all_v1();
  f.memory_limit = 1u << 30;  // raising memsw above the current limit: swap first
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":2147483648,"swap":4294967296}})", f)),
            (V{"memory:memory.memsw.limit_in_bytes=4294967296", "memory:memory.limit_in_bytes=2147483648"}));
  f.memory_limit = 8ull << 30;  // shrinking: the limit must come down first
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":2147483648,"swap":4294967296}})", f)),
            (V{"memory:memory.limit_in_bytes=2147483648", "memory:memory.memsw.limit_in_bytes=4294967296"}));
}

TEST(PlanV1, SwapWithoutSwapAccountingIsAnErrorUnlessUnlimited) {
  HostFacts f = all_v1();
  f.memsw = false;
  EXPECT_NE(plan_error(R"({"memory":{"limit":100,"swap":200}})", f).find("$.linux.resources.memory.swap"), std::string::npos);
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":-1}})", f)), V{"memory:memory.limit_in_bytes=-1"});
  EXPECT_EQ(writes(plan_ok(R"({"memory":{"limit":100,"swap":-1}})", f)), V{"memory:memory.limit_in_bytes=100"});
}

TEST(PlanV1, KernelMemoryIsIgnoredWithAWarning) {
  const Plan p = plan_ok(R"({"memory":{"kernel":1000,"kernelTCP":2000}})");
  EXPECT_TRUE(p.writes.empty());
  ASSERT_EQ(p.warnings.size(), 2u);
  EXPECT_NE(p.warnings[0].find("$.linux.resources.memory.kernel"), std::string::npos);
}

TEST(PlanV1, SwappinessAbove100IsRejected) {
  EXPECT_NE(plan_error(R"({"memory":{"swappiness":101}})").find("swappiness"), std::string::npos);
}

TEST(PlanV1, CpuTable) {
  const Plan p = plan_ok(R"({"cpu":{"shares":512,"quota":50000,"period":100000,"burst":10000,
      "realtimeRuntime":950000,"realtimePeriod":1000000,"cpus":"0-1","mems":"0","idle":1}})");
  EXPECT_EQ(writes(p), (V{"cpu:cpu.shares=512", "cpu:cpu.cfs_period_us=100000", "cpu:cpu.cfs_burst_us=10000",
                          "cpu:cpu.cfs_quota_us=50000", "cpu:cpu.idle=1", "cpu:cpu.rt_period_us=1000000",
                          "cpu:cpu.rt_runtime_us=950000", "cpuset:cpuset.cpus=0-1", "cpuset:cpuset.mems=0"}));
  EXPECT_EQ(p.writes[0].flags, kVerifyReadBack);
  EXPECT_EQ(p.writes[1].flags, kRetryOnEinval);  // period may wait for the quota
  EXPECT_EQ(p.writes[2].flags, kRetryOnEinval | kSkipIfMissing);
  EXPECT_EQ(p.writes[5].flags, kRetryOnEinval);
}

TEST(PlanV1, CpuPeriodAloneIsNotRetried) {
  const Plan p = plan_ok(R"({"cpu":{"period":50000}})");
  ASSERT_EQ(writes(p), V{"cpu:cpu.cfs_period_us=50000"});
  EXPECT_EQ(p.writes[0].flags, kNone);
  EXPECT_EQ(writes(plan_ok(R"({"cpu":{"quota":-1}})")), V{"cpu:cpu.cfs_quota_us=-1"});
}

TEST(PlanV1, CpuBurstAboveQuotaAndBadIdleAreRejected) {
  EXPECT_NE(plan_error(R"({"cpu":{"quota":1000,"burst":2000}})").find("$.linux.resources.cpu.burst"), std::string::npos);
  EXPECT_NE(plan_error(R"({"cpu":{"idle":2}})").find("$.linux.resources.cpu.idle"), std::string::npos);
}

TEST(PlanV1, PidsLimitZeroIsAValidLimitAndNegativeIsMax) {
  EXPECT_EQ(writes(plan_ok(R"({"pids":{"limit":0}})")), V{"pids:pids.max=0"});
  EXPECT_EQ(writes(plan_ok(R"({"pids":{"limit":-1}})")), V{"pids:pids.max=max"});
  EXPECT_EQ(writes(plan_ok(R"({"pids":{"limit":42}})")), V{"pids:pids.max=42"});
}

TEST(PlanV1, BlockIoTable) {
  HostFacts f = all_v1();
  f.blkio_leaf_weight = true;
  const Plan p = plan_ok(R"({"blockIO":{"weight":500,"leafWeight":300,
      "weightDevice":[{"major":8,"minor":0,"weight":600,"leafWeight":200}],
      "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1000}],
      "throttleWriteBpsDevice":[{"major":8,"minor":16,"rate":2000}],
      "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":30}],
      "throttleWriteIOPSDevice":[{"major":8,"minor":0,"rate":40}]}})", f);
  EXPECT_EQ(writes(p), (V{"blkio:blkio.weight=500", "blkio:blkio.leaf_weight=300", "blkio:blkio.weight_device=8:0 600",
                          "blkio:blkio.leaf_weight_device=8:0 200", "blkio:blkio.throttle.read_bps_device=8:0 1000",
                          "blkio:blkio.throttle.write_bps_device=8:16 2000", "blkio:blkio.throttle.read_iops_device=8:0 30",
                          "blkio:blkio.throttle.write_iops_device=8:0 40"}));
  EXPECT_EQ(p.writes[4].field, "$.linux.resources.blockIO.throttleReadBpsDevice[0].rate");
}

TEST(PlanV1, BlockIoWithoutCfqUsesBfqFilesAndWarnsForLeafWeights) {
  HostFacts f = all_v1();
  f.blkio_weight = false;
  const Plan p = plan_ok(R"({"blockIO":{"weight":500,"leafWeight":300,"weightDevice":[{"major":8,"minor":0,"weight":600}]}})", f);
  EXPECT_EQ(writes(p), (V{"blkio:blkio.bfq.weight=500", "blkio:blkio.bfq.weight_device=8:0 600"}));
  EXPECT_EQ(p.warnings.size(), 1u);
}

TEST(PlanV1, HugepagesNetworkRdma) {
  HostFacts f = all_v1();
  f.hugetlb_rsvd = true;
  EXPECT_EQ(writes(plan_ok(R"({"hugepageLimits":[{"pageSize":"2MB","limit":209715200}]})", f)),
            (V{"hugetlb:hugetlb.2MB.limit_in_bytes=209715200", "hugetlb:hugetlb.2MB.rsvd.limit_in_bytes=209715200"}));
  EXPECT_EQ(writes(plan_ok(R"({"hugepageLimits":[{"pageSize":"1GB","limit":0}]})")),
            V{"hugetlb:hugetlb.1GB.limit_in_bytes=0"});
  EXPECT_EQ(writes(plan_ok(R"({"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":500}]}})")),
            (V{"net_cls:net_cls.classid=1048577", "net_prio:net_prio.ifpriomap=eth0 500"}));
  EXPECT_EQ(writes(plan_ok(R"({"rdma":{"mlx5_1":{"hcaHandles":3,"hcaObjects":10000},"mlx4_0":{"hcaObjects":1000},"x":{}}})")),
            (V{"rdma:rdma.max=mlx4_0 hca_object=1000", "rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=10000"}));
}

TEST(PlanV1, MissingControllersOnThisHostNameTheField) {
  const HostFacts f = this_host_v1();
  EXPECT_EQ(plan_error(R"({"hugepageLimits":[{"pageSize":"2MB","limit":1}]})", f),
            "$.linux.resources.hugepageLimits: the hugetlb cgroup controller is not available on this host");
  EXPECT_EQ(plan_error(R"({"network":{"classID":1}})", f),
            "$.linux.resources.network.classID: the net_cls cgroup controller is not available on this host");
  EXPECT_EQ(plan_error(R"({"network":{"priorities":[{"name":"lo","priority":1}]}})", f),
            "$.linux.resources.network.priorities: the net_prio cgroup controller is not available on this host");
  EXPECT_EQ(plan_error(R"({"rdma":{"mlx5_1":{"hcaHandles":3}}})", f),
            "$.linux.resources.rdma: the rdma cgroup controller is not available on this host");
  // No-ops need nothing.
  EXPECT_TRUE(plan_ok(R"({"hugepageLimits":[],"network":{"priorities":[]},"rdma":{"mlx5_1":{}}})", f).writes.empty());
}

TEST(PlanV1, InvalidHugepageSize) {
  EXPECT_NE(plan_error(R"({"hugepageLimits":[{"pageSize":"2M","limit":1}]})").find("[0].pageSize"), std::string::npos);
}

TEST(PlanV1, UnifiedOnLegacyIsAnError) {
  EXPECT_EQ(plan_error(R"({"unified":{"memory.high":"1000"}})"),
            "$.linux.resources.unified[\"memory.high\"]: cgroup v2 is not mounted on this host (it uses cgroup v1)");
}

TEST(PlanV1, UnifiedOnHybridAllowsCoreFilesAndUnboundControllers) {
  HostFacts f = this_host_v1();
  f.unified_controllers = {"hugetlb"};
  const Plan p = plan_ok(R"({"unified":{"cgroup.max.descendants":"10","hugetlb.2MB.max":"4096"}})", f, true);
  EXPECT_EQ(writes(p), (V{"unified:cgroup.max.descendants=10", "unified:hugetlb.2MB.max=4096"}));
  EXPECT_EQ(p.writes[1].controller, "hugetlb");
  EXPECT_NE(plan_error(R"({"unified":{"memory.high":"1000"}})", f, true)
                .find("the memory controller is not available in the cgroup v2 hierarchy of this hybrid host"),
            std::string::npos);
}

TEST(PlanV1, DevicesBecomeAnEmulatedState) {
  const Plan p = plan_ok(R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]})");
  ASSERT_TRUE(p.devices.has_value());
  EXPECT_FALSE(p.devices->default_allow());
  EXPECT_EQ(p.devices->exceptions().size(), 1u);
  EXPECT_FALSE(plan_ok("{}").devices.has_value());
  EXPECT_NE(plan_error(R"({"devices":[{"allow":true,"type":"x"}]})").find("$.linux.resources.devices[0].type"),
            std::string::npos);
}

}  // namespace
}  // namespace rt::cgroups
