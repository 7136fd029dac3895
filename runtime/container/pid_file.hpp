// --pid-file: the pid an engine reads once the command returns.
#pragma once

#include <sys/types.h>

#include <string>

#include "runtime/base/error.hpp"

namespace rt::container {

// Written atomically (temp file + rename in the same directory), so a
// reader never sees a partial pid.
Result<> write_pid_file(const std::string& path, pid_t pid);

}  // namespace rt::container
