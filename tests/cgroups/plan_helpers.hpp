// Helpers for the resource-translation table tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "oci/parse.hpp"
#include "runtime/cgroups/resources.hpp"

namespace rt::cgroups::testing {

// Parses a linux.resources JSON object (the `update --resources` form).
inline oci::Resources resources(const std::string& json) {
  auto r = oci::parse_resources(json);
  EXPECT_TRUE(r.has_value()) << json;
  return r ? *r : oci::Resources{};
}

// "memory:memory.limit_in_bytes=1024" per write ("" hierarchy prints as "unified").
inline std::vector<std::string> writes(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& w : p.writes) out.push_back((w.hierarchy.empty() ? "unified" : w.hierarchy) + ":" + w.file + "=" + w.value);
  return out;
}

inline HostFacts all_v1() {
  HostFacts f;
  f.controllers = {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "hugetlb",
                   "net_cls", "net_prio", "rdma", "name=systemd"};
  return f;
}

// This VM: no hugetlb, net_cls, net_prio, rdma.
inline HostFacts this_host_v1() {
  HostFacts f = all_v1();
  for (const char* c : {"hugetlb", "net_cls", "net_prio", "rdma"}) f.controllers.erase(c);
  return f;
}

inline HostFacts all_v2() {
  HostFacts f;
  f.controllers = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"};
  return f;
}

}  // namespace rt::cgroups::testing
