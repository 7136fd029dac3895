// ocirun pause: freeze every process of the container (state "paused").
#include "runtime/cli/context.hpp"
#include "runtime/container/cgroup_ops.hpp"

namespace rt::cli {
namespace {

Result<int> run_pause(const GlobalOptions& g, const ParsedArgs& args) {
  TRY(container::pause(make_context(g), args.positional().at(0)));
  return 0;
}

}  // namespace

extern const Command kPauseCommand{
    "pause",
    "pause suspends all processes inside the container",
    "<container-id>",
    "The pause command suspends all processes in the instance of the container (cgroup v1 freezer, or "
    "cgroup.freeze on cgroup v2). A running or created container can be paused; its state reads \"paused\".",
    {},
    1,
    1,
    0,
    run_pause,
};

}  // namespace rt::cli
