// ocirun run: create + start in one command (see run.cpp).
#pragma once

#include "runtime/container/lifecycle.hpp"

namespace rt::container {

struct RunOptions {
  CreateOptions create;
  bool detach = false;
  bool keep = false;  // do not delete the container after it exits
  bool no_subreaper = false;
};

// Returns the container's exit status (foreground) or 0 (detached).
Result<int> run(const Context& ctx, RunOptions options);

}  // namespace rt::container
