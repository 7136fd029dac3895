// CVE-2019-5736: a command that puts processes into a container (create,
// run, exec) first makes sure the runtime runs from a binary the container
// cannot write. The init and the exec process are clones of the runtime
// until they execute the container's process: the interpreter of a
// `#!/proc/self/exe` script they execute is the runtime's own binary, which
// the container's root could then reopen for writing through
// /proc/<pid>/exe once no runtime runs it. (They are also non-dumpable, so
// the container cannot open /proc/<init>/exe while the init waits.)
//
// Protected means the binary sits on a read-only mount, or is a memfd
// sealed against writes. Otherwise the runtime executes itself once more
// from a read-only, detached bind mount of its own binary (open_tree +
// mount_setattr: no copy, no mount anywhere in a namespace, a dozen
// microseconds and one execve), or, on kernels before 5.12, from a sealed
// memfd copy. Installing ocirun on a read-only mount skips that execve.
#pragma once

#include <string_view>

#include "runtime/base/error.hpp"

namespace rt::security {

// Whether `command` starts processes inside a container (create, run, exec).
bool starts_container_processes(std::string_view command);

// Returns at once when the running binary is protected; otherwise executes
// a protected view of it with the same argv and environment (returning
// only on failure).
Result<> run_from_protected_exe(char** argv);

}  // namespace rt::security
