#include "runtime/cli/command.hpp"

namespace rt::cli {

// Defined in one file per verb.
extern const Command kCheckCommand;
extern const Command kCreateCommand;
extern const Command kDeleteCommand;
extern const Command kEventsCommand;
extern const Command kExecCommand;
extern const Command kFeaturesCommand;
extern const Command kKillCommand;
extern const Command kListCommand;
extern const Command kPauseCommand;
extern const Command kPsCommand;
extern const Command kResumeCommand;
extern const Command kRunCommand;
extern const Command kSpecCommand;
extern const Command kStartCommand;
extern const Command kStateCommand;
extern const Command kUpdateCommand;

namespace {
const Command* const kCommands[] = {
    &kCheckCommand,  &kCreateCommand, &kDeleteCommand, &kEventsCommand, &kExecCommand, &kFeaturesCommand,
    &kKillCommand,   &kListCommand,   &kPauseCommand,  &kPsCommand,     &kResumeCommand,
    &kRunCommand,    &kSpecCommand,   &kStartCommand,  &kStateCommand,  &kUpdateCommand,
};
}  // namespace

std::span<const Command* const> all_commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  for (const Command* c : kCommands)
    if (c->name == name) return c;
  return nullptr;
}

std::string command_help(const Command& cmd) {
  std::string out = cat("NAME:\n   ocirun ", cmd.name, " - ", cmd.summary, "\n\nUSAGE:\n   ocirun ", cmd.name,
                        cmd.flags.empty() ? "" : " [command options]", cmd.args_usage.empty() ? "" : " ",
                        cmd.args_usage, "\n");
  if (!cmd.description.empty()) out += cat("\nDESCRIPTION:\n   ", cmd.description, "\n");
  if (!cmd.flags.empty()) out += cat("\nOPTIONS:\n", format_flags(cmd.flags));
  return out;
}

}  // namespace rt::cli
