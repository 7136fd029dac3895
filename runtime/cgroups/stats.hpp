// Usage counters of a container's cgroup (`events --stats`), read from the
// controllers' files. Parsers of the file formats are pure and unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "runtime/base/error.hpp"

namespace rt::cgroups {

class CgroupFs;

struct MemoryData {
  uint64_t usage = 0, max_usage = 0, limit = 0, failcnt = 0;
};

struct BlkioEntry {
  uint64_t major = 0, minor = 0;
  std::string op;  // "Read", "Write", ... (v1 names; v2 counters are mapped onto them)
  uint64_t value = 0;
  bool operator==(const BlkioEntry&) const = default;
};

struct HugetlbData {
  uint64_t usage = 0, max_usage = 0, failcnt = 0;
};

struct Stats {
  struct Cpu {
    uint64_t total_ns = 0, user_ns = 0, kernel_ns = 0;
    std::vector<uint64_t> percpu_ns, percpu_kernel_ns, percpu_user_ns;
    uint64_t periods = 0, throttled_periods = 0, throttled_ns = 0;
  } cpu;
  struct CpuSet {  // v1 only, as runc reports it
    std::vector<uint16_t> cpus, mems;
    uint64_t cpu_exclusive = 0, mem_hardwall = 0, mem_exclusive = 0, memory_migrate = 0;
    uint64_t memory_spread_page = 0, memory_spread_slab = 0, memory_pressure = 0, sched_load_balance = 0;
    int64_t sched_relax_domain_level = 0;
  } cpuset;
  struct Memory {
    MemoryData usage, swap, kernel, kernel_tcp;  // kernel*: v1 memory.kmem.* (still counted, no longer limited)
    uint64_t cache = 0;
    std::map<std::string, uint64_t> raw;  // memory.stat
  } memory;
  struct Pids {
    uint64_t current = 0, limit = 0;  // limit 0: no limit ("max")
  } pids;
  struct Blkio {
    std::vector<BlkioEntry> service_bytes, serviced;  // recursive
  } blkio;
  std::map<std::string, HugetlbData> hugetlb;  // page size ("2MB") -> data
  uint64_t oom_kills = 0;
};

// runc's `events --stats` "data" object, with runc's member order.
nlohmann::ordered_json stats_to_json(const Stats& stats);

// "key value" lines (memory.stat, cpu.stat, memory.events) -> map.
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);
// A cpuset list ("0-3,8") -> the numbers; malformed parts are skipped.
std::vector<uint16_t> parse_cpuset_list(std::string_view text);
// A single number, or "max" (-> 0 meaning "no limit").
uint64_t parse_limit(std::string_view text);
// v1 blkio.*_recursive: "8:0 Read 4096" lines (the "Total" line is dropped).
std::vector<BlkioEntry> parse_v1_blkio(std::string_view text);
// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." -> bytes and ios.
void parse_v2_io_stat(std::string_view text, Stats::Blkio& out);

// Readers. v1 takes the hierarchy key -> directory map.
Stats read_v1_stats(const CgroupFs& fs, const std::map<std::string, std::string>& dirs);
Stats read_v2_stats(const CgroupFs& fs, const std::string& dir);
// OOM kills: v1 memory.oom_control "oom_kill N", v2 memory.events "oom_kill N".
Result<uint64_t> read_oom_kills(const CgroupFs& fs, const std::string& dir, bool v2);

}  // namespace rt::cgroups
