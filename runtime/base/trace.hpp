// Per-phase timings of one command (--trace FILE or OCIRUN_TRACE=FILE) as
// Chrome trace-event JSON, for chrome://tracing or ui.perfetto.dev. Off by
// default: a Span then costs one load of a bool and records nothing.
//
// The container init is a clone of the runtime: it records its own phases
// and sends them, serialized, with its kReady frame; the runtime imports
// them and writes the file when the command ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/error.hpp"

namespace rt::trace {

struct Event {
  std::string name;
  int64_t begin_us = 0;  // CLOCK_MONOTONIC
  int64_t end_us = 0;
  int pid = 0;  // as the recording process sees itself
  bool from_init = false;
};

namespace detail {
extern bool g_enabled;
}

inline bool enabled() { return detail::g_enabled; }

// Starts recording; FILE is written by write_file(). A relative path is
// taken from the current directory now.
void enable(std::string_view file, std::string_view command);

// Stops recording and drops what was recorded (tests).
void disable();

int64_t now_us();

// Records one phase of this process.
void record(std::string_view name, int64_t begin_us, int64_t end_us);

// Times the enclosing scope.
class Span {
 public:
  explicit Span(const char* name) : name_(enabled() ? name : nullptr), begin_(name_ ? now_us() : 0) {}
  ~Span() {
    if (name_) record(name_, begin_, now_us());
  }
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  const char* name_;
  int64_t begin_;
};

// Consecutive phases of one function: next() ends the current phase and
// begins the next; the last one ends with the scope.
class Phases {
 public:
  Phases() = default;
  explicit Phases(const char* first) { next(first); }
  ~Phases() { end(); }
  void next(const char* name) {
    if (!enabled()) return;
    const int64_t now = now_us();
    if (name_) record(name_, begin_, now);
    name_ = name;
    begin_ = now;
  }
  void end() {
    if (name_) record(name_, begin_, now_us());
    name_ = nullptr;
  }
  Phases(const Phases&) = delete;
  Phases& operator=(const Phases&) = delete;

 private:
  const char* name_ = nullptr;
  int64_t begin_ = 0;
};

// This process's own events (not those it inherited from a parent it was
// cloned from), one "BEGIN END PID NAME" a line.
std::string serialize();
// Adds events another process serialized (the container init's).
Result<> import_init_events(std::string_view text);

// The events recorded and imported so far.
const std::vector<Event>& events();
// Chrome trace-event JSON of EVENTS: one complete ("X") event each, with
// process names for the runtime and the container init.
std::string to_json(const std::vector<Event>& events, std::string_view command);

// Writes the trace file; a no-op when tracing is off.
Result<> write_file();

}  // namespace rt::trace
