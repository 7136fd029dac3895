// The closed vocabularies of the runtime-spec: every name a config may use for
// capabilities, rlimits, namespaces, seccomp, scheduler, memory policy, ...
// The numbers are the stable Linux ABI values the names stand for.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace oci::names {

struct Named {
  std::string_view name;
  int value;
};

// Every Linux capability ocirun knows, CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40).
std::span<const Named> capabilities();
std::optional<int> capability(std::string_view name);

std::span<const Named> rlimits();
std::optional<int> rlimit(std::string_view name);

// "pid", "network", ... in the order runc lists them.
std::span<const std::string_view> namespace_types();
bool is_namespace_type(std::string_view type);

std::span<const std::string_view> seccomp_actions();
std::span<const std::string_view> seccomp_operators();
std::span<const std::string_view> seccomp_architectures();
std::span<const std::string_view> seccomp_flags();

std::span<const std::string_view> scheduler_policies();
std::span<const std::string_view> scheduler_flags();
std::span<const std::string_view> io_priority_classes();
std::span<const std::string_view> memory_policy_modes();
std::span<const std::string_view> memory_policy_flags();
std::span<const std::string_view> personality_domains();
std::span<const std::string_view> rootfs_propagations();
std::span<const std::string_view> hook_kinds();  // the JSON keys under "hooks"

bool contains(std::span<const std::string_view> list, std::string_view name);

}  // namespace oci::names
