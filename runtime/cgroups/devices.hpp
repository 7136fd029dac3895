// Device access rules: the v1 devices controller semantics, shared by every
// driver so that a config means the same thing on v1, v2 and systemd hosts.
//
// DeviceState emulates the kernel's v1 exception list: a default (allow or
// deny everything) plus exceptions that carry the opposite verdict. Applying
// the OCI rules in order to an emulator gives the effective policy, which the
// v1 writer turns into devices.allow/deny writes and the v2 writer into an
// eBPF program (where, since every exception has the same verdict, the order
// of the checks no longer matters).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::cgroups {

// Access bits, with the kernel's BPF_DEVCG_ACC_* values.
inline constexpr uint8_t kAccMknod = 1, kAccRead = 2, kAccWrite = 4, kAccAll = 7;
inline constexpr int64_t kAnyNumber = -1;  // "*" in devices.allow

struct DeviceRule {
  bool allow = false;
  char type = 'a';  // 'a', 'c', 'b'
  int64_t major = kAnyNumber;
  int64_t minor = kAnyNumber;
  uint8_t access = kAccAll;

  // "c 1:3 rwm", the devices.allow / devices.deny syntax.
  std::string to_v1_string() const;
  bool operator==(const DeviceRule&) const = default;
};

std::string access_string(uint8_t access);

// Converts and validates the config's rules; errors name the JSON field
// (base is "$.linux.resources.devices").
Result<std::vector<DeviceRule>> device_rules_from_oci(const std::vector<oci::DeviceCgroupRule>& rules,
                                                     const std::string& base = "$.linux.resources.devices");

// The rules runc adds to every container (specconv AllowedDevices): mknod of
// any device, the standard /dev nodes, ptys and /dev/net/tun. The runtime
// appends them to the config's rules.
std::vector<oci::DeviceCgroupRule> default_device_rules();

class DeviceState {
 public:
  struct Key {
    char type;
    int64_t major, minor;
    auto operator<=>(const Key&) const = default;
  };

  static DeviceState allow_all() { return DeviceState(true); }
  static DeviceState deny_all() { return DeviceState(false); }
  // Parses a v1 devices.list ("a *:* rwm" or one allowed exception a line).
  static Result<DeviceState> from_v1_list(std::string_view list);
  // The state after applying rules to deny_all(): like runc, a container gets
  // the devices its rules allow and nothing it inherited, on every driver.
  static Result<DeviceState> from_rules(const std::vector<DeviceRule>& rules);

  // Applies one rule as the v1 kernel would; refuses to "punch a hole" in a
  // wildcard exception, which v1 silently ignores.
  Result<> apply(const DeviceRule& rule);

  bool default_allow() const { return default_allow_; }
  const std::map<Key, uint8_t>& exceptions() const { return exceptions_; }
  // The exceptions' keys in the order they first appeared: the order the
  // rules listed them (the spec's "apply entries in the listed order"), which
  // is also the order the kernel's v1 devices.list shows them.
  const std::vector<Key>& order() const { return order_; }
  bool allows_everything() const { return default_allow_ && exceptions_.empty(); }

  // The minimal rules that take a v1 cgroup from `current` to this state
  // without a moment of "deny all" unless the default flips.
  std::vector<DeviceRule> transition_from(const DeviceState& current) const;

 private:
  explicit DeviceState(bool default_allow) : default_allow_(default_allow) {}
  void add(const Key& k, uint8_t access);
  Result<> remove(const Key& k, uint8_t access);

  bool default_allow_;
  std::map<Key, uint8_t> exceptions_;
  std::vector<Key> order_;
};

}  // namespace rt::cgroups
