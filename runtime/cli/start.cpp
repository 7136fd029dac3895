// ocirun start: run the process of a created container.
#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

Result<int> run_start(const GlobalOptions& g, const ParsedArgs& args) {
  TRY(container::start(make_context(g), args.positional().at(0)));
  return 0;
}

}  // namespace

extern const Command kStartCommand{
    "start", "executes the user defined process in a created container", "<container-id>", "", {}, 1, 1, 0,
    run_start,
};

}  // namespace rt::cli
