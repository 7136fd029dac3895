// ocirun kill: send a signal to the container's init (default SIGTERM).
#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"all,a", FlagKind::kBool, "", "send the signal to every process of the container"},
};

Result<int> run_kill(const GlobalOptions& g, const ParsedArgs& args) {
  const auto& pos = args.positional();
  TRY_ASSIGN(int sig, container::parse_signal(pos.size() > 1 ? pos[1] : "SIGTERM"));
  TRY(container::kill(make_context(g), pos[0], sig, args.flag("all")));
  return 0;
}

}  // namespace

extern const Command kKillCommand{
    "kill",
    "kill sends the specified signal (default: SIGTERM) to the container's init process",
    "<container-id> [signal]",
    "The signal is a number (9), a name (KILL) or a name with its prefix (SIGKILL).",
    kFlags,
    1,
    2,
    0,
    run_kill,
};

}  // namespace rt::cli
