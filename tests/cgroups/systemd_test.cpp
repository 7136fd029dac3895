#include <gtest/gtest.h>

#include "runtime/base/fs.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/systemd/properties.hpp"
#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups::systemd {
namespace {

using rt::cgroups::testing::resources;

std::vector<Property> props_ok(const std::string& json, bool v2, int version = 252) {
  auto p = resource_properties(resources(json), v2, version);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().to_string());
  return p ? *p : std::vector<Property>{};
}

Property t(const char* name, uint64_t v) { return {name, u64(v)}; }

TEST(SystemdProperties, V2ResourceTable) {
  EXPECT_EQ(props_ok(R"({"memory":{"limit":2000,"reservation":100,"swap":3000}})", true),
            (std::vector<Property>{t("MemoryMax", 2000), t("MemoryLow", 100), t("MemorySwapMax", 1000)}));
  EXPECT_EQ(props_ok(R"({"memory":{"limit":-1}})", true),
            (std::vector<Property>{t("MemoryMax", kInfinity), t("MemorySwapMax", kInfinity)}));
  EXPECT_EQ(props_ok(R"({"cpu":{"shares":1024,"quota":50000,"period":100000}})", true),
            (std::vector<Property>{t("CPUWeight", 100), t("CPUQuotaPeriodUSec", 100000), t("CPUQuotaPerSecUSec", 500000)}));
  EXPECT_EQ(props_ok(R"({"cpu":{"quota":-1}})", true), (std::vector<Property>{t("CPUQuotaPerSecUSec", kInfinity)}));
  EXPECT_EQ(props_ok(R"({"cpu":{"idle":1,"shares":2048}})", true), (std::vector<Property>{t("CPUWeight", 0)}));
  EXPECT_EQ(props_ok(R"({"pids":{"limit":0}})", true), (std::vector<Property>{t("TasksMax", 1)}));
  EXPECT_EQ(props_ok(R"({"pids":{"limit":-1}})", true), (std::vector<Property>{t("TasksMax", kInfinity)}));
  EXPECT_EQ(props_ok(R"({"cpu":{"cpus":"0-2,7","mems":"1"}})", true),
            (std::vector<Property>{{"AllowedCPUs", Value{"ay", std::vector<uint8_t>{0x87}}},
                                   {"AllowedMemoryNodes", Value{"ay", std::vector<uint8_t>{0x02}}}}));
  EXPECT_EQ(props_ok(R"({"unified":{"memory.high":"max","pids.max":"0","cpu.weight":"50","io.max":"8:0 rbps=1"}})", true),
            (std::vector<Property>{t("CPUWeight", 50), t("MemoryHigh", kInfinity), t("TasksMax", 1)}));
}

TEST(SystemdProperties, V1ResourceTable) {
  EXPECT_EQ(props_ok(R"({"memory":{"limit":2000,"swap":3000},"cpu":{"shares":512},"blockIO":{"weight":300},"pids":{"limit":9}})", false),
            (std::vector<Property>{t("MemoryLimit", 2000), t("CPUShares", 512), t("BlockIOWeight", 300), t("TasksMax", 9)}));
}

TEST(SystemdProperties, OldSystemdGetsFewerProperties) {
  EXPECT_EQ(props_ok(R"({"cpu":{"period":50000,"cpus":"1","idle":1}})", true, 241),
            (std::vector<Property>{t("CPUQuotaPerSecUSec", kInfinity)}));
}

TEST(SystemdProperties, QuotaIsRoundedToWholePercents) {
  EXPECT_EQ(rounded_cpu_quota(12345, 100000), 13000);
  EXPECT_EQ(rounded_cpu_quota(50000, 100000), 50000);
  EXPECT_EQ(rounded_cpu_quota(-1, 100000), -1);
  EXPECT_EQ(props_ok(R"({"cpu":{"quota":12345}})", true), (std::vector<Property>{t("CPUQuotaPerSecUSec", 130000)}));
}

TEST(SystemdProperties, SwapErrorNamesTheField) {
  auto p = resource_properties(resources(R"({"memory":{"swap":10}})"), true, 252);
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().msg.find("$.linux.resources.memory.swap"), std::string::npos);
}

TEST(SystemdProperties, ScopeBasics) {
  const auto p = scope_properties("ocirun container c1", "system.slice", 42, true);
  EXPECT_EQ(p[0], (Property{"Description", str("ocirun container c1")}));
  EXPECT_EQ(p[1], (Property{"Slice", str("system.slice")}));
  EXPECT_EQ(p[2], (Property{"Delegate", boolean(true)}));
  EXPECT_EQ(p[3], (Property{"PIDs", Value{"au", std::vector<uint32_t>{42}}}));
  EXPECT_EQ(p.back().name, "IOAccounting");
  EXPECT_EQ(scope_properties("d", "s", 1, false).back().name, "BlockIOAccounting");
}

TEST(SystemdProperties, DevicePolicy) {
  auto rules = device_rules_from_oci({{false, "a", {}, {}, "rwm"}, {true, "c", 1, 3, "rw"}, {true, "c", 136, {}, "rwm"},
                                      {true, "b", {}, {}, "m"}, {true, "c", {}, 5, "r"}});
  const auto props = device_properties(*DeviceState::from_rules(*rules));
  ASSERT_EQ(props.size(), 3u);
  EXPECT_EQ(props[1], (Property{"DevicePolicy", str("strict")}));
  EXPECT_EQ(props[2], (Property{"DeviceAllow", Value{"a(ss)", Value::Pairs{{"block-*", "m"}, {"/dev/char/1:3", "rw"},
                                                                            {"char-136", "rwm"}}}}));
  EXPECT_EQ(device_properties(DeviceState::allow_all())[0], (Property{"DevicePolicy", str("auto")}));
}

TEST(SystemdAnnotations, ParsesGVariantValues) {
  EXPECT_EQ(*parse_gvariant("uint64 1024"), u64(1024));
  EXPECT_EQ(*parse_gvariant("true"), boolean(true));
  EXPECT_EQ(*parse_gvariant("'hello'"), str("hello"));
  EXPECT_EQ(*parse_gvariant("\"it\\\"s\""), str("it\"s"));
  EXPECT_EQ(*parse_gvariant("5"), (Value{"i", int64_t{5}}));
  EXPECT_EQ(*parse_gvariant("1.5"), (Value{"d", 1.5}));
  EXPECT_EQ(*parse_gvariant("@u 7"), (Value{"u", uint64_t{7}}));
  EXPECT_EQ(*parse_gvariant("['a', \"b\"]"), (Value{"as", std::vector<std::string>{"a", "b"}}));
  EXPECT_FALSE(parse_gvariant("uint32 -1").has_value());
  EXPECT_FALSE(parse_gvariant("bogus 1").has_value());
  EXPECT_FALSE(parse_gvariant("").has_value());
}

TEST(SystemdAnnotations, SecBecomesUSecAndNamesAreChecked) {
  auto p = annotation_properties({{"org.systemd.property.TimeoutStopSec", "uint64 5"},
                                  {"org.systemd.property.CollectMode", "'inactive-or-failed'"},
                                  {"org.other", "x"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, (std::vector<Property>{{"CollectMode", str("inactive-or-failed")}, {"TimeoutStopUSec", u64(5000000)}}));
  auto bad = annotation_properties({{"org.systemd.property.bad-name", "1"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().msg.find("$.annotations[\"org.systemd.property.bad-name\"]"), std::string::npos);
  EXPECT_FALSE(annotation_properties({{"org.systemd.property.TimeoutStopSec", "'x'"}}).has_value());
}

TEST(SystemdAnnotations, CpuMask) {
  EXPECT_EQ(*cpu_list_to_mask("0"), std::vector<uint8_t>{1});
  EXPECT_EQ(*cpu_list_to_mask("8-9, 1"), (std::vector<uint8_t>{0x02, 0x03}));
  EXPECT_FALSE(cpu_list_to_mask("3-1").has_value());
  EXPECT_FALSE(cpu_list_to_mask("").has_value());
}

TEST(SystemdDriver, FailsClearlyWhenSystemdIsNotRunning) {
  EXPECT_TRUE(check_running("/").has_value());
  Layout l;
  l.unified_mount = "/sys/fs/cgroup";
  Config c;
  c.id = "c1";
  c.systemd = true;
  HostEnv env;
  env.systemd_run_dir = "/nonexistent/run/systemd/system";
  auto m = make_manager(l, c, env);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().msg, "--systemd-cgroup: systemd is not running on this host (no /nonexistent/run/systemd/system)");
}

TEST(SystemdDriver, ThisHostHasNoSystemd) {
  if (fs::exists("/run/systemd/system")) GTEST_SKIP() << "systemd runs here";
  auto layout = detect_layout();
  ASSERT_TRUE(layout.has_value());
  auto m = make_manager(*layout, Config{"c1", "", true, false, {}});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().msg, "--systemd-cgroup: systemd is not running on this host (no /run/systemd/system)");
}

}  // namespace
}  // namespace rt::cgroups::systemd
