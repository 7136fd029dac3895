// ocirun delete: remove a container and everything it holds.
#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"force,f", FlagKind::kBool, "", "forcibly delete the container if it is still running (SIGKILL)"},
};

Result<int> run_delete(const GlobalOptions& g, const ParsedArgs& args) {
  TRY(container::remove(make_context(g), args.positional().at(0), args.flag("force")));
  return 0;
}

}  // namespace

extern const Command kDeleteCommand{
    "delete",
    "delete any resources held by the container often used with detached container",
    "<container-id>",
    "A created or stopped container is deleted; a running or paused one only with --force.",
    kFlags,
    1,
    1,
    0,
    run_delete,
};

}  // namespace rt::cli
