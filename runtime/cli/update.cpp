// ocirun update: change the resource limits of a running container, from a
// JSON document (--resources FILE, or - for stdin) or from runc's flags.
#include <unistd.h>

#include "oci/parse.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/cli/context.hpp"
#include "runtime/container/cgroup_ops.hpp"
#include "runtime/container/units.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"resources,r", FlagKind::kValue, "FILE",
     "path to a JSON file with the resources to update (linux.resources of the runtime-spec; unchanged values "
     "can be omitted), or '-' to read it from the standard input; all other resource options are then ignored"},
    {"blkio-weight", FlagKind::kValue, "N", "per cgroup weight, from 10 to 1000"},
    {"cpu-period", FlagKind::kValue, "USEC", "CPU CFS period to be used for hardcapping (in usecs)"},
    {"cpu-quota", FlagKind::kValue, "USEC", "CPU CFS hardcap limit (in usecs); allowed cpu time in a given period"},
    {"cpu-share,cpu-shares", FlagKind::kValue, "N", "CPU shares (relative weight vs. other containers)"},
    {"cpu-rt-period", FlagKind::kValue, "USEC", "CPU realtime period to be used for hardcapping (in usecs)"},
    {"cpu-rt-runtime", FlagKind::kValue, "USEC", "CPU realtime hardcap limit (in usecs)"},
    {"cpuset-cpus", FlagKind::kValue, "LIST", "CPU(s) to use"},
    {"cpuset-mems", FlagKind::kValue, "LIST", "memory node(s) to use"},
    {"kernel-memory", FlagKind::kValue, "BYTES", "(obsolete, ignored: kernels no longer limit kernel memory)"},
    {"kernel-memory-tcp", FlagKind::kValue, "BYTES", "(obsolete, ignored: kernels no longer limit kernel memory)"},
    {"memory", FlagKind::kValue, "BYTES", "memory limit (bytes, or with a unit: 512k, 100m, 1g; -1: unlimited)"},
    {"memory-reservation", FlagKind::kValue, "BYTES", "memory reservation or soft limit"},
    {"memory-swap", FlagKind::kValue, "BYTES", "total memory usage (memory + swap); -1: unlimited swap"},
    {"pids-limit", FlagKind::kValue, "N", "maximum number of pids allowed in the container (-1: unlimited)"},
    {"l3-cache-schema", FlagKind::kValue, "SCHEMA", "the Intel RDT/CAT L3 cache schema"},
    {"mem-bw-schema", FlagKind::kValue, "SCHEMA", "the Intel RDT/MBA memory bandwidth schema"},
};

template <class I>
Result<std::optional<I>> int_flag(const ParsedArgs& args, std::string_view name) {
  if (!args.has(name)) return std::optional<I>();
  const std::string v = args.value(name);
  auto n = parse_int<I>(v);
  if (!n) return Err(0, "invalid value for ", name, ": \"", v, "\" is not ", std::is_signed_v<I> ? "an" : "an unsigned",
                     " integer in range");
  return std::optional<I>(*n);
}

Result<std::optional<int64_t>> size_flag(const ParsedArgs& args, std::string_view name) {
  if (!args.has(name)) return std::optional<int64_t>();
  const std::string v = args.value(name);
  if (v == "-1") return std::optional<int64_t>(-1);
  auto n = container::parse_ram_in_bytes(v);
  if (!n) return Err(0, "invalid value for ", name, ": ", n.error().msg);
  return std::optional<int64_t>(*n);
}

Result<oci::Resources> from_flags(const ParsedArgs& args) {
  oci::Resources r;
  oci::MemoryResources m;
  TRY_ASSIGN(m.limit, size_flag(args, "memory"));
  TRY_ASSIGN(m.reservation, size_flag(args, "memory-reservation"));
  TRY_ASSIGN(m.swap, size_flag(args, "memory-swap"));
  TRY_ASSIGN(m.kernel, size_flag(args, "kernel-memory"));
  TRY_ASSIGN(m.kernel_tcp, size_flag(args, "kernel-memory-tcp"));
  if (m != oci::MemoryResources{}) r.memory = m;
  oci::CpuResources c;
  TRY_ASSIGN(c.shares, int_flag<uint64_t>(args, "cpu-share"));
  TRY_ASSIGN(c.period, int_flag<uint64_t>(args, "cpu-period"));
  TRY_ASSIGN(c.quota, int_flag<int64_t>(args, "cpu-quota"));
  TRY_ASSIGN(c.realtime_period, int_flag<uint64_t>(args, "cpu-rt-period"));
  TRY_ASSIGN(c.realtime_runtime, int_flag<int64_t>(args, "cpu-rt-runtime"));
  c.cpus = args.value("cpuset-cpus");
  c.mems = args.value("cpuset-mems");
  if (c != oci::CpuResources{}) r.cpu = c;
  // runc parses these two as Go ints (a usage error when malformed) and
  // ignores a zero weight.
  if (args.has("blkio-weight")) {
    auto w = parse_int<uint16_t>(args.value("blkio-weight"));
    if (!w) return Err(0, "invalid value \"", args.value("blkio-weight"), "\" for flag -blkio-weight: parse error");
    if (*w != 0) r.block_io = oci::BlockIoResources{.weight = *w};
  }
  if (args.has("pids-limit")) {
    auto p = parse_int<int64_t>(args.value("pids-limit"));
    if (!p) return Err(0, "invalid value \"", args.value("pids-limit"), "\" for flag -pids-limit: parse error");
    r.pids = oci::PidsResources{*p};
  }
  return r;
}

Result<oci::Resources> from_json(const std::string& source) {
  std::string text;
  if (source == "-") {
    TRY_ASSIGN(text, fs::read_fd(STDIN_FILENO));
  } else {
    TRY_ASSIGN(text, fs::read_file(source));
  }
  auto r = oci::parse_resources(text);
  if (!r) return Err(0, source == "-" ? std::string("resources from stdin") : source, ": ", r.error().to_string());
  return std::move(*r);
}

Result<int> run_update(const GlobalOptions& g, const ParsedArgs& args) {
  container::UpdateRequest req;
  if (const std::string source = args.value("resources"); !source.empty()) {
    TRY_ASSIGN(req.resources, from_json(source));
  } else {
    TRY_ASSIGN(req.resources, from_flags(args));
  }
  req.l3_cache_schema = args.value("l3-cache-schema");
  req.mem_bw_schema = args.value("mem-bw-schema");
  TRY(container::update(make_context(g), args.positional().at(0), req));
  return 0;
}

}  // namespace

extern const Command kUpdateCommand{
    "update",
    "update container resource constraints",
    "<container-id>",
    "Changes the cgroup limits of a created, running or paused container. Values not given keep what the "
    "container has (its config's, or the last update's); device rules cannot be changed. Sizes take runc's "
    "units (512k, 100m, 1g).",
    kFlags,
    1,
    1,
    0,
    run_update,
};

}  // namespace rt::cli
