// ocirun create: build the container; its process waits for `start`.
#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"bundle,b", FlagKind::kValue, "DIR", "path to the bundle (default: the current directory)"},
    {"console-socket", FlagKind::kValue, "PATH", "unix socket to send the pty master to (process.terminal)"},
    {"pid-file", FlagKind::kValue, "FILE", "file to write the container's init pid to"},
    {"no-pivot", FlagKind::kBool, "", "use MS_MOVE and chroot instead of pivot_root (for ramdisk roots)"},
    {"no-new-keyring", FlagKind::kBool, "", "keep the caller's session keyring"},
    {"preserve-fds", FlagKind::kValue, "N", "pass N extra fds (3 .. 3+N-1) to the process", "0"},
};

}  // namespace

Result<container::CreateOptions> create_options(const ParsedArgs& args) {
  container::CreateOptions o;
  o.id = args.positional().at(0);
  o.bundle = args.value("bundle", ".");
  o.console_socket = args.value("console-socket");
  o.pid_file = args.value("pid-file");
  o.no_pivot = args.flag("no-pivot");
  o.no_new_keyring = args.flag("no-new-keyring");
  const std::string n = args.value("preserve-fds", "0");
  auto fds = parse_int<int>(n);
  if (!fds || *fds < 0) return Err(0, "invalid --preserve-fds value \"", n, "\"");
  o.preserve_fds = *fds;
  return o;
}

namespace {

Result<int> run_create(const GlobalOptions& g, const ParsedArgs& args) {
  TRY_ASSIGN(auto options, create_options(args));
  TRY(container::create(make_context(g), options));
  return 0;
}

}  // namespace

extern const Command kCreateCommand{
    "create",
    "create a container",
    "<container-id>",
    "Creates the container from the bundle: namespaces, mounts, cgroups and security are set up and\n"
    "   the process waits; `ocirun start <container-id>` runs it.",
    kFlags,
    1,
    1,
    0,
    run_create,
};

}  // namespace rt::cli
