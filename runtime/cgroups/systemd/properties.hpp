// PURE: what the systemd driver tells systemd about a container's unit, as
// D-Bus properties: the scope itself, the resources (as runc translates
// them), the device policy and the org.systemd.property.* annotations.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/cgroups/devices.hpp"

namespace rt::cgroups::systemd {

// A property value with its D-Bus signature.
struct Value {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  std::string signature;  // "t" "x" "u" "i" "q" "n" "y" "b" "d" "s" "as" "ay" "au" "a(ss)"
  std::variant<uint64_t, int64_t, bool, double, std::string, std::vector<std::string>, std::vector<uint8_t>,
               std::vector<uint32_t>, Pairs>
      v;
  bool operator==(const Value&) const = default;
};

struct Property {
  std::string name;
  Value value;
  bool operator==(const Property&) const = default;
};

Value u64(uint64_t v);
Value boolean(bool v);
Value str(std::string v);

inline constexpr uint64_t kInfinity = UINT64_MAX;  // systemd's "infinity"

// Description, Slice, Delegate=yes, PIDs and accounting, for a new scope.
std::vector<Property> scope_properties(const std::string& description, const std::string& slice, pid_t pid, bool v2);

// Resource properties. v2: MemoryMax/Low/SwapMax, CPUWeight, TasksMax, ...;
// v1: MemoryLimit, CPUShares, BlockIOWeight, ... Features newer systemd
// versions added are left to the cgroupfs writes on older ones.
// The quota is rounded up to what systemd can represent (10ms per second);
// cgroupfs must then be given the same: see rounded_cpu_quota().
Result<std::vector<Property>> resource_properties(const oci::Resources& r, bool v2, int systemd_version);
int64_t rounded_cpu_quota(int64_t quota, uint64_t period);

// DevicePolicy/DeviceAllow for the emulated rules (systemd only knows allow
// lists: a deny-list config gets "strict" and our own filter does the rest).
std::vector<Property> device_properties(const DeviceState& state);

// org.systemd.property.<Name>=<GVariant text>: "uint64 1024", "true",
// "'str'", "['a', 'b']", "5" (int32), "1.5" (double). Names ending in a
// lowercase letter + "Sec" take seconds and become <Name>USec microseconds.
Result<std::vector<Property>> annotation_properties(const std::map<std::string, std::string>& annotations);
Result<Value> parse_gvariant(std::string_view text);

// "0-2,7" -> {0x87}: bit n of byte n/8, the AllowedCPUs wire format.
Result<std::vector<uint8_t>> cpu_list_to_mask(std::string_view list);

// sd_booted(): systemd is PID 1 when run_dir (/run/systemd/system) exists.
Result<> check_running(const std::string& run_dir);

}  // namespace rt::cgroups::systemd
