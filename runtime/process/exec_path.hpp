// Finding the executable of process.args[0] as execvp would, but before the
// container is started, so that a missing binary fails `create`.
#pragma once

#include <string>
#include <vector>

#include "runtime/base/error.hpp"

namespace rt::process {

// PATH is taken from env ("PATH=..."), with the usual default when absent.
// Errors read like runc's: exec: "foo": executable file not found in $PATH,
// exec: "/foo": no such file or directory (engines match these texts).
Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env);

}  // namespace rt::process
