// linux.memoryPolicy -> set_mempolicy(2), and linux.personality ->
// personality(2): PURE plan functions and thin applies for the child.
#pragma once

#include <string>
#include <vector>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "runtime/base/error.hpp"

namespace rt::security {

struct MemPolicy {
  int mode = 0;                         // MPOL_* | MPOL_F_* flags
  std::vector<unsigned long> nodemask;  // bit n = node n; empty for no nodes
  bool operator==(const MemPolicy&) const = default;
};

Result<MemPolicy> plan_memory_policy(const oci::MemoryPolicy& p,
                                     const std::string& base = "$.linux.memoryPolicy");
Result<> apply_memory_policy(const MemPolicy& p);

// PER_LINUX / PER_LINUX32. The spec defines no flag values yet: flags are
// ignored with a warning, as runc does.
Result<unsigned long> plan_personality(const oci::Personality& p, oci::Issues& warnings,
                                       const std::string& base = "$.linux.personality");
Result<> apply_personality(unsigned long persona);

}  // namespace rt::security
