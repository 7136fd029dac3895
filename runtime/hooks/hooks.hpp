// Running OCI hooks (config.md "POSIX-platform Hooks"): each hook gets the
// container state JSON on stdin, exactly its path, args and env (nothing is
// inherited), and is killed when its timeout expires. A failure names the
// hook kind, its index and path, and its exit status or signal, with what it
// wrote to stderr.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::hooks {

// Runs the hooks in order and stops at the first failure.
Result<> run_all(std::string_view kind, const std::vector<oci::Hook>& hooks, std::string_view state_json);
Result<> run_one(std::string_view kind, size_t index, const oci::Hook& hook, std::string_view state_json);

// Runs every hook even when some fail; failures are logged as warnings
// (poststop: the container is gone whatever they say).
void run_all_warn(std::string_view kind, const std::vector<oci::Hook>& hooks, std::string_view state_json);

}  // namespace rt::hooks
