// The pure parts of pause/update/ps/events: value syntaxes, the update
// merge and the ps filter.
#include <gtest/gtest.h>

#include "runtime/container/cgroup_ops.hpp"
#include "runtime/container/units.hpp"

namespace rt::container {
namespace {

TEST(Units, RamInBytesLikeGoUnits) {
  const std::pair<const char*, int64_t> ok[] = {
      {"100", 100},          {"512k", 512 << 10},          {"512K", 512 << 10},      {"1g", 1ll << 30},
      {"1GiB", 1ll << 30},   {"1gb", 1ll << 30},           {"1.5m", 3 << 19},        {"2 MB", 2 << 20},
      {"1t", 1ll << 40},     {"1p", 1ll << 50},            {"0", 0},                 {"10b", 10},
      {"0.5k", 512},
  };
  for (const auto& [text, want] : ok) {
    auto got = parse_ram_in_bytes(text);
    ASSERT_TRUE(got.has_value()) << text;
    EXPECT_EQ(*got, want) << text;
  }
  for (const char* bad : {"", "1x", "-1", "k", "1.2.3", ".5", "1  k", "1kk", "1e3", "9999999999p"}) {
    auto got = parse_ram_in_bytes(bad);
    EXPECT_FALSE(got.has_value()) << bad;
  }
  EXPECT_EQ(parse_ram_in_bytes("1x").error().msg, "invalid size: '1x'");
}

TEST(Units, GoDurations) {
  const std::pair<const char*, int64_t> ok[] = {
      {"5s", 5000000000},   {"0", 0},        {"1m30s", 90000000000}, {"1.5h", 5400000000000},
      {"250ms", 250000000}, {"10us", 10000}, {"10\xC2\xB5s", 10000}, {"3ns", 3},
      {"-1s", -1000000000}, {"+2m", 120000000000}, {".5s", 500000000},
  };
  for (const auto& [text, want] : ok) {
    auto got = parse_go_duration(text);
    ASSERT_TRUE(got.has_value()) << text << ": " << got.error().msg;
    EXPECT_EQ(*got, want) << text;
  }
  for (const char* bad : {"", "5", "1x", "s", "-", "1.s.", "9999999999h"}) EXPECT_FALSE(parse_go_duration(bad).has_value()) << bad;
  EXPECT_EQ(parse_go_duration("5").error().msg, "time: missing unit in duration \"5\"");
}

oci::Resources stored() {
  oci::Resources r;
  r.memory = oci::MemoryResources{.limit = 100 << 20, .swap = 200 << 20, .kernel = 4096};
  r.cpu = oci::CpuResources{.shares = 512, .quota = 5000, .period = 100000, .cpus = "0-1"};
  r.pids = oci::PidsResources{20};
  r.block_io = oci::BlockIoResources{.weight = 300, .throttle_read_bps_device = {{8, 0, 1000}}};
  r.devices = {{true, "c", 1, 3, "rwm"}};
  r.unified = {{"memory.high", "1000000"}};
  return r;
}

TEST(Update, UnsetValuesKeepWhatTheContainerHas) {
  oci::Resources u;
  u.pids = oci::PidsResources{50};
  const auto r = merge_resources(stored(), u);
  EXPECT_EQ(r.pids->limit, 50);
  EXPECT_EQ(r.memory->limit, 100 << 20);
  EXPECT_EQ(r.memory->swap, 200 << 20);
  EXPECT_FALSE(r.memory->kernel.has_value());  // ignored by the kernel: not kept
  EXPECT_EQ(r.cpu, stored().cpu);
  EXPECT_EQ(r.devices, stored().devices);
}

TEST(Update, QuotaAndPeriodChangeIndependently) {
  oci::Resources u;
  u.cpu = oci::CpuResources{.quota = 20000};
  auto r = merge_resources(stored(), u);
  EXPECT_EQ(r.cpu->quota, 20000);
  EXPECT_EQ(r.cpu->period, 100000u);
  EXPECT_EQ(r.cpu->cpus, "0-1");  // empty in the update: kept
  u.cpu = oci::CpuResources{.period = 50000, .cpus = "0"};
  r = merge_resources(stored(), u);
  EXPECT_EQ(r.cpu->quota, 5000);
  EXPECT_EQ(r.cpu->period, 50000u);
  EXPECT_EQ(r.cpu->cpus, "0");
}

TEST(Update, UnlimitedMemoryDropsTheStoredSwapLimit) {
  oci::Resources u;
  u.memory = oci::MemoryResources{.limit = -1};
  auto r = merge_resources(stored(), u);
  EXPECT_EQ(r.memory->limit, -1);
  EXPECT_FALSE(r.memory->swap.has_value());
  u.memory->swap = -1;
  EXPECT_EQ(merge_resources(stored(), u).memory->swap, -1);
}

TEST(Update, IdleWithoutSharesDropsShares) {
  oci::Resources u;
  u.cpu = oci::CpuResources{.idle = 1};
  const auto r = merge_resources(stored(), u);
  EXPECT_EQ(r.cpu->idle, 1);
  EXPECT_FALSE(r.cpu->shares.has_value());
}

TEST(Update, ListsAreUpdatedByKey) {
  oci::Resources u;
  u.block_io = oci::BlockIoResources{.throttle_read_bps_device = {{8, 0, 5}, {8, 16, 7}}};
  u.hugepage_limits = {{"2MB", 10}};
  u.unified = {{"memory.high", "2000000"}, {"pids.max", "9"}};
  auto s = stored();
  s.hugepage_limits = {{"2MB", 1}, {"1GB", 2}};
  const auto r = merge_resources(s, u);
  EXPECT_EQ(r.block_io->weight, 300);
  EXPECT_EQ(r.block_io->throttle_read_bps_device,
            (std::vector<oci::BlockIoThrottleDevice>{{8, 0, 5}, {8, 16, 7}}));
  EXPECT_EQ(r.hugepage_limits, (std::vector<oci::HugepageLimit>{{"2MB", 10}, {"1GB", 2}}));
  EXPECT_EQ(r.unified, (std::map<std::string, std::string>{{"memory.high", "2000000"}, {"pids.max", "9"}}));
}

TEST(Update, DeviceRulesAreNotUpdated) {
  oci::Resources u;
  u.devices = {{false, "a", std::nullopt, std::nullopt, "rwm"}};
  EXPECT_EQ(merge_resources(stored(), u).devices, stored().devices);
}

TEST(Ps, KeepsTheHeaderAndTheContainersLines) {
  const std::string out =
      "UID        PID  PPID  C STIME TTY          TIME CMD\n"
      "root         1     0  0 04:00 ?        00:00:01 init\n"
      "root       120     1  0 04:00 ?        00:00:00 sleep 10\n"
      "root      1200     1  0 04:00 ?        00:00:00 other 120\n";
  auto got = filter_ps_output(out, {120, 7});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got,
            "UID        PID  PPID  C STIME TTY          TIME CMD\n"
            "root       120     1  0 04:00 ?        00:00:00 sleep 10\n");
  EXPECT_EQ(filter_ps_output("USER COMMAND\nroot x\n", {1}).error().msg, "couldn't find PID field in ps output");
  EXPECT_FALSE(filter_ps_output("PID CMD\nabc x\n", {1}).has_value());
}

}  // namespace
}  // namespace rt::container
