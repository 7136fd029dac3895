// CVE-2019-5736: a command that puts processes into a container first
// re-executes the runtime from a sealed in-memory copy of its own binary.
// The init is a clone of the runtime until it executes the container's
// process, so without the copy /proc/<init>/exe (and the interpreter of a
// `#!/proc/self/exe` script the container names as its process) would be
// the host's runtime binary, which a root process in the container could
// reopen for writing once the runtime exits. The copy is a memfd sealed
// against writes and resizing: nothing can change it, and it is gone when
// the last process running it is.
#pragma once

#include <string_view>

#include "runtime/base/error.hpp"

namespace rt::security {

// Whether `command` starts processes inside a container (create, run, exec).
bool needs_sealed_binary(std::string_view command);

// Returns at once when this process already runs from a sealed copy;
// otherwise makes the copy and execs it with the same argv and environment
// (it returns only on failure).
Result<> reexec_from_sealed_copy(char** argv);

}  // namespace rt::security
