// ocirun events: the container's resource usage every interval and its OOM
// notifications, as JSON lines, until the container stops.
#include <cstdio>

#include "runtime/cli/context.hpp"
#include "runtime/container/cgroup_ops.hpp"
#include "runtime/container/units.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"interval", FlagKind::kValue, "DURATION", "set the stats collection interval (Go syntax: 5s, 1m30s, 500ms)",
     "5s"},
    {"stats", FlagKind::kBool, "", "display the container's stats then exit"},
};

Result<int> run_events(const GlobalOptions& g, const ParsedArgs& args) {
  container::EventsOptions o;
  o.stats_only = args.flag("stats");
  const std::string interval = args.value("interval", "5s");
  auto ns = container::parse_go_duration(interval);
  if (!ns) return Err(0, "invalid value \"", interval, "\" for flag -interval: ", ns.error().msg);
  o.interval_ns = *ns;
  TRY(container::events(make_context(g), args.positional().at(0), o, [](const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);  // a reader waits for each line
  }));
  return 0;
}

}  // namespace

extern const Command kEventsCommand{
    "events",
    "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
    "<container-id>",
    "Prints {\"type\":\"stats\",\"id\":...,\"data\":{...}} every --interval and {\"type\":\"oom\",\"id\":...} "
    "for each OOM notification of the container's cgroup, one JSON object a line, until the container "
    "stops. With --stats, prints the stats once and exits.",
    kFlags,
    1,
    1,
    0,
    run_events,
};

}  // namespace rt::cli
