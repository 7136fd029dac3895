// The runtime-spec seccomp agent protocol (config-linux.md, "listenerPath"):
// the runtime connects to the agent's AF_UNIX SOCK_STREAM socket, sends one
// ContainerProcessState JSON with the notify fd attached (SCM_RIGHTS, its
// name "seccompFd" in "fds"), and closes the connection.
#pragma once

#include <sys/types.h>

#include <string>

#include "oci/state.hpp"
#include "runtime/base/error.hpp"

namespace rt::security {

// {"ociVersion","fds":["seccompFd"],"pid","metadata"?, "state":{...}}
std::string container_process_state_json(const oci::State& state, pid_t pid, const std::string& metadata);

// Sends the notify fd and the process state to the agent at listener_path.
Result<> send_to_seccomp_agent(const std::string& listener_path, int notify_fd, const oci::State& state,
                               pid_t pid, const std::string& metadata);

}  // namespace rt::security
