// Fault injection for the crash tests (integration/faults.bats). With
// OCIRUN_FAULT=<point> in its environment the runtime SIGKILLs itself when it
// reaches that point, as a crash or a caller's `kill -9` would, so the tests
// can check that `state` still tells the truth and `delete --force` cleans up
// whatever was left. The variable is read once; an unarmed point costs a
// pointer test.
#pragma once

#include <string_view>

namespace rt::fault {

// Every point the runtime has, by phase. A test asking for a name not listed
// here is told so (on stderr) instead of silently never crashing.
inline constexpr std::string_view kPoints[] = {
    "create:after-state-dir",   // <root>/<id> made and locked, nothing else
    "create:after-cgroup",      // cgroup made and recorded in state.json (pid 0)
    "create:after-clone",       // the init's first process exists
    "create:prestart-hooks",    // the init has its mounts; the hooks are about to run
    "create:before-pid-state",  // the init is ready; state.json does not name it yet
    "create:after-pid-state",   // state.json names the init; it still waits for the runtime
    "init:after-mounts",        // the container's init itself, mid-create
    "start:before-release",     // start holds the lock, the init still waits
    "start:after-release",      // the init was released; exec.fifo is still there
    "delete:after-kill",        // the init is dead; cgroup and state dir remain
    "delete:after-cgroup",      // the cgroup is gone; the state dir remains
};

// SIGKILLs the calling process if OCIRUN_FAULT names this point.
void point(std::string_view name);

}  // namespace rt::fault
