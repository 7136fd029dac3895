// ocirun run: create and start a container; in the foreground, wait for it.
#include "runtime/cli/context.hpp"
#include "runtime/container/run.hpp"

namespace rt::cli {

Result<container::CreateOptions> create_options(const ParsedArgs& args);

namespace {

constexpr FlagSpec kFlags[] = {
    {"bundle,b", FlagKind::kValue, "DIR", "path to the bundle (default: the current directory)"},
    {"console-socket", FlagKind::kValue, "PATH", "unix socket to send the pty master to (with --detach)"},
    {"detach,d", FlagKind::kBool, "", "detach from the container's process"},
    {"keep", FlagKind::kBool, "", "do not delete the container after it exits"},
    {"pid-file", FlagKind::kValue, "FILE", "file to write the container's init pid to"},
    {"no-subreaper", FlagKind::kBool, "", "do not become a subreaper for the container's processes"},
    {"no-pivot", FlagKind::kBool, "", "use MS_MOVE and chroot instead of pivot_root"},
    {"no-new-keyring", FlagKind::kBool, "", "keep the caller's session keyring"},
    {"preserve-fds", FlagKind::kValue, "N", "pass N extra fds (3 .. 3+N-1) to the process", "0"},
};

Result<int> run_run(const GlobalOptions& g, const ParsedArgs& args) {
  container::RunOptions o;
  TRY_ASSIGN(o.create, create_options(args));
  o.detach = args.flag("detach");
  o.keep = args.flag("keep");
  o.no_subreaper = args.flag("no-subreaper");
  if (o.detach && o.keep) return Err(0, "--detach and --keep cannot be used together");
  return container::run(make_context(g), std::move(o));
}

}  // namespace

extern const Command kRunCommand{
    "run",
    "create and run a container",
    "<container-id>",
    "Creates and starts the container from the bundle. In the foreground (the default) ocirun\n"
    "   forwards signals and terminal input to it, exits with its exit status (128+signal when it\n"
    "   was killed) and deletes it afterwards.",
    kFlags,
    1,
    1,
    0,
    run_run,
};

}  // namespace rt::cli
