// ocirun: an OCI container runtime with runc's command-line interface.
#include <seccomp.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/security/protected_exe.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kGlobalFlags[] = {
    {"debug", FlagKind::kBool, "", "enable debug logging"},
    {"log", FlagKind::kValue, "FILE", "log file to write ocirun's logs to (default: stderr)"},
    {"log-format", FlagKind::kValue, "FORMAT", "log format: 'text' or 'json'", "text"},
    {"root", FlagKind::kValue, "DIR", "root directory for the containers' state (on a tmpfs)", "/run/ocirun"},
    {"systemd-cgroup", FlagKind::kBool, "",
     "use systemd for cgroups; linux.cgroupsPath must then be \"slice:prefix:name\""},
    {"trace", FlagKind::kValue, "FILE",
     "write per-phase timings of this command as Chrome trace-event JSON (also: OCIRUN_TRACE=FILE)"},
    {"rootless", FlagKind::kValue, "VALUE", "ignore cgroup permission errors: 'true', 'false' or 'auto'", "auto"},
    {"help,h", FlagKind::kBool, "", "show help"},
    {"version,v", FlagKind::kBool, "", "print the version"},
};

std::string version_text() {
  const scmp_version* v = seccomp_version();
  return cat("ocirun version ", OCIRUN_VERSION, "\ncommit: ", OCIRUN_COMMIT, "\nspec: ", oci::kSpecVersion,
             "\nlibseccomp: ", v->major, ".", v->minor, ".", v->micro, "\n");
}

std::string main_help() {
  std::string out =
      "NAME:\n   ocirun - an OCI container runtime\n\n"
      "ocirun runs containers from OCI bundles: a directory with a config.json\n"
      "and a root filesystem. Its commands and flags are those of runc.\n\n"
      "USAGE:\n   ocirun [global options] command [command options] [arguments...]\n\nCOMMANDS:\n";
  for (const Command* c : all_commands()) out += cat("   ", c->name, std::string(12 - std::min<size_t>(c->name.size(), 11), ' '), c->summary, "\n");
  out += cat("\nGLOBAL OPTIONS:\n", format_flags(kGlobalFlags));
  return out;
}

std::string default_root() {
  // As runc: an unprivileged user keeps state under $XDG_RUNTIME_DIR.
  if (::geteuid() != 0) {
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) return cat(xdg, "/ocirun");
  }
  return "/run/ocirun";
}

int usage_error(const std::string& msg, const std::string& help) {
  log::error(msg);
  if (!log::logs_to_stderr()) std::fprintf(stderr, "%s\n", msg.c_str());
  std::fprintf(stderr, "Incorrect Usage.\n\n%s", help.c_str());
  return 1;
}

// Carries the first process's times across the protected re-exec when
// tracing: "MAIN_US EXEC_US".
constexpr const char* kTraceReexecEnv = "OCIRUN_TRACE_REEXEC";

// Turns tracing on for COMMAND when --trace or OCIRUN_TRACE asks for it and
// records the phases before this point (the first process's, when this is
// the protected re-exec).
void start_trace(const ParsedArgs& globals, const Command& command, int64_t main_us) {
  std::string file = globals.value("trace");
  if (const char* env = std::getenv("OCIRUN_TRACE"); file.empty() && env != nullptr) file = env;
  if (const char* reexec = std::getenv(kTraceReexecEnv)) {
    const std::vector<std::string> times = split(reexec, ' ');
    const auto first_main = times.size() == 2 ? parse_int<int64_t>(times[0]) : std::nullopt;
    const auto exec = times.size() == 2 ? parse_int<int64_t>(times[1]) : std::nullopt;
    if (!file.empty() && first_main && exec) {
      trace::enable(file, command.name);
      trace::record("first process: parse arguments, protect the binary", *first_main, *exec);
      trace::record("protected re-exec: execve, dynamic loading", *exec, main_us);
    }
    ::unsetenv(kTraceReexecEnv);
  }
  if (file.empty()) return;
  if (!trace::enabled()) trace::enable(file, command.name);
  trace::record("parse arguments", main_us, trace::now_us());
}

int run_main(int argc, char** argv) {
  const int64_t main_us = trace::now_us();
  std::vector<std::string> args(argv + 1, argv + argc);
  auto globals = parse_args(kGlobalFlags, args, /*flags_until=*/1);
  if (!globals) return usage_error(globals.error().to_string(), main_help());

  GlobalOptions g;
  g.root = globals->value("root", default_root());
  g.log_path = globals->value("log");
  g.debug = globals->flag("debug");
  g.systemd_cgroup = globals->flag("systemd-cgroup");
  g.rootless = globals->value("rootless", "auto");
  const std::string fmt = globals->value("log-format", "text");
  if (fmt == "json") {
    g.log_format = log::Format::kJson;
  } else if (fmt != "text") {
    return usage_error(cat("invalid log format \"", fmt, "\": expected 'text' or 'json'"), main_help());
  }
  if (auto r = log::configure(g.log_path, g.log_format, g.debug); !r) {
    std::fprintf(stderr, "ocirun: %s\n", r.error().to_string().c_str());
    return 1;
  }
  if (g.rootless != "true" && g.rootless != "false" && g.rootless != "auto")
    return usage_error(cat("invalid --rootless value \"", g.rootless, "\": expected true, false or auto"),
                       main_help());

  if (globals->flag("version")) {
    std::fputs(version_text().c_str(), stdout);
    return 0;
  }
  const auto& pos = globals->positional();
  if (pos.empty() || globals->flag("help")) {
    std::fputs(main_help().c_str(), stdout);
    return 0;
  }
  if (pos[0] == "help" || pos[0] == "h") {
    if (pos.size() > 1) {
      if (const Command* c = find_command(pos[1])) {
        std::fputs(command_help(*c).c_str(), stdout);
        return 0;
      }
      return usage_error(cat("no help topic for '", pos[1], "'"), main_help());
    }
    std::fputs(main_help().c_str(), stdout);
    return 0;
  }

  const Command* cmd = find_command(pos[0]);
  if (!cmd) return usage_error(cat("unknown command \"", pos[0], "\""), main_help());

  std::vector<FlagSpec> flags(cmd->flags.begin(), cmd->flags.end());
  flags.push_back({"help,h", FlagKind::kBool, "", "show help"});
  std::vector<std::string> cmd_args(pos.begin() + 1, pos.end());
  auto parsed = parse_args(flags, cmd_args, cmd->flags_until);
  if (!parsed) return usage_error(parsed.error().to_string(), command_help(*cmd));
  if (parsed->flag("help")) {
    std::fputs(command_help(*cmd).c_str(), stdout);
    return 0;
  }
  const int n = static_cast<int>(parsed->positional().size());
  if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
    std::string want = cmd->min_args == cmd->max_args ? cat("exactly ", cmd->min_args)
                       : cmd->max_args < 0         ? cat("at least ", cmd->min_args)
                                                   : cat(cmd->min_args, " to ", cmd->max_args);
    return usage_error(cat("ocirun: \"", cmd->name, "\" requires ", want, " argument(s)"), command_help(*cmd));
  }

  start_trace(*globals, *cmd, main_us);
  Result<int> status = 0;
  if (security::starts_container_processes(cmd->name)) {
    if (trace::enabled()) ::setenv(kTraceReexecEnv, cat(main_us, " ", trace::now_us()).c_str(), 1);
    if (auto r = security::run_from_protected_exe(argv); !r) status = ErrFrom(std::move(r).error());
    ::unsetenv(kTraceReexecEnv);  // already protected: no re-exec
  }
  if (status) status = cmd->run(g, *parsed);
  if (auto written = trace::write_file(); !written) log::warn(written.error().to_string());
  if (!status) {
    log::fatal(cat(cmd->error_prefix, status.error().to_string()));
    return cmd->error_status;
  }
  return *status;
}

}  // namespace
}  // namespace rt::cli

int main(int argc, char** argv) {
  try {
    return rt::cli::run_main(argc, argv);
  } catch (const std::exception& e) {
    // Allocation failure and the like: nothing else throws across modules.
    rt::log::fatal(std::string("internal error: ") + e.what());
    return 1;
  }
}
