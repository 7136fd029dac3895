#include "runtime/container/status.hpp"

namespace rt::container {

Status derive_status(const StatusFacts& f) {
  if (!f.has_state) return f.creator_active ? Status::kCreating : Status::kStopped;
  if (!f.init_alive) return Status::kStopped;
  if (f.frozen) return Status::kPaused;
  if (f.exec_fifo) return Status::kCreated;
  return Status::kRunning;
}

std::string_view status_name(Status s) {
  switch (s) {
    case Status::kCreating: return "creating";
    case Status::kCreated: return "created";
    case Status::kRunning: return "running";
    case Status::kPaused: return "paused";
    case Status::kStopped: return "stopped";
  }
  return "unknown";
}

}  // namespace rt::container
