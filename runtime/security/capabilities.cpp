#include "runtime/security/capabilities.hpp"

#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

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

struct SetRef {
  const char* json_name;
  const std::vector<std::string>* names;
  uint64_t* mask;
};

// Resolves one set; unknown-to-kernel capabilities become warnings.
Result<> resolve_set(const SetRef& set, const std::string& base, const CapHost& host, oci::Issues& warnings) {
  for (size_t i = 0; i < set.names->size(); ++i) {
    const std::string& name = (*set.names)[i];
    const std::string path = cat(base, ".", set.json_name, "[", i, "]");
    const auto num = oci::names::capability(name);
    if (!num) return Err(0, path, ": unknown capability ", oci::quote(name));
    if (*num > host.last_cap) {
      warnings.push_back(
          {path, cat(name, " is unknown to this kernel (cap_last_cap is ", host.last_cap, "); it is skipped"),
           oci::Severity::kWarning});
      continue;
    }
    if (!(host.bounding & bit(*num)))
      return Err(0, path, ": ", name,
                 " is not in the runtime's own bounding set, so the container cannot have it");
    *set.mask |= bit(*num);
  }
  return {};
}

// The JSON path of the first entry of `names` whose capability is in `mask`.
std::string path_of_first(const std::vector<std::string>& names, uint64_t mask, const std::string& base) {
  for (size_t i = 0; i < names.size(); ++i) {
    const auto num = oci::names::capability(names[i]);
    if (num && *num <= kMaxCap && (mask & bit(*num))) return cat(base, "[", i, "]");
  }
  return base;
}

int lowest_cap(uint64_t mask) { return __builtin_ctzll(mask); }

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

Result<CapabilitySets> plan_capabilities(const oci::Capabilities& caps, const CapHost& host,
                                         oci::Issues& warnings, const std::string& base) {
  CapabilitySets s;
  const SetRef sets[] = {{"bounding", &caps.bounding, &s.bounding},
                         {"effective", &caps.effective, &s.effective},
                         {"inheritable", &caps.inheritable, &s.inheritable},
                         {"permitted", &caps.permitted, &s.permitted},
                         {"ambient", &caps.ambient, &s.ambient}};
  for (const auto& set : sets) TRY(resolve_set(set, base, host, warnings));

  // capset(2) refuses an effective capability that is not permitted, and an
  // inheritable one outside the bounding set (unless already inheritable).
  if (const uint64_t bad = s.effective & ~s.permitted)
    return Err(0, path_of_first(caps.effective, bad, base + ".effective"), ": ", name_of(lowest_cap(bad)),
               " is effective but not permitted");
  if (const uint64_t bad = s.inheritable & ~(s.bounding | host.inheritable))
    return Err(0, path_of_first(caps.inheritable, bad, base + ".inheritable"), ": ", name_of(lowest_cap(bad)),
               " is inheritable but not in the bounding set");

  // The kernel raises an ambient capability only when it is both permitted
  // and inheritable.
  if (const uint64_t bad = s.ambient & ~(s.permitted & s.inheritable)) {
    for (size_t i = 0; i < caps.ambient.size(); ++i) {
      const auto num = oci::names::capability(caps.ambient[i]);
      if (num && *num <= kMaxCap && (bad & bit(*num)))
        warnings.push_back({cat(base, ".ambient[", i, "]"),
                            cat(caps.ambient[i],
                                " is not both permitted and inheritable, so it cannot be "
                                "ambient; it is skipped"),
                            oci::Severity::kWarning});
    }
    s.ambient &= ~bad;
  }
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
