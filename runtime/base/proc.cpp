#include "runtime/base/proc.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "runtime/base/str.hpp"

namespace rt::proc {

std::optional<StatInfo> stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  char path[32];
  snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[1024];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  std::string_view s(buf, static_cast<size_t>(n));
  // comm (field 2) may contain spaces and parentheses: parse after the last ')'.
  const auto close = s.rfind(')');
  if (close == std::string_view::npos || close + 2 >= s.size()) return std::nullopt;
  s.remove_prefix(close + 2);
  // Fields from 3 (state) on, space separated.
  StatInfo info;
  int field = 3;
  size_t pos = 0;
  while (pos < s.size() && field <= 22) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view tok = s.substr(pos, end - pos);
    if (field == 3 && !tok.empty()) info.state = tok[0];
    if (field == 4) info.ppid = parse_int<pid_t>(tok).value_or(0);
    if (field == 22) info.start_time = parse_int<uint64_t>(tok).value_or(0);
    ++field;
    pos = end + 1;
  }
  if (field <= 22) return std::nullopt;
  return info;
}

bool alive(pid_t pid, uint64_t expected_start_time) {
  auto info = stat(pid);
  if (!info || info->state == 'Z' || info->state == 'X') return false;
  return expected_start_time == 0 || info->start_time == expected_start_time;
}

}  // namespace rt::proc

namespace rt::proc {

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return cat("exit status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return cat("killed by signal ", WTERMSIG(status));
  return "stopped";
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace rt::proc
