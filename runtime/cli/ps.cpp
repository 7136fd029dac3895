// ocirun ps: the processes of a container, as host pids (json) or as the
// host's `ps` output filtered to them (table).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "runtime/cli/context.hpp"
#include "runtime/container/cgroup_ops.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"format,f", FlagKind::kValue, "FORMAT", "select one of: table or json", "table"},
};

Result<int> run_ps(const GlobalOptions& g, const ParsedArgs& args) {
  const auto& pos = args.positional();
  TRY_ASSIGN(const auto pids, container::processes(make_context(g), pos.at(0)));
  const std::string format = args.value("format", "table");
  if (format == "json") {
    // runc encodes an empty list as null.
    std::printf("%s\n", pids.empty() ? "null" : nlohmann::json(pids).dump().c_str());
    return 0;
  }
  if (format != "table") return Err(0, "invalid format option");
  TRY_ASSIGN(const std::string table, container::ps_table(pids, {pos.begin() + 1, pos.end()}));
  std::fputs(table.c_str(), stdout);
  return 0;
}

}  // namespace

extern const Command kPsCommand{
    "ps",
    "ps displays the processes running inside a container",
    "<container-id> [ps options]",
    "With --format table (the default) the host's ps runs with the given options (default -ef) and only "
    "the lines of the container's processes are kept; --format json prints their host pids.",
    kFlags,
    1,
    -1,
    1,
    run_ps,
};

}  // namespace rt::cli
