// ocirun state: the OCI state of a container, as JSON.
#include <cstdio>

#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

Result<int> run_state(const GlobalOptions& g, const ParsedArgs& args) {
  TRY_ASSIGN(auto in, container::inspect(make_context(g), args.positional().at(0)));
  const std::string json = oci::to_json(container::to_oci_state(in), oci::StateFormat::kRuncExtended, 2);
  std::printf("%s\n", json.c_str());
  return 0;
}

}  // namespace

extern const Command kStateCommand{
    "state", "output the state of a container", "<container-id>", "", {}, 1, 1, 0, run_state,
};

}  // namespace rt::cli
