// The subcommand table: each verb lives in its own file and registers a
// Command. main() parses the global options, picks the command, parses its
// flags, checks the argument count and calls run(); errors come back as
// values and are reported once, in main.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/base/log.hpp"
#include "runtime/cli/args.hpp"

namespace rt::cli {

struct GlobalOptions {
  std::string root;  // state directory root (--root)
  std::string log_path;
  log::Format log_format = log::Format::kText;
  bool debug = false;
  bool systemd_cgroup = false;
  std::string rootless = "auto";
};

struct Command {
  std::string_view name;
  std::string_view summary;      // one line for the command list
  std::string_view args_usage;   // "<container-id>"
  std::string_view description;  // paragraph for "ocirun <cmd> --help"
  std::span<const FlagSpec> flags;
  int min_args = 0;
  int max_args = 0;  // -1: unlimited
  int flags_until = 0;  // see parse_args
  // Returns the exit status; an Error is printed by main, which exits with
  // error_status.
  Result<int> (*run)(const GlobalOptions&, const ParsedArgs&) = nullptr;
  // exec's own status is the process's, so runc reports its failures as 255.
  int error_status = 1;
  std::string_view error_prefix = {};  // "exec failed: " (runc's)
};

std::span<const Command* const> all_commands();
const Command* find_command(std::string_view name);
std::string command_help(const Command& cmd);

}  // namespace rt::cli
