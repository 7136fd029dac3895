#include "runtime/base/log.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "oci/issue.hpp"

namespace rt::log {
namespace {

struct Sink {
  int fd = STDERR_FILENO;
  bool owns_fd = false;
  Format format = Format::kText;
  bool debug = false;
};

Sink& sink() {
  static Sink s;
  return s;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "error";
}

std::string now_rfc3339() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &t);
  return buf;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing log
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

Result<> configure(const std::string& path, Format format, bool debug) {
  Sink& s = sink();
  s.format = format;
  s.debug = debug;
  if (path.empty() || path == "/dev/stderr") return {};
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoErr("opening log file ", path);
  s.fd = fd;
  s.owns_fd = true;
  return {};
}

bool debug_enabled() { return sink().debug; }
bool logs_to_stderr() { return !sink().owns_fd; }
int sink_fd() { return sink().fd; }

std::string format_line(Level level, std::string_view msg, Format format, std::string_view time) {
  if (format == Format::kJson)
    return cat("{\"level\":\"", level_name(level), "\",\"msg\":", oci::quote(msg), ",\"time\":\"", time, "\"}\n");
  return cat("time=\"", time, "\" level=", level_name(level), " msg=", oci::quote(msg), "\n");
}

void write(Level level, std::string_view msg) {
  if (level == Level::kDebug && !sink().debug) return;
  // A person reads stderr: plain lines there ("warning: ..."), runc's
  // logfmt or json lines in a --log file, where programs read them.
  if (!sink().owns_fd && sink().format == Format::kText) {
    write_all(sink().fd, level == Level::kError ? cat(msg, "\n") : cat(level_name(level), ": ", msg, "\n"));
    return;
  }
  write_all(sink().fd, format_line(level, msg, sink().format, now_rfc3339()));
}

void write_raw_line(std::string_view line) {
  write_all(sink().fd, line);
  if (line.empty() || line.back() != '\n') write_all(sink().fd, "\n");
}

void fatal(const std::string& msg) {
  write(Level::kError, msg);
  if (!logs_to_stderr()) write_all(STDERR_FILENO, msg + "\n");
}

}  // namespace rt::log
