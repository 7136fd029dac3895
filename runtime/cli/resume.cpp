// ocirun resume: thaw a paused container.
#include "runtime/cli/context.hpp"
#include "runtime/container/cgroup_ops.hpp"

namespace rt::cli {
namespace {

Result<int> run_resume(const GlobalOptions& g, const ParsedArgs& args) {
  TRY(container::resume(make_context(g), args.positional().at(0)));
  return 0;
}

}  // namespace

extern const Command kResumeCommand{
    "resume",
    "resumes all processes that have been previously paused",
    "<container-id>",
    "The resume command resumes all processes in the instance of the container. Only a paused container "
    "can be resumed.",
    {},
    1,
    1,
    0,
    run_resume,
};

}  // namespace rt::cli
