// The runtime's log: runc-compatible lines to --log, in text
//   time="2026-01-01T00:00:00Z" level=error msg="..."
// or json
//   {"level":"error","msg":"...","time":"2026-01-01T00:00:00Z"}
// Engines (containerd's shim) read the last error line of the json log.
// Without --log, text goes to stderr as plain lines: errors as they are,
// other levels prefixed ("warning: ...").
#pragma once

#include <string>
#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/base/str.hpp"

namespace rt::log {

enum class Level { kDebug, kInfo, kWarning, kError };
enum class Format { kText, kJson };

// Configures the sink. An empty path means stderr. Opening the file may fail.
Result<> configure(const std::string& path, Format format, bool debug);
bool debug_enabled();
bool logs_to_stderr();
// The fd log lines go to (a child that keeps logging must keep it open).
int sink_fd();

std::string format_line(Level level, std::string_view msg, Format format, std::string_view time);
void write(Level level, std::string_view msg);
// Forwards a line that already carries its own level (from the container's init).
void write_raw_line(std::string_view line);

// Reports the final error of a command: once to the log and, when the log is
// a file, once more as a plain line on stderr (as runc does).
void fatal(const std::string& msg);

template <class... A>
void debug(A&&... parts) {
  if (debug_enabled()) write(Level::kDebug, cat(std::forward<A>(parts)...));
}
template <class... A>
void info(A&&... parts) {
  write(Level::kInfo, cat(std::forward<A>(parts)...));
}
template <class... A>
void warn(A&&... parts) {
  write(Level::kWarning, cat(std::forward<A>(parts)...));
}
template <class... A>
void error(A&&... parts) {
  write(Level::kError, cat(std::forward<A>(parts)...));
}

}  // namespace rt::log
