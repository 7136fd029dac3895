// Capability sets: planned in the parent from process.capabilities, applied
// in the child around the user switch.
#pragma once

#include <cstdint>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::security {

// The five sets as bitmasks (bit n = capability n).
struct CapabilitySets {
  uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
  bool operator==(const CapabilitySets&) const = default;
};

// What the runtime itself may hand out: the kernel's newest capability and
// the runtime's own bounding and inheritable sets.
struct CapHost {
  int last_cap = 40;
  uint64_t bounding = ~0ull;
  uint64_t inheritable = 0;
  bool in_bounding_set(int cap) const { return cap >= 0 && cap < 64 && (bounding >> cap & 1); }
};

CapHost current_cap_host();

// Every finding about process.capabilities on this host (PURE), in the order
// of the config, errors and warnings alike; `ocirun check` lists them all and
// plan_capabilities() fails on the first error:
//   - a name that is no capability: error
//   - a capability the kernel does not know: warning, it is skipped
//   - one the runtime's bounding set lacks: error
//   - effective but not permitted; inheritable outside the bounding set
//     (unless the runtime has it inheritable already): error, capset(2)
//     would refuse it
//   - ambient but not both permitted and inheritable: warning, it is
//     dropped (the kernel cannot raise it; runc and crun drop it too)
oci::Issues check_capabilities(const oci::Capabilities& caps, const CapHost& host,
                               const std::string& base = "$.process.capabilities");

// Resolves the names of every set into masks (PURE). A capability the kernel
// does not know is skipped with a warning in `warnings`; one the runtime's
// bounding set lacks, an effective capability missing from permitted, or an
// inheritable one the kernel would refuse is an error naming its JSON path
// ("$.process.capabilities.bounding[3]: ..."). Ambient capabilities that are
// not both permitted and inheritable cannot be raised: they are dropped with
// a warning, as runc and crun do.
Result<CapabilitySets> plan_capabilities(const oci::Capabilities& caps, const CapHost& host,
                                         oci::Issues& warnings,
                                         const std::string& base = "$.process.capabilities");

// Names of the capabilities in a mask, "CAP_CHOWN,CAP_KILL" (for messages).
std::string capability_names(uint64_t mask);

// Child side. Drops every capability outside `bounding` from the bounding set
// (needs CAP_SETPCAP, so before the user switch).
Result<> drop_bounding_set(uint64_t bounding);
// setgroups(additionalGids), setresgid(gid), setresuid(uid).
Result<> switch_user(const oci::User& user);
// capset of effective/permitted/inheritable, then the ambient set (cleared,
// then raised bit by bit).
Result<> set_capability_sets(const CapabilitySets& caps);

}  // namespace rt::security
