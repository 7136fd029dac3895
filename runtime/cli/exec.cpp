// ocirun exec: run a process in a running container.
#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"console-socket", FlagKind::kValue, "PATH", "unix socket to send the pty master to (with --detach --tty)"},
    {"cwd", FlagKind::kValue, "DIR", "current working directory in the container"},
    {"env,e", FlagKind::kMulti, "KEY=VALUE", "set an environment variable (repeatable)"},
    {"tty,t", FlagKind::kBool, "", "allocate a pseudo-TTY"},
    {"user,u", FlagKind::kValue, "UID[:GID]", "run as this user"},
    {"additional-gids,g", FlagKind::kMulti, "GID", "add a supplementary group (repeatable)"},
    {"process,p", FlagKind::kValue, "FILE", "a runtime-spec process.json to run (flags that shape the process are ignored)"},
    {"detach,d", FlagKind::kBool, "", "detach from the process"},
    {"pid-file", FlagKind::kValue, "FILE", "file to write the process's pid to"},
    {"process-label", FlagKind::kValue, "LABEL", "SELinux label of the process"},
    {"apparmor", FlagKind::kValue, "PROFILE", "AppArmor profile of the process"},
    {"no-new-privs", FlagKind::kBool, "", "set no_new_privs for the process"},
    {"cap,c", FlagKind::kMulti, "CAP", "add a capability to the bounding, effective and permitted sets (repeatable)"},
    {"preserve-fds", FlagKind::kValue, "N", "pass N extra fds (3 .. 3+N-1) to the process", "0"},
    {"cgroup", FlagKind::kValue, "PATH", "run the process in this sub-cgroup of the container's cgroup"},
    {"ignore-paused", FlagKind::kBool, "", "exec even if the container is paused (the process waits for resume)"},
};

Result<int> run_exec(const GlobalOptions& g, const ParsedArgs& args) {
  container::ExecOptions o;
  const auto& pos = args.positional();
  o.id = pos.at(0);
  o.process_file = args.value("process");
  o.flags.args.assign(pos.begin() + 1, pos.end());
  if (args.has("tty")) o.flags.tty = args.flag("tty");
  o.flags.cwd = args.value("cwd");
  o.flags.env = args.values("env");
  o.flags.user = args.value("user");
  o.flags.additional_gids = args.values("additional-gids");
  o.flags.caps = args.values("cap");
  if (args.has("no-new-privs")) o.flags.no_new_privs = args.flag("no-new-privs");
  o.flags.apparmor = args.value("apparmor");
  o.flags.process_label = args.value("process-label");
  o.detach = args.flag("detach");
  o.pid_file = args.value("pid-file");
  o.console_socket = args.value("console-socket");
  o.sub_cgroup = args.value("cgroup");
  o.ignore_paused = args.flag("ignore-paused");
  const std::string n = args.value("preserve-fds", "0");
  auto fds = parse_int<int>(n);
  if (!fds || *fds < 0) return Err(0, "invalid --preserve-fds value \"", n, "\"");
  o.preserve_fds = *fds;
  return container::exec(make_context(g), o);
}

}  // namespace

extern const Command kExecCommand{
    "exec",
    "execute new process inside the container",
    "<container-id> <command> [command options]  ||  -p process.json <container-id>",
    "Runs a process in the container's namespaces and cgroup, with the security settings of the\n"
    "   container's process (or of --process). In the foreground ocirun forwards signals (and the\n"
    "   terminal with --tty) and exits with the process's exit status; failures of ocirun itself\n"
    "   exit with 255, as runc's do.",
    kFlags,
    1,
    -1,
    1,
    run_exec,
    255,
    "exec failed: ",
};

}  // namespace rt::cli
