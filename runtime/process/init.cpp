// The container's init: the child side of the protocol in sync.hpp. Runs in
// the cloned process, single-threaded, as a flat list of steps; the first
// failure is sent to the runtime as one kError frame and the child exits.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "oci/state.hpp"
#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/console/console.hpp"
#include "runtime/hooks/hooks.hpp"
#include "runtime/process/child_process.hpp"
#include "runtime/process/keyring.hpp"
#include "runtime/process/launch.hpp"
#include "runtime/process/sysctl.hpp"
#include "runtime/process/user_process.hpp"
#include "runtime/rootfs/mounter.hpp"
#include "runtime/security/process_security.hpp"
#include "runtime/sys/syscalls.hpp"

namespace rt::process {
namespace {

class Init {
 public:
  Init(const InitConfig& c, Channel ch) : c_(c), ch_(std::move(ch)), mounter_(sys::linux_syscalls(), c.rootfs) {}

  [[noreturn]] void run();

 private:
  Result<> expect(Msg m, Frame* out = nullptr);
  Result<> enter_namespaces();
  Result<> build_rootfs();
  Result<> configure_system();
  Result<> prepare_process();
  Result<> wait_for_start();
  [[noreturn]] void exec_process();
  std::string state_json(const char* status) const;

  const InitConfig& c_;
  Channel ch_;
  rootfs::Mounter mounter_;
  pid_t host_pid_ = 0;        // our pid as the runtime sees it (for hook state)
  std::string executable_;
  UniqueFd pty_slave_;
};

Result<> Init::expect(Msg m, Frame* out) {
  TRY_ASSIGN(Frame f, expect_frame(ch_, m));
  if (out) *out = std::move(f);
  return {};
}

std::string Init::state_json(const char* status) const {
  oci::State st;
  st.id = c_.id;
  st.status = status;
  st.pid = host_pid_;
  st.bundle = c_.bundle;
  st.annotations = c_.spec->annotations;
  return oci::to_json(st, oci::StateFormat::kOci);
}

Result<> Init::enter_namespaces() {
  const NamespacePlan& ns = c_.ns;
  TRY(join_namespaces(ns));
  if (ns.child_unshares_user) {
    if (::unshare(CLONE_NEWUSER) < 0) return ErrnoErr("creating the user namespace");
    TRY(ch_.send(static_cast<uint32_t>(Msg::kUsernsReady)));
    TRY(expect(Msg::kUsernsMapped));
  }
  TRY(expect(Msg::kGo));
  if (ns.new_user) {
    // Become the namespace's root (we are whatever our host uid maps to).
    if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0) return ErrnoErr("becoming root in the user namespace");
  }
  if (ns.unshare_flags && ::unshare(ns.unshare_flags) < 0) return ErrnoErr("creating namespaces");
  if (ns.new_time) {
    if (::unshare(CLONE_NEWTIME) < 0) return ErrnoErr("creating the time namespace");
    TRY(write_time_offsets(c_.spec->linux->time_offsets));
  }
  // After the runtime put us in our cgroup, so that it is the namespace root.
  if (ns.new_cgroup && ::unshare(CLONE_NEWCGROUP) < 0) return ErrnoErr("creating the cgroup namespace");
  if (ns.fork_for_init) {
    // pid and time namespaces apply to children: our child is the init.
    const pid_t pid = ::fork();
    if (pid < 0) return ErrnoErr("fork of the container init");
    if (pid > 0) {
      auto sent = ch_.send(static_cast<uint32_t>(Msg::kInitPid), 0, std::to_string(pid));
      _exit(sent ? 0 : 1);
    }
  }
  return {};
}

Result<> Init::build_rootfs() {
  trace::Phases phase("init: prepare the root (propagation, bind)");
  TRY(mounter_.prepare_root());
  phase.next("init: mounts");
  TRY(mounter_.mount_all());
  fault::point("init:after-mounts");
  phase.next("init: devices");
  TRY(mounter_.create_devices());
  phase.end();
  if (c_.expect.mounts_ready) {
    TRY(ch_.send(static_cast<uint32_t>(Msg::kMountsReady)));
    Frame f;
    TRY(expect(Msg::kHooksDone, &f));
    host_pid_ = parse_int<pid_t>(f.payload).value_or(0);
    if (c_.spec->hooks && !c_.spec->hooks->create_container.empty()) {
      // In the container's namespaces, before pivot_root: the hook path is
      // still resolved on the host (runtime-spec "createContainer").
      if (::chdir(c_.rootfs.rootfs.c_str()) < 0) return ErrnoErr("chdir ", c_.rootfs.rootfs);
      TRY(hooks::run_all("createContainer", c_.spec->hooks->create_container, state_json("creating")));
    }
  }
  phase.next("init: pivot_root");
  TRY(mounter_.pivot());
  phase.next("init: masked and read-only paths, remount ro");
  return mounter_.finalize();
}

Result<> Init::configure_system() {
  const oci::Spec& s = *c_.spec;
  if (s.linux) TRY(apply_sysctls(s.linux->sysctl));
  if (!s.hostname.empty() && ::sethostname(s.hostname.data(), s.hostname.size()) < 0)
    return ErrnoErr("$.hostname: sethostname");
  if (!s.domainname.empty() && ::setdomainname(s.domainname.data(), s.domainname.size()) < 0)
    return ErrnoErr("$.domainname: setdomainname");
  if (!c_.no_new_keyring) TRY(join_session_keyring(c_.id));
  if (s.process && s.process->terminal) {
    const oci::Process& p = *s.process;
    if (c_.console_socket_fd < 0) return Err(EINVAL, "$.process.terminal: a terminal needs a console socket");
    TRY_ASSIGN(auto pty, console::open_container_pty(p.console_size, c_.rootfs.own_mount_namespace));
    TRY(console::send_master(c_.console_socket_fd, pty));
    pty_slave_ = std::move(pty.slave);
    TRY(console::become_terminal_owner(pty_slave_.get()));
  }
  return {};
}

Result<> Init::prepare_process() {
  if (!c_.spec->process) return {};
  TRY_ASSIGN(executable_, prepare_user_process(*c_.spec->process, c_.security, c_.env,
                                               [this](const UniqueFd& fd) { return send_seccomp_fd(ch_, fd); }));
  return {};
}

Result<> Init::wait_for_start() {
  TRY(ch_.send(static_cast<uint32_t>(Msg::kReady), 0, trace::enabled() ? trace::serialize() : std::string()));
  // kDone: the runtime has recorded us. EOF instead means it failed or died.
  TRY(expect(Msg::kDone));
  ch_.close();
  if (c_.exec_fifo_fd < 0) return {};
  pollfd pfd{c_.exec_fifo_fd, POLLIN, 0};
  while (::poll(&pfd, 1, -1) < 0) {
    if (errno != EINTR) return ErrnoErr("waiting on exec.fifo");
  }
  char byte;
  if (::read(c_.exec_fifo_fd, &byte, 1) < 0) return ErrnoErr("reading exec.fifo");
  // Left open: it is close-on-exec, so `start` sees the fifo lose its reader
  // once the process runs (and only then runs the poststart hooks).
  return {};
}

// After kDone nobody listens on the channel: the process's stderr is all
// that is left to say why it did not start.
[[noreturn]] void fail(const Error& e) {
  const std::string msg = cat("ocirun: ", e.to_string(), "\n");
  (void)!::write(2, msg.data(), msg.size());
  _exit(127);
}

[[noreturn]] void Init::exec_process() {
  // `start` refuses a container without a process; nothing else opens the fifo.
  if (!c_.spec->process) fail(Error{0, "$.process: the container has no process to start"});
  const oci::Process& p = *c_.spec->process;
  if (c_.spec->hooks && !c_.spec->hooks->start_container.empty()) {
    if (auto r = hooks::run_all("startContainer", c_.spec->hooks->start_container, state_json("created")); !r)
      fail(r.error());
  }
  fail(exec_user_process(p, c_.security, c_.env, executable_, c_.preserve_fds, c_.child_sigmask));
}

void Init::run() {
  ::prctl(PR_SET_NAME, kInitProcessName, 0, 0, 0);
  ::umask(0);
  std::vector<int> keep = {0, 1, 2, ch_.fd(), c_.exec_fifo_fd, c_.console_socket_fd, log::sink_fd()};
  for (int fd = 3; fd < 3 + c_.preserve_fds; ++fd) keep.push_back(fd);
  for (const auto& j : c_.ns.joins) keep.push_back(j.fd.get());
  for (int fd : c_.rootfs.inherited_fds()) keep.push_back(fd);
  close_fds_except(std::move(keep));
  auto step = [&](Result<> r) {
    if (r) return;
    const Error& e = r.error();
    (void)ch_.send(static_cast<uint32_t>(Msg::kError), e.errnum, e.to_string());
    _exit(1);
  };
  {
    trace::Phases phase("init: join the v1 cgroups (\"0\" to tasks)");
    // Before anything else: the namespaces, mounts and devices are made
    // inside the container's cgroups, as when the runtime moves us.
    step(join_cgroups_self(c_.cgroup_self_join));
    phase.next("init: enter namespaces (waits for the runtime's go)");
    step(enter_namespaces());
    phase.end();  // build_rootfs traces its steps
    step(build_rootfs());
    phase.next("init: sysctl, hostname, console");
    step(configure_system());
    phase.next("init: user, capabilities, seccomp, executable lookup");
    step(prepare_process());
  }
  step(wait_for_start());
  exec_process();
}

}  // namespace

[[noreturn]] void run_init(const InitConfig& config, Channel channel) {
  try {
    Init(config, std::move(channel)).run();
  } catch (...) {
    // Nothing may unwind past the clone into the runtime's frames.
  }
  _exit(1);
}

}  // namespace rt::process
