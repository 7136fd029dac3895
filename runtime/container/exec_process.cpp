#include "runtime/container/exec_process.hpp"

#include "oci/parse.hpp"
#include "oci/validate.hpp"

namespace rt::container {
namespace {

Result<uint32_t> parse_id(std::string_view text, std::string_view flag) {
  auto n = parse_int<uint32_t>(text);
  if (!n) return Err(0, "invalid ", flag, " value \"", text, "\": expected a number");
  return *n;
}

Result<> apply_flags(oci::Process& p, const ExecProcessFlags& f) {
  p.args = f.args;
  if (!f.cwd.empty()) p.cwd = f.cwd;
  if (!f.apparmor.empty()) p.apparmor_profile = f.apparmor;
  if (!f.process_label.empty()) p.selinux_label = f.process_label;
  if (!f.caps.empty()) {
    if (!p.capabilities) p.capabilities.emplace();
    auto& c = *p.capabilities;
    for (const auto& cap : f.caps)
      for (auto* set : {&c.bounding, &c.effective, &c.permitted}) set->push_back(cap);
  }
  for (const auto& e : f.env) {
    if (e.find('=') == std::string::npos) return Err(0, "invalid --env value \"", e, "\": expected KEY=VALUE");
    set_env(p.env, e);
  }
  p.terminal = f.tty.value_or(false);
  if (f.no_new_privs) p.no_new_privileges = *f.no_new_privs;
  if (!f.user.empty()) {
    const auto colon = f.user.find(':');
    TRY_ASSIGN(p.user.uid, parse_id(std::string_view(f.user).substr(0, colon), "--user"));
    if (colon != std::string::npos) {
      TRY_ASSIGN(p.user.gid, parse_id(std::string_view(f.user).substr(colon + 1), "--user"));
    }
  }
  for (const auto& g : f.additional_gids) {
    TRY_ASSIGN(uint32_t gid, parse_id(g, "--additional-gids"));
    p.user.additional_gids.push_back(gid);
  }
  return {};
}

}  // namespace

void set_env(std::vector<std::string>& env, const std::string& entry) {
  const auto key_len = entry.find('=');
  for (auto& e : env) {
    if (e.size() > key_len && e.compare(0, key_len + 1, entry, 0, key_len + 1) == 0) {
      e = entry;
      return;
    }
  }
  env.push_back(entry);
}

Result<oci::Process> exec_process(const oci::Process* container_process, const ExecProcessFlags& flags,
                                  std::string_view process_json, std::string_view source) {
  oci::Process p;
  if (!process_json.empty()) {
    auto parsed = oci::parse_process(process_json);
    if (!parsed) return Err(0, source, ": ", parsed.error().to_string());
    p = std::move(*parsed);
    if (container_process) {
      // Silent in the document: the container's settings (as runc does).
      if (!p.capabilities) p.capabilities = container_process->capabilities;
      if (p.rlimits.empty()) p.rlimits = container_process->rlimits;
      if (p.apparmor_profile.empty()) p.apparmor_profile = container_process->apparmor_profile;
      if (p.selinux_label.empty()) p.selinux_label = container_process->selinux_label;
    }
  } else {
    if (flags.args.empty()) return Err(0, "process args cannot be empty: give a command or --process");
    if (container_process) p = *container_process;
    else p.cwd = "/";  // a container created without a process
    // Settings of the container's process that only concern its init.
    p.oom_score_adj.reset();
    p.console_size.reset();
    TRY(apply_flags(p, flags));
  }
  for (const auto& issue : oci::validate_process(p)) {
    if (!issue.is_error()) continue;
    if (process_json.empty()) return Err(0, "exec: ", issue.to_string());
    return Err(0, source, ": ", issue.to_string());
  }
  return p;
}

}  // namespace rt::container
