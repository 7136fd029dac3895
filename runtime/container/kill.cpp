// kill: signal the container's init (or, with --all, every process in it).
#include <signal.h>

#include <array>
#include <cctype>

#include "runtime/base/proc.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {
namespace {

struct SignalName {
  std::string_view name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},     {"FPE", SIGFPE},   {"KILL", SIGKILL},
    {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CONT", SIGCONT}, {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"POLL", SIGPOLL},   {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

}  // namespace

Result<int> parse_signal(std::string_view raw) {
  if (auto n = parse_int<int>(raw)) {
    if (*n <= 0 || *n >= NSIG) return Err(0, "invalid signal \"", raw, "\"");
    return *n;
  }
  std::string name;
  for (char c : raw) name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (name.rfind("SIG", 0) == 0) name.erase(0, 3);
  for (const auto& s : kSignals)
    if (s.name == name) return s.number;
  // SIGRTMIN+n / SIGRTMAX-n
  if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
    const bool min = name[3] == 'I';
    int offset = 0;
    if (name.size() > 5) {
      auto n = parse_int<int>(std::string_view(name).substr(6));
      if (!n || (name[5] != '+' && name[5] != '-')) return Err(0, "invalid signal \"", raw, "\"");
      offset = name[5] == '+' ? *n : -*n;
    }
    const int sig = (min ? SIGRTMIN : SIGRTMAX) + offset;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
  }
  return Err(0, "invalid signal \"", raw, "\"");
}

Result<> kill(const Context& ctx, const std::string& id, int signal, bool all) {
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (!can_kill(in.status)) return Err(0, "container not running");
  if (all) {
    TRY_ASSIGN(auto cgroup, load_cgroup(in.state));
    if (cgroup) return cgroup->signal_all(signal);
  }
  // A pidfd pins the process; checking the start time after opening it
  // makes sure the pid was not recycled in between.
  UniqueFd pidfd(sys::pidfd_open_raw(in.state.pid, 0));
  if (!pidfd || !proc::alive(in.state.pid, in.state.pid_start_time)) return Err(0, "no such process");
  if (sys::pidfd_send_signal_raw(pidfd.get(), signal) < 0) {
    if (errno == ESRCH) return Err(0, "no such process");
    return ErrnoErr("sending signal ", signal, " to ", in.state.pid);
  }
  // In a frozen v1 cgroup the SIGKILL stays pending until a thaw; engines
  // stop a paused container with `kill ID 9` and wait for it to exit (runc
  // thaws too).
  if (signal == SIGKILL && in.status == Status::kPaused) {
    TRY_ASSIGN(auto cgroup, load_cgroup(in.state));
    if (cgroup) TRY(cgroup->thaw());
  }
  return {};
}

}  // namespace rt::container
