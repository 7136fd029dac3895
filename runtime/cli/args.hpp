// Command-line parsing with runc's (urfave/cli) conventions:
//   --flag value, --flag=value, -flag value, -f value, and booleans as --flag
//   or --flag=true|false; flags and arguments may be interleaved unless the
//   command stops at its first argument (exec: the rest is the process).
//   "--" ends the flags. An argument like "-9" is positional (kill ID -9).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/error.hpp"

namespace rt::cli {

enum class FlagKind { kBool, kValue, kMulti };

struct FlagSpec {
  std::string_view names;  // comma-separated, first is canonical: "bundle,b"
  FlagKind kind;
  std::string_view value_name;  // "DIR" for help; empty for booleans
  std::string_view help;
  std::string_view default_value = {};
};

class ParsedArgs {
 public:
  bool has(std::string_view name) const;
  bool flag(std::string_view name) const;  // boolean value (false when absent)
  std::string value(std::string_view name, std::string_view fallback = {}) const;
  const std::vector<std::string>& values(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // Used by the parser.
  void set(std::string name, std::string value, bool multi);
  void add_positional(std::string arg) { positional_.push_back(std::move(arg)); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// Parses args (without the program/command name). Once `flags_until`
// positionals have been seen (when > 0), every further argument is taken as
// positional: the global options stop after the command name, exec after
// the container id (both 1). Errors read like
// "flag provided but not defined: -bogus".
Result<ParsedArgs> parse_args(std::span<const FlagSpec> specs, std::span<const std::string> args,
                              int flags_until = 0);

// Help text lines for a flag table ("   --bundle DIR, -b DIR  path to the bundle").
std::string format_flags(std::span<const FlagSpec> specs);

}  // namespace rt::cli
