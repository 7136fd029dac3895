#include "runtime/base/trace.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::trace {
namespace detail {
bool g_enabled = false;
}

namespace {

struct State {
  std::string file;
  std::string command;
  std::vector<Event> events;
};

State& state() {
  static State s;
  return s;
}

}  // namespace

void enable(std::string_view file, std::string_view command) {
  State& s = state();
  s.file = fs::absolute(std::string(file));
  s.command = std::string(command);
  s.events.reserve(64);
  detail::g_enabled = true;
}

void disable() {
  detail::g_enabled = false;
  state() = State{};
}

int64_t now_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void record(std::string_view name, int64_t begin_us, int64_t end_us) {
  if (!enabled()) return;
  state().events.push_back(Event{std::string(name), begin_us, end_us, static_cast<int>(::getpid()), false});
}

std::string serialize() {
  const int self = static_cast<int>(::getpid());
  std::string out;
  for (const Event& e : state().events) {
    if (e.pid != self || e.from_init) continue;
    out += cat(e.begin_us, " ", e.end_us, " ", e.pid, " ", e.name, "\n");
  }
  return out;
}

Result<> import_init_events(std::string_view text) {
  std::vector<Event> imported;
  for (const std::string& line : split(text, '\n')) {
    if (line.empty()) continue;
    const auto bad = [&] { return Err(EPROTO, "protocol error: bad trace line from container init: ", line); };
    // "BEGIN END PID NAME": the name is the rest of the line.
    std::string_view rest = line;
    std::string_view fields[3];
    for (auto& field : fields) {
      const size_t space = rest.find(' ');
      if (space == std::string_view::npos) return bad();
      field = rest.substr(0, space);
      rest.remove_prefix(space + 1);
    }
    auto begin = parse_int<int64_t>(fields[0]);
    auto end = parse_int<int64_t>(fields[1]);
    auto pid = parse_int<int>(fields[2]);
    if (!begin || !end || !pid || *end < *begin || rest.empty()) return bad();
    imported.push_back(Event{std::string(rest), *begin, *end, *pid, true});
  }
  auto& events = state().events;
  events.insert(events.end(), imported.begin(), imported.end());
  return {};
}

const std::vector<Event>& events() { return state().events; }

std::string to_json(const std::vector<Event>& events, std::string_view command) {
  // Chrome's viewer keys tracks by pid; the init's pid (often 1 in its own
  // namespace) is shown as a track of its own.
  constexpr int kInitTrack = -1;
  nlohmann::json out = nlohmann::json::array();
  int runtime_pid = 0;
  bool any_init = false;
  for (const Event& e : events) {
    const int track = e.from_init ? kInitTrack : e.pid;
    if (!e.from_init && runtime_pid == 0) runtime_pid = e.pid;
    any_init = any_init || e.from_init;
    out.push_back({{"name", e.name}, {"ph", "X"}, {"ts", e.begin_us}, {"dur", e.end_us - e.begin_us},
                   {"pid", track}, {"tid", e.pid}});
  }
  if (runtime_pid != 0)
    out.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", runtime_pid},
                   {"args", {{"name", cat("ocirun ", command)}}}});
  if (any_init)
    out.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kInitTrack},
                   {"args", {{"name", "container init"}}}});
  return nlohmann::json{{"traceEvents", out}, {"displayTimeUnit", "ms"}}.dump(1) + "\n";
}

Result<> write_file() {
  if (!enabled()) return {};
  const State& s = state();
  UniqueFd fd(::open(s.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return ErrnoErr("--trace: opening ", s.file);
  return with_context(fs::write_all(fd.get(), to_json(s.events, s.command)), "--trace: writing ", s.file);
}

}  // namespace rt::trace
