#include "runtime/security/mempolicy.hpp"

#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/security/sched.hpp"

namespace rt::security {
namespace {

// The uapi values (Debian 12's headers predate MPOL_WEIGHTED_INTERLEAVE).
constexpr int kDefault = 0, kPreferred = 1, kBind = 2, kInterleave = 3, kLocal = 4, kPreferredMany = 5,
              kWeightedInterleave = 6;
constexpr int kStaticNodes = 1 << 15, kRelativeNodes = 1 << 14, kNumaBalancing = 1 << 13;

constexpr std::pair<std::string_view, int> kModes[] = {{"MPOL_DEFAULT", kDefault},
                                                       {"MPOL_PREFERRED", kPreferred},
                                                       {"MPOL_BIND", kBind},
                                                       {"MPOL_INTERLEAVE", kInterleave},
                                                       {"MPOL_LOCAL", kLocal},
                                                       {"MPOL_PREFERRED_MANY", kPreferredMany},
                                                       {"MPOL_WEIGHTED_INTERLEAVE", kWeightedInterleave}};

constexpr std::pair<std::string_view, int> kFlags[] = {{"MPOL_F_STATIC_NODES", kStaticNodes},
                                                       {"MPOL_F_RELATIVE_NODES", kRelativeNodes},
                                                       {"MPOL_F_NUMA_BALANCING", kNumaBalancing}};

constexpr unsigned kMaxNodes = 4096;  // above any kernel's MAX_NUMNODES
constexpr unsigned kBitsPerLong = 8 * sizeof(unsigned long);

// What set_mempolicy(2) documents about nodes and flags per mode.
Result<> check_mode(const oci::MemoryPolicy& p, int mode, int flags, const std::string& base) {
  const bool has_nodes = !p.nodes.empty();
  if ((mode == kDefault || mode == kLocal) && has_nodes)
    return Err(0, base, ".nodes: must be empty for ", p.mode);
  if ((mode == kBind || mode == kInterleave || mode == kWeightedInterleave || mode == kPreferredMany) &&
      !has_nodes)
    return Err(0, base, ".nodes: ", p.mode, " needs at least one node");
  if ((flags & kStaticNodes) && (flags & kRelativeNodes))
    return Err(0, base, ".flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
  if ((flags & kNumaBalancing) && mode != kBind && mode != kPreferredMany)
    return Err(0, base, ".flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND or MPOL_PREFERRED_MANY");
  return {};
}

}  // namespace

Result<MemPolicy> plan_memory_policy(const oci::MemoryPolicy& p, const std::string& base) {
  const auto* m =
      std::find_if(std::begin(kModes), std::end(kModes), [&](const auto& kv) { return kv.first == p.mode; });
  if (m == std::end(kModes)) return Err(0, base, ".mode: unknown memory policy mode ", oci::quote(p.mode));
  int flags = 0;
  for (size_t i = 0; i < p.flags.size(); ++i) {
    const auto* f = std::find_if(std::begin(kFlags), std::end(kFlags),
                                 [&](const auto& kv) { return kv.first == p.flags[i]; });
    if (f == std::end(kFlags))
      return Err(0, base, ".flags[", i, "]: unknown memory policy flag ", oci::quote(p.flags[i]));
    flags |= f->second;
  }
  TRY(check_mode(p, m->second, flags, base));
  MemPolicy out;
  out.mode = m->second | flags;
  if (!p.nodes.empty()) {
    TRY_ASSIGN(const auto nodes, parse_id_list(p.nodes, kMaxNodes, base + ".nodes"));
    out.nodemask.assign(nodes.back() / kBitsPerLong + 1, 0);
    for (unsigned n : nodes) out.nodemask[n / kBitsPerLong] |= 1ul << (n % kBitsPerLong);
  }
  return out;
}

Result<> apply_memory_policy(const MemPolicy& p) {
  // The kernel reads maxnode - 1 bits (a historical off-by-one), so pass one more.
  const unsigned long maxnode = p.nodemask.empty() ? 0 : p.nodemask.size() * kBitsPerLong + 1;
  const unsigned long* mask = p.nodemask.empty() ? nullptr : p.nodemask.data();
  if (::syscall(SYS_set_mempolicy, p.mode, mask, maxnode) < 0)
    return ErrnoErr("set_mempolicy(mode ", p.mode, ")");
  return {};
}

Result<unsigned long> plan_personality(const oci::Personality& p, oci::Issues& warnings,
                                       const std::string& base) {
  unsigned long persona;
  if (p.domain == "LINUX")
    persona = PER_LINUX;
  else if (p.domain == "LINUX32")
    persona = PER_LINUX32;
  else
    return Err(0, base, ".domain: unknown personality domain ", oci::quote(p.domain));
  for (size_t i = 0; i < p.flags.size(); ++i)
    warnings.push_back({cat(base, ".flags[", i, "]"),
                        cat("personality flag ", oci::quote(p.flags[i]), " is not supported; it is ignored"),
                        oci::Severity::kWarning});
  return persona;
}

Result<> apply_personality(unsigned long persona) {
  if (::personality(persona) < 0) return ErrnoErr("personality(", persona, ")");
  return {};
}

}  // namespace rt::security
