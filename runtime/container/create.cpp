// create: validate everything first, then build the container; any failure
// unwinds what was made (init killed, cgroup and state directory removed).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/scope_exit.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/console/console.hpp"
#include "runtime/container/bundle.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/host_checks.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/notify_socket.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/hooks/hooks.hpp"
#include "runtime/process/launch.hpp"
#include "runtime/rootfs/idmap.hpp"
#include "runtime/security/seccomp.hpp"

namespace rt::container {
namespace {

// Checks that can fail without touching the system.
Result<Bundle> load_and_check(const Context& ctx, const CreateOptions& o) {
  TRY(validate_id(o.id));
  TRY_ASSIGN(Bundle b, load_bundle(o.bundle, {ctx.systemd_cgroup}));
  for (const auto& w : b.warnings) log::warn(w.to_string());
  for (const auto& issue : host_checks(b)) {
    if (issue.is_error()) return Err(0, issue.to_string());
    log::warn(issue.to_string());
  }
  if (b.spec.process && b.spec.process->terminal && o.console_socket.empty() && o.console_fd < 0)
    return Err(0, "$.process.terminal: a terminal needs --console-socket (or run it in the foreground)");
  return b;
}

// LISTEN_FDS (socket activation) passes through, as runc does: the fds
// after the preserved ones go along, and the process is told about them.
int add_socket_activation(std::vector<std::string>& env, int preserve_fds) {
  const char* fds = std::getenv("LISTEN_FDS");
  if (!fds) return preserve_fds;
  auto n = parse_int<int>(fds);
  if (!n || *n <= 0) return preserve_fds;
  env.push_back(cat("LISTEN_FDS=", *n));
  env.push_back("LISTEN_PID=1");
  return std::max(preserve_fds, *n);
}

process::SyncExpectations expectations(const oci::Spec& s, const process::NamespacePlan& ns) {
  process::SyncExpectations e;
  e.userns_request = ns.child_unshares_user;
  e.init_pid = ns.fork_for_init;
  if (s.hooks) {
    const auto& h = *s.hooks;
    e.mounts_ready = !h.prestart.empty() || !h.create_runtime.empty() || !h.create_container.empty() ||
                     !h.start_container.empty();
  }
  return e;
}

// NOTIFY_SOCKET: the container gets <state dir>/notify at /run/notify, where
// `start` binds the socket it listens on (notify_socket.hpp).
Result<> add_notify_socket(const ContainerDir& dir, process::InitConfig& init) {
  if (host_notify_socket().empty()) return {};
  if (::mkdirat(dir.fd(), kNotifyDir, 0755) < 0) return ErrnoErr("creating ", dir.path(), "/", kNotifyDir);
  rootfs::MountOp op;
  op.kind = rootfs::MountKind::kBind;
  op.source = cat(dir.path(), "/", kNotifyDir);
  op.destination = "/run/notify";
  op.json_path = "NOTIFY_SOCKET";
  TRY_ASSIGN(op.options, rootfs::parse_mount_options({"bind", "nosuid", "noexec", "nodev", "ro"}));
  init.rootfs.mounts.push_back(std::move(op));
  init.env.push_back(cat("NOTIFY_SOCKET=", kNotifySocketInContainer));
  return {};
}

}  // namespace

std::string seccomp_cache_dir(const Context& ctx) { return fs::join(ctx.store.root(), "@seccomp-cache"); }

Result<Created> create(const Context& ctx, const CreateOptions& o) {
  trace::Phases phase("create: load and validate the bundle");
  TRY_ASSIGN(Bundle bundle, load_and_check(ctx, o));
  phase.next("create: plan rootfs, namespaces, security (seccomp compile)");
  const oci::Spec& spec = bundle.spec;

  process::InitConfig init;
  init.id = o.id;
  init.bundle = bundle.dir;
  init.spec = &spec;
  TRY_ASSIGN(init.rootfs, rootfs::make_plan(spec, bundle.rootfs, {bundle.dir, o.no_pivot}));
  init.ns = process::plan_namespaces(spec.linux ? &*spec.linux : nullptr);
  TRY(process::open_join_fds(init.ns));
  // Id-mapped trees are made here: an init in a new user namespace lacks the
  // privilege over the source filesystem that mount_setattr needs.
  TRY(rootfs::prepare_idmapped_mounts(init.rootfs));
  // Without a process (runtime.md allows it) the container is only built:
  // `start` refuses it.
  const bool terminal = spec.process && spec.process->terminal;
  if (spec.process) {
    TRY_ASSIGN(init.security,
               security::prepare(*spec.process, spec.linux ? &*spec.linux : nullptr, {seccomp_cache_dir(ctx)}));
    init.env = spec.process->env;
  }
  init.preserve_fds = add_socket_activation(init.env, o.preserve_fds);
  init.no_new_keyring = o.no_new_keyring;
  init.expect = expectations(spec, init.ns);
  init.expect.seccomp_fd = init.security.seccomp && init.security.seccomp->notify();
  if (o.child_sigmask) init.child_sigmask = *o.child_sigmask;
  else sigprocmask(SIG_SETMASK, nullptr, &init.child_sigmask);

  ContainerState state;
  state.id = o.id;
  state.bundle = bundle.dir;
  state.rootfs = bundle.rootfs;
  state.annotations = spec.annotations;
  state.own_pid_namespace = init.ns.new_pid;
  state.systemd_cgroup = ctx.systemd_cgroup;
  state.rootless = ctx.rootless;
  state.owner = ::geteuid() == 0 ? "root" : std::to_string(::geteuid());

  // From here on the system changes: every step is undone on failure.
  phase.next("create: state dir, config copy");
  TRY_ASSIGN(ContainerDir dir, ctx.store.create(o.id));
  ScopeExit remove_dir([&] { (void)dir.remove(); });
  fault::point("create:after-state-dir");
  TRY(with_context(fs::write_file_atomic(dir.fd(), kConfigFile, bundle.config_text), "saving config of ", o.id));

  TRY(add_notify_socket(dir, init));
  phase.next("create: cgroup");
  TRY_ASSIGN(auto cgroup, create_cgroup(o.id, spec, ctx.systemd_cgroup, ctx.rootless));
  ScopeExit remove_cgroup([&] { (void)cgroup.manager->destroy(); });
  state.cgroup = cgroup.manager->paths();
  // Recorded at once (pid 0: "creating"), so that if this process dies from
  // here on, `delete` still finds the cgroup to remove.
  TRY(dir.write_state(state));
  fault::point("create:after-cgroup");
  init.rootfs.cgroups = cgroup_view(cgroup.layout, state.cgroup);
  // Writing "0" needs the init to be root in the runtime's user namespace
  // (which it is not after clone3(CLONE_NEWUSER)).
  if (!init.ns.new_user && ::geteuid() == 0) init.cgroup_self_join = cgroup.manager->self_join_files();

  phase.next("create: exec.fifo");
  if (::mkfifoat(dir.fd(), kExecFifo, 0600) < 0) return ErrnoErr("creating ", dir.path(), "/", kExecFifo);
  // Read and write: the init then never sees end-of-file, so a `start` that
  // dies after opening the fifo but before writing to it releases nothing.
  UniqueFd fifo(::openat(dir.fd(), kExecFifo, O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fifo) return ErrnoErr("opening ", dir.path(), "/", kExecFifo);
  init.exec_fifo_fd = fifo.get();

  UniqueFd console_socket;
  if (terminal) {
    if (o.console_fd >= 0) {
      init.console_socket_fd = o.console_fd;
    } else {
      TRY_ASSIGN(console_socket, console::connect_socket(o.console_socket));
      init.console_socket_fd = console_socket.get();
    }
  }

  auto on_mounts_ready = [&](pid_t pid) -> Result<> {
    if (!spec.hooks) return {};
    fault::point("create:prestart-hooks");
    oci::State st{oci::kSpecVersion, o.id, "creating", pid, bundle.dir, spec.annotations};
    const std::string creating = oci::to_json(st, oci::StateFormat::kOci);
    // prestart (deprecated) still sees "created", as it did when it ran
    // after `start` (runtime-spec 1.0) and as the conformance suite checks:
    // the environment is complete by now, only the process is missing.
    st.status = "created";
    TRY(hooks::run_all("prestart", spec.hooks->prestart, oci::to_json(st, oci::StateFormat::kOci)));
    return hooks::run_all("createRuntime", spec.hooks->create_runtime, creating);
  };
  phase.end();  // the launcher traces its own phases
  process::Launcher launcher(init);
  TRY_ASSIGN(auto proc, launcher.start(cgroup.manager.get(), on_mounts_ready));
  fault::point("create:before-pid-state");
  phase.next("create: state.json, release the init");
  state.pid = proc.pid;
  state.pid_start_time = proc.start_time;
  state.created = now_rfc3339_nano();
  TRY(dir.write_state(state));
  fault::point("create:after-pid-state");
  if (!o.pid_file.empty()) TRY(write_pid_file(o.pid_file, proc.pid));
  TRY(launcher.finish());
  remove_cgroup.dismiss();
  remove_dir.dismiss();
  return Created{std::move(dir), std::move(state), terminal};
}

}  // namespace rt::container
