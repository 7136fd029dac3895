// The container status is derived from facts, never stored:
//   creating  the state directory is locked by its creator and no init is
//             recorded yet (no state.json, or one with pid 0)
//   stopped   no init recorded and no creator (it died), or init is dead, a zombie,
//             or its pid now belongs to another process (start time differs)
//   paused    init alive and the cgroup frozen
//   created   init alive and exec.fifo present
//   running   otherwise
#pragma once

#include <string_view>

namespace rt::container {

enum class Status { kCreating, kCreated, kRunning, kPaused, kStopped };

struct StatusFacts {
  bool has_state = false;      // state.json written with the init's pid
  bool creator_active = false;  // the creating process still holds the lock
  bool init_alive = false;      // pid alive with the recorded start time
  bool exec_fifo = false;       // exec.fifo exists and the init still waits on it
  bool frozen = false;          // cgroup frozen
};

Status derive_status(const StatusFacts& facts);
std::string_view status_name(Status s);

// Lifecycle predicates (as runc's and youki's state machines allow).
inline bool can_start(Status s) { return s == Status::kCreated; }
inline bool can_kill(Status s) { return s == Status::kCreated || s == Status::kRunning || s == Status::kPaused; }
inline bool can_delete(Status s) { return s == Status::kCreated || s == Status::kStopped; }
inline bool can_pause(Status s) { return s == Status::kRunning || s == Status::kCreated; }
inline bool can_resume(Status s) { return s == Status::kPaused; }
inline bool can_exec(Status s) { return s == Status::kRunning || s == Status::kCreated; }

}  // namespace rt::container
