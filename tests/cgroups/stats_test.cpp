#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/cgroups/stats.hpp"

namespace rt::cgroups {
namespace {

TEST(Stats, ParsesFlatKeyedFiles) {
  auto kv = parse_flat_keyed("anon 10\nfile 20\n\nbroken\nbad x\n");
  EXPECT_EQ(kv, (std::map<std::string, uint64_t>{{"anon", 10}, {"file", 20}}));
}

TEST(Stats, ParsesLimits) {
  EXPECT_EQ(parse_limit("max\n"), 0u);
  EXPECT_EQ(parse_limit("4096\n"), 4096u);
  EXPECT_EQ(parse_limit("junk"), 0u);
}

TEST(Stats, ParsesV1Blkio) {
  EXPECT_EQ(parse_v1_blkio("8:0 Read 4096\n8:0 Write 8\n8:0 Sync 1\nTotal 4105\n"),
            (std::vector<BlkioEntry>{{8, 0, "Read", 4096}, {8, 0, "Write", 8}, {8, 0, "Sync", 1}}));
}

TEST(Stats, ParsesV2IoStat) {
  Stats::Blkio b;
  parse_v2_io_stat("259:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n", b);
  EXPECT_EQ(b.service_bytes, (std::vector<BlkioEntry>{{259, 0, "Read", 1}, {259, 0, "Write", 2}}));
  EXPECT_EQ(b.serviced, (std::vector<BlkioEntry>{{259, 0, "Read", 3}, {259, 0, "Write", 4}}));
}

TEST(Stats, JsonHasRuncsEventsShape) {
  Stats s;
  s.memory.usage.usage = 5;
  s.pids.current = 2;
  s.hugetlb["2MB"].usage = 7;
  s.blkio.service_bytes.push_back({8, 0, "Read", 9});
  const auto j = stats_to_json(s);
  EXPECT_EQ(j["memory"]["usage"]["usage"], 5);
  EXPECT_EQ(j["pids"]["current"], 2);
  EXPECT_EQ(j["hugetlb"]["2MB"]["usage"], 7);
  EXPECT_EQ(j["blkio"]["ioServiceBytesRecursive"][0]["op"], "Read");
  // Zero values marked omitempty in runc's types are left out; the rest stay.
  EXPECT_FALSE(j["cpu"]["usage"].contains("percpu"));
  EXPECT_EQ(j["cpu"]["usage"]["kernel"], 0);
  EXPECT_EQ(j["cpu"]["throttling"], nlohmann::ordered_json::object());
  EXPECT_FALSE(j["memory"]["usage"].contains("max"));
  EXPECT_EQ(j["memory"]["swap"]["limit"], 0);
  EXPECT_EQ(j["memory"]["kernelTCP"]["failcnt"], 0);
  EXPECT_FALSE(j["pids"].contains("limit"));
  EXPECT_FALSE(j["cpuset"].contains("cpus"));
  EXPECT_EQ(j["cpuset"]["sched_relax_domain_level"], 0);
  EXPECT_EQ(j["intel_rdt"], nlohmann::ordered_json::object());
  EXPECT_TRUE(j["network_interfaces"].is_null());
}

TEST(Stats, ParsesCpusetLists) {
  EXPECT_EQ(parse_cpuset_list("0-2,5\n"), (std::vector<uint16_t>{0, 1, 2, 5}));
  EXPECT_EQ(parse_cpuset_list("1"), (std::vector<uint16_t>{1}));
  EXPECT_TRUE(parse_cpuset_list("\n").empty());
  EXPECT_EQ(parse_cpuset_list("3-1,x,4"), (std::vector<uint16_t>{4}));
}

}  // namespace
}  // namespace rt::cgroups
