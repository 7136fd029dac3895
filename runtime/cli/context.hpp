// Building the container Context from the global options.
#pragma once

#include "runtime/cli/command.hpp"
#include "runtime/container/lifecycle.hpp"

namespace rt::cli {

inline container::Context make_context(const GlobalOptions& g) {
  return container::Context{container::StateStore(g.root), g.systemd_cgroup, g.rootless == "true"};
}

}  // namespace rt::cli
