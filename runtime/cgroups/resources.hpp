// PURE: OCI resources -> the cgroup file writes that apply them, for cgroup
// v1 (one hierarchy per controller) and v2 (one directory, controller-prefixed
// files). Everything the translation must know about the host or the current
// cgroup comes in as HostFacts, so each case is a table test.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/cgroups/devices.hpp"

namespace rt::cgroups {

enum WriteFlags : uint8_t {
  kNone = 0,
  kSkipIfMissing = 1,  // the file may not exist on this kernel (burst, rsvd, swap): then skip it
  kRetryOnEinval = 2,  // v1/v2 period-vs-quota ordering: on EINVAL retry after the controller's other writes
  kVerifyReadBack = 4, // the kernel clamps silently (cpu.shares): read back and fail on a difference
};

struct Write {
  std::string hierarchy;   // v1: the hierarchy key holding the file; "" = the unified directory
  std::string controller;  // the controller it needs ("" for cgroup core files such as cgroup.max.depth)
  std::string file;
  std::string value;
  std::string field;  // the config field it applies ("$.linux.resources.memory.limit"), for errors
  uint8_t flags = kNone;
  bool operator==(const Write&) const = default;
};

struct Plan {
  std::vector<Write> writes;
  std::vector<std::string> warnings;       // settings ignored on purpose, for the log
  std::optional<DeviceState> devices;      // set when the config has device rules
};

// What the translation needs to know about the host and the cgroup.
struct HostFacts {
  std::set<std::string> controllers;          // v1: mounted hierarchies; v2: root cgroup.controllers
  std::set<std::string> unified_controllers;  // hybrid: controllers usable in the unified hierarchy
  bool memsw = true;                          // v1: memory.memsw.limit_in_bytes exists (swap accounting)
  bool blkio_weight = true;                   // v1: blkio.weight exists (else only blkio.bfq.weight)
  bool blkio_leaf_weight = false;             // v1: CFQ's blkio.leaf_weight (gone since Linux 5.0)
  bool bfq_weight = false;                    // v2: io.bfq.weight exists
  bool hugetlb_rsvd = false;                  // hugetlb.<size>.rsvd.* files exist
  std::optional<uint64_t> memory_limit;       // v1: memory.limit_in_bytes now (update ordering)
  std::optional<uint64_t> memory_usage;       // memory usage now (checkBeforeUpdate)
  std::optional<std::string> cpu_max;         // v2: cpu.max now ("max 100000")
};

Result<Plan> plan_v1(const oci::Resources& r, const HostFacts& facts, bool hybrid);
Result<Plan> plan_v2(const oci::Resources& r, const HostFacts& facts);

// Conversions, as runc and crun do them.
// cpu.shares [2, 262144] -> cpu.weight [1, 10000]: a quadratic in log2 that
// maps 2 -> 1, 1024 -> 100 and 262144 -> 10000; 0 stays 0 ("unset").
uint64_t shares_to_weight(uint64_t shares);
// blkio.weight [10, 1000] -> io.weight [1, 10000], linear; 0 stays 0.
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// v1 memsw (memory+swap) -> v2 memory.swap.max (swap only). -1 is "max",
// 0 "unset". Fails when swap is set without a usable memory limit.
Result<int64_t> swap_to_v2(int64_t swap, int64_t limit);
// "1GB" -> true (<digits><KB|MB|GB>), the hugetlb file-name form.
bool valid_hugepage_size(std::string_view size);

}  // namespace rt::cgroups
