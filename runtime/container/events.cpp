// events: stats every interval and OOM notifications until init exits.
#include <poll.h>
#include <time.h>

#include <nlohmann/json.hpp>

#include "runtime/base/log.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/cgroups/stats.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/cgroup_ops.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {
namespace {

int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// runc's types.Event: type, id, then data when there is any.
std::string event_line(const char* type, const std::string& id, const nlohmann::ordered_json* data) {
  nlohmann::ordered_json j;
  j["type"] = type;
  j["id"] = id;
  if (data) j["data"] = *data;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::string> stats_line(const cgroups::Manager& cgroup, const std::string& id) {
  TRY_ASSIGN(const cgroups::Stats stats, cgroup.stats());
  const auto data = cgroups::stats_to_json(stats);
  return event_line("stats", id, &data);
}

Result<> emit_ooms(cgroups::OomWatch* watch, const std::string& id, const std::function<void(const std::string&)>& emit) {
  if (!watch) return {};
  TRY_ASSIGN(const uint64_t n, watch->consume());
  for (uint64_t i = 0; i < n; ++i) emit(event_line("oom", id, nullptr));
  return {};
}

}  // namespace

Result<> events(const Context& ctx, const std::string& id, const EventsOptions& o,
                const std::function<void(const std::string&)>& emit) {
  if (o.interval_ns <= 0) return Err(0, "duration interval must be greater than 0");
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (in.status == Status::kStopped || !in.has_state || in.state.pid == 0)
    return Err(0, "container with id ", id, " is not running");
  TRY_ASSIGN(auto cgroup, load_cgroup(in.state));
  if (!cgroup) return Err(0, "container ", id, " has no cgroup to report on");
  if (o.stats_only) {
    TRY_ASSIGN(const std::string line, stats_line(*cgroup, id));
    emit(line);
    return {};
  }
  // A pidfd tells when init exits; the start time check after opening it
  // makes sure it is still the container's init and not a recycled pid.
  UniqueFd pidfd(sys::pidfd_open_raw(in.state.pid, 0));
  if (!pidfd || !proc::alive(in.state.pid, in.state.pid_start_time))
    return Err(0, "container with id ", id, " is not running");
  TRY_ASSIGN(auto watch, cgroup->watch_oom());
  int64_t next = now_ns() + o.interval_ns;
  for (;;) {
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {watch ? watch->fd() : -1, POLLIN, 0}};
    const int64_t wait_ms = std::max<int64_t>(0, (next - now_ns() + 999999) / 1000000);
    const int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(wait_ms, 60000)));
    if (n < 0 && errno != EINTR) return ErrnoErr("waiting for events of ", id);
    // OOM first: the kill that ends init is reported before the exit.
    if (n > 0 && (fds[1].revents & POLLIN)) TRY(emit_ooms(watch.get(), id, emit));
    if (n > 0 && fds[0].revents) {
      TRY(emit_ooms(watch.get(), id, emit));  // one last look: it may have raced with the exit
      return {};
    }
    if (now_ns() >= next) {
      auto line = stats_line(*cgroup, id);
      if (line) emit(*line);
      else log::error("reading the stats of ", id, ": ", line.error().to_string());
      next += o.interval_ns;
    }
  }
}

}  // namespace rt::container
