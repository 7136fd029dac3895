#include "runtime/process/sync.hpp"

namespace rt::process {

const char* msg_name(Msg m) {
  switch (m) {
    case Msg::kGo: return "go";
    case Msg::kHooksDone: return "hooks-done";
    case Msg::kSeccompDone: return "seccomp-done";
    case Msg::kDone: return "done";
    case Msg::kUsernsMapped: return "userns-mapped";
    case Msg::kUsernsReady: return "userns-ready";
    case Msg::kInitPid: return "init-pid";
    case Msg::kMountsReady: return "mounts-ready";
    case Msg::kSeccompFd: return "seccomp-fd";
    case Msg::kReady: return "ready";
    case Msg::kError: return "error";
  }
  return "unknown";
}

Result<> SyncSequence::accept(Msg m) {
  // The child's frames in protocol order; each optional one only when expected.
  struct Step {
    Msg msg;
    Phase phase;
    bool expected;
  };
  const Step steps[] = {
      {Msg::kUsernsReady, Phase::kUsernsReady, expect_.userns_request},
      {Msg::kInitPid, Phase::kInitPid, expect_.init_pid},
      {Msg::kMountsReady, Phase::kMountsReady, expect_.mounts_ready},
      {Msg::kSeccompFd, Phase::kSeccompFd, expect_.seccomp_fd},
      {Msg::kReady, Phase::kReady, true},
  };
  for (const Step& s : steps) {
    if (s.phase <= phase_ || !s.expected) continue;
    // s is the next frame the child owes us.
    if (s.msg != m)
      return Err(EPROTO, "protocol error: expected ", msg_name(s.msg), " from container init, got ", msg_name(m));
    phase_ = s.phase;
    return {};
  }
  return Err(EPROTO, "protocol error: unexpected ", msg_name(m), " from container init after ready");
}

}  // namespace rt::process
