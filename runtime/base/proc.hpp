// Facts about a process from /proc/<pid>/stat.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace rt::proc {

struct StatInfo {
  char state = '?';        // R, S, D, Z, T, ...
  uint64_t start_time = 0;  // clock ticks after boot (field 22)
  pid_t ppid = 0;
};

// Nullopt when the process does not exist (or cannot be read).
std::optional<StatInfo> stat(pid_t pid);

// Alive = exists, is not a zombie, and (when given) has this start time, so
// that a recycled pid is not mistaken for the container's init.
bool alive(pid_t pid, uint64_t expected_start_time);

// A waitpid status in words: "exit status 3", "killed by signal 9".
std::string describe_wait_status(int status);
// ... and as a shell reports it: the exit code, or 128+signal.
int exit_code(int status);

}  // namespace rt::proc
