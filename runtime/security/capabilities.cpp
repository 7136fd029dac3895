#include "runtime/security/capabilities.hpp"

#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <type_traits>

#include "oci/names.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/sys/host.hpp"

namespace rt::security {
namespace {

constexpr int kMaxCap = 63;  // the masks are 64 bits wide

uint64_t bit(int cap) { return 1ull << cap; }

std::string name_of(int cap) {
  for (const auto& n : oci::names::capabilities())
    if (n.value == cap) return std::string(n.name);
  return cat("capability ", cap);
}

struct NamedSet {
  const char* json_name;
  const std::vector<std::string>* names;
};

std::array<NamedSet, 5> sets_of(const oci::Capabilities& caps) {
  return {{{"bounding", &caps.bounding},
           {"effective", &caps.effective},
           {"inheritable", &caps.inheritable},
           {"permitted", &caps.permitted},
           {"ambient", &caps.ambient}}};
}

// The capability of each entry the kernel knows and the runtime may hand out
// (in the runtime's bounding set); -1 for the others, which get an issue.
std::vector<int> resolve_set(const NamedSet& set, const std::string& base, const CapHost& host,
                             oci::Issues& out) {
  std::vector<int> caps;
  for (size_t i = 0; i < set.names->size(); ++i) {
    const std::string& name = (*set.names)[i];
    const std::string path = cat(base, ".", set.json_name, "[", i, "]");
    const auto num = oci::names::capability(name);
    caps.push_back(-1);
    if (!num) {
      out.push_back({path, cat("unknown capability ", oci::quote(name))});
    } else if (*num > host.last_cap) {
      out.push_back({path, cat(name, " is unknown to this kernel (cap_last_cap is ", host.last_cap, "); it is skipped"),
                     oci::Severity::kWarning});
    } else if (!host.in_bounding_set(*num)) {
      out.push_back({path, cat(name, " is not in the runtime's own bounding set, so the container cannot have it")});
    } else {
      caps.back() = *num;
    }
  }
  return caps;
}

uint64_t mask_of(const std::vector<int>& caps) {
  uint64_t m = 0;
  for (int c : caps)
    if (c >= 0) m |= bit(c);
  return m;
}

using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)>;

bool setgroups_denied() {
  // In a user namespace whose setgroups file says "deny", setgroups(2)
  // always fails; an empty group list is then what the process has anyway.
  auto text = fs::read_file("/proc/self/setgroups");
  return text && trim(*text) == "deny";
}

}  // namespace

CapHost current_cap_host() {
  CapHost h;
  h.last_cap = host::cap_last_cap();
  h.bounding = 0;
  for (int c = 0; c <= std::min(h.last_cap, kMaxCap); ++c)
    if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) h.bounding |= bit(c);
  CapPtr caps(cap_get_proc(), cap_free);
  if (caps) {
    for (int c = 0; c <= std::min(h.last_cap, kMaxCap); ++c) {
      cap_flag_value_t v = CAP_CLEAR;
      if (cap_get_flag(caps.get(), c, CAP_INHERITABLE, &v) == 0 && v == CAP_SET) h.inheritable |= bit(c);
    }
  }
  return h;
}

namespace {

// The five sets resolved entry by entry (see resolve_set), in sets_of() order,
// with every finding about them appended to `out`.
using ResolvedSets = std::array<std::vector<int>, 5>;

ResolvedSets analyse(const oci::Capabilities& caps, const CapHost& host, const std::string& base,
                     oci::Issues& out) {
  ResolvedSets resolved;
  const auto sets = sets_of(caps);
  for (size_t s = 0; s < sets.size(); ++s) resolved[s] = resolve_set(sets[s], base, host, out);
  const uint64_t bounding = mask_of(resolved[0]), inheritable = mask_of(resolved[2]),
                 permitted = mask_of(resolved[3]);
  // Per entry, each relation between the sets (the same capability listed
  // twice gets two issues: both entries are wrong).
  auto relate = [&](size_t s, const char* why, auto&& wrong, oci::Severity severity) {
    for (size_t i = 0; i < resolved[s].size(); ++i) {
      const int c = resolved[s][i];
      if (c >= 0 && wrong(bit(c)))
        out.push_back({cat(base, ".", sets[s].json_name, "[", i, "]"), cat(name_of(c), why), severity});
    }
  };
  relate(1, " is effective but not permitted", [&](uint64_t b) { return !(permitted & b); }, oci::Severity::kError);
  relate(2, " is inheritable but not in the bounding set",
         [&](uint64_t b) { return !((bounding | host.inheritable) & b); }, oci::Severity::kError);
  relate(4, " is not both permitted and inheritable, so it cannot be ambient; it is skipped",
         [&](uint64_t b) { return !(permitted & inheritable & b); }, oci::Severity::kWarning);
  return resolved;
}

}  // namespace

oci::Issues check_capabilities(const oci::Capabilities& caps, const CapHost& host, const std::string& base) {
  oci::Issues out;
  analyse(caps, host, base, out);
  return out;
}

Result<CapabilitySets> plan_capabilities(const oci::Capabilities& caps, const CapHost& host,
                                         oci::Issues& warnings, const std::string& base) {
  oci::Issues issues;
  const ResolvedSets resolved = analyse(caps, host, base, issues);
  for (auto& issue : issues) {
    if (issue.is_error()) return Err(0, issue.to_string());
    warnings.push_back(std::move(issue));
  }
  CapabilitySets s;  // sets_of() order
  s.bounding = mask_of(resolved[0]);
  s.effective = mask_of(resolved[1]);
  s.inheritable = mask_of(resolved[2]);
  s.permitted = mask_of(resolved[3]);
  s.ambient = mask_of(resolved[4]);
  // The kernel raises an ambient capability only when it is both permitted
  // and inheritable (the others were warned about).
  s.ambient &= s.permitted & s.inheritable;
  return s;
}

std::string capability_names(uint64_t mask) {
  std::string out;
  for (int c = 0; c <= kMaxCap; ++c) {
    if (!(mask & bit(c))) continue;
    if (!out.empty()) out += ',';
    out += name_of(c);
  }
  return out;
}

Result<> drop_bounding_set(uint64_t bounding) {
  for (int c = 0; c <= kMaxCap; ++c) {
    if (bounding & bit(c)) continue;
    const int present = ::prctl(PR_CAPBSET_READ, c, 0, 0, 0);
    if (present < 0) break;  // EINVAL: past the kernel's last capability
    if (present == 1 && ::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
      return ErrnoErr("dropping ", name_of(c), " from the bounding set");
  }
  return {};
}

Result<> switch_user(const oci::User& user) {
  const std::vector<gid_t> gids(user.additional_gids.begin(), user.additional_gids.end());
  if (::setgroups(gids.size(), gids.data()) < 0) {
    const int e = errno;
    if (!(e == EPERM && gids.empty() && setgroups_denied()))
      return Err(e, "setgroups(", gids.size(), " additional groups)");
  }
  if (::setresgid(user.gid, user.gid, user.gid) < 0) return ErrnoErr("setresgid to ", user.gid);
  if (::setresuid(user.uid, user.uid, user.uid) < 0) return ErrnoErr("setresuid to ", user.uid);
  return {};
}

Result<> set_capability_sets(const CapabilitySets& caps) {
  CapPtr c(cap_init(), cap_free);
  if (!c) return ErrnoErr("cap_init");
  const std::pair<cap_flag_t, uint64_t> sets[] = {
      {CAP_EFFECTIVE, caps.effective}, {CAP_PERMITTED, caps.permitted}, {CAP_INHERITABLE, caps.inheritable}};
  for (const auto& [flag, mask] : sets) {
    for (int n = 0; n <= kMaxCap; ++n) {
      const cap_value_t v = n;
      if ((mask & bit(n)) && cap_set_flag(c.get(), flag, 1, &v, CAP_SET) < 0)
        return ErrnoErr("cap_set_flag ", name_of(n));
    }
  }
  if (cap_set_proc(c.get()) < 0)
    return ErrnoErr("capset (effective ", capability_names(caps.effective), "; permitted ",
                    capability_names(caps.permitted), ")");
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && !(errno == EINVAL && !caps.ambient))
    return ErrnoErr("clearing the ambient capability set");
  for (int n = 0; n <= kMaxCap; ++n) {
    if ((caps.ambient & bit(n)) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0) < 0)
      return ErrnoErr("raising ambient capability ", name_of(n));
  }
  return {};
}

}  // namespace rt::security
