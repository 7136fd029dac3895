// What `exec` runs, decided from its flags and the container's config
// (PURE: no system access, unit-tested).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::container {

// The flags of `exec` that shape the process (runc's names).
struct ExecProcessFlags {
  std::vector<std::string> args;  // the command, when there is no --process
  std::optional<bool> tty;        // --tty
  std::string cwd;                // --cwd
  std::vector<std::string> env;   // --env K=V, each replacing K
  std::string user;               // --user UID[:GID]
  std::vector<std::string> additional_gids;  // --additional-gids
  std::vector<std::string> caps;  // --cap: added to bounding, effective, permitted
  std::optional<bool> no_new_privs;
  std::string apparmor;           // --apparmor
  std::string process_label;      // --process-label
};

// With a --process document (`process_json` non-empty, `source` names it in
// errors): that process, as runc takes it; the flags above are ignored.
// Otherwise: the container's process with args replaced and the flags
// applied. Either way, what the document leaves unset (capabilities,
// rlimits, LSM labels) comes from the container's process, and the result
// is validated: errors name the field ("process.json: $.args: ...").
Result<oci::Process> exec_process(const oci::Process* container_process, const ExecProcessFlags& flags,
                                  std::string_view process_json, std::string_view source);

// Sets KEY=VALUE in env, replacing an earlier KEY.
void set_env(std::vector<std::string>& env, const std::string& entry);

}  // namespace rt::container
