#include "runtime/rootfs/mount_options.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <optional>

namespace rt::rootfs {
namespace {

enum class Kind {
  kAttr,       // set (or clear) a MOUNT_ATTR_* on the mount
  kRecAttr,    // same, recursively
  kAtime,      // atime mode: value is the MOUNT_ATTR__ATIME setting
  kRecAtime,
  kAtimeReset,  // "atime", "norelatime", "nostrictatime": back to the default
  kRecAtimeReset,
  kPropagation,
  kSbFlag,      // superblock flag passed to fsconfig
  kNoop,
  kBind,
  kRecursiveBind,
  kRemount,
  kTmpcopyup,
  kIdmap,
  kRecursiveIdmap,
};

struct OptionDef {
  std::string_view name;
  Kind kind;
  uint64_t value = 0;
  bool clear = false;      // kAttr/kRecAttr: clear instead of set; kSbFlag: the negated form
  bool recursive = false;  // kPropagation
};

constexpr OptionDef kOptions[] = {
    {"defaults", Kind::kNoop},
    {"ro", Kind::kAttr, MOUNT_ATTR_RDONLY},
    {"rw", Kind::kAttr, MOUNT_ATTR_RDONLY, true},
    {"nosuid", Kind::kAttr, MOUNT_ATTR_NOSUID},
    {"suid", Kind::kAttr, MOUNT_ATTR_NOSUID, true},
    {"nodev", Kind::kAttr, MOUNT_ATTR_NODEV},
    {"dev", Kind::kAttr, MOUNT_ATTR_NODEV, true},
    {"noexec", Kind::kAttr, MOUNT_ATTR_NOEXEC},
    {"exec", Kind::kAttr, MOUNT_ATTR_NOEXEC, true},
    {"nodiratime", Kind::kAttr, MOUNT_ATTR_NODIRATIME},
    {"diratime", Kind::kAttr, MOUNT_ATTR_NODIRATIME, true},
    {"nosymfollow", Kind::kAttr, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", Kind::kAttr, MOUNT_ATTR_NOSYMFOLLOW, true},
    {"noatime", Kind::kAtime, MOUNT_ATTR_NOATIME},
    {"relatime", Kind::kAtime, MOUNT_ATTR_RELATIME},
    {"strictatime", Kind::kAtime, MOUNT_ATTR_STRICTATIME},
    {"atime", Kind::kAtimeReset},
    {"norelatime", Kind::kAtimeReset},
    {"nostrictatime", Kind::kAtimeReset},
    {"rro", Kind::kRecAttr, MOUNT_ATTR_RDONLY},
    {"rrw", Kind::kRecAttr, MOUNT_ATTR_RDONLY, true},
    {"rnosuid", Kind::kRecAttr, MOUNT_ATTR_NOSUID},
    {"rsuid", Kind::kRecAttr, MOUNT_ATTR_NOSUID, true},
    {"rnodev", Kind::kRecAttr, MOUNT_ATTR_NODEV},
    {"rdev", Kind::kRecAttr, MOUNT_ATTR_NODEV, true},
    {"rnoexec", Kind::kRecAttr, MOUNT_ATTR_NOEXEC},
    {"rexec", Kind::kRecAttr, MOUNT_ATTR_NOEXEC, true},
    {"rnodiratime", Kind::kRecAttr, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", Kind::kRecAttr, MOUNT_ATTR_NODIRATIME, true},
    {"rnosymfollow", Kind::kRecAttr, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", Kind::kRecAttr, MOUNT_ATTR_NOSYMFOLLOW, true},
    {"rnoatime", Kind::kRecAtime, MOUNT_ATTR_NOATIME},
    {"rrelatime", Kind::kRecAtime, MOUNT_ATTR_RELATIME},
    {"rstrictatime", Kind::kRecAtime, MOUNT_ATTR_STRICTATIME},
    {"ratime", Kind::kRecAtimeReset},
    {"rnorelatime", Kind::kRecAtimeReset},
    {"rnostrictatime", Kind::kRecAtimeReset},
    {"private", Kind::kPropagation, MS_PRIVATE},
    {"rprivate", Kind::kPropagation, MS_PRIVATE, false, true},
    {"shared", Kind::kPropagation, MS_SHARED},
    {"rshared", Kind::kPropagation, MS_SHARED, false, true},
    {"slave", Kind::kPropagation, MS_SLAVE},
    {"rslave", Kind::kPropagation, MS_SLAVE, false, true},
    {"unbindable", Kind::kPropagation, MS_UNBINDABLE},
    {"runbindable", Kind::kPropagation, MS_UNBINDABLE, false, true},
    {"sync", Kind::kSbFlag, 0},
    {"async", Kind::kSbFlag, 0, true},
    {"dirsync", Kind::kSbFlag, 0},
    {"mand", Kind::kSbFlag, 0},
    {"nomand", Kind::kSbFlag, 0, true},
    {"lazytime", Kind::kSbFlag, 0},
    {"nolazytime", Kind::kSbFlag, 0, true},
    {"iversion", Kind::kSbFlag, 0},
    {"noiversion", Kind::kSbFlag, 0, true},
    {"silent", Kind::kSbFlag, 0},
    {"loud", Kind::kSbFlag, 0, true},
    {"acl", Kind::kSbFlag, 0},
    {"noacl", Kind::kSbFlag, 0, true},
    {"bind", Kind::kBind},
    {"rbind", Kind::kRecursiveBind},
    {"remount", Kind::kRemount},
    {"tmpcopyup", Kind::kTmpcopyup},
    {"idmap", Kind::kIdmap},
    {"ridmap", Kind::kRecursiveIdmap},
};

const OptionDef* find_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

// Later options override earlier ones for the same attribute.
void apply_attr(uint64_t& set, uint64_t& clr, uint64_t attr, bool clear) {
  if (clear) {
    set &= ~attr;
    clr |= attr;
  } else {
    clr &= ~attr;
    set |= attr;
  }
}

void apply_atime(uint64_t& set, uint64_t& clr, std::optional<uint64_t> mode) {
  set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
  clr &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
  if (mode) {
    clr |= MOUNT_ATTR__ATIME;
    set |= *mode;
  }
}

// The fsconfig flag name for a superblock option ("acl" is "posixacl").
void apply_sb_flag(std::vector<std::string>& flags, std::string_view name, bool negated) {
  std::string_view positive = name;
  if (negated) positive = name == "async" ? "sync" : name == "loud" ? "silent" : name.substr(2);
  const std::string flag = positive == "acl" ? "posixacl" : std::string(positive);
  std::erase(flags, flag);
  if (!negated) flags.push_back(flag);
}

}  // namespace

bool MountOptions::readonly() const { return (attr_set | rec_attr_set) & MOUNT_ATTR_RDONLY; }

Result<MountOptions> parse_mount_options(const std::vector<std::string>& options) {
  MountOptions m;
  for (const std::string& opt : options) {
    const OptionDef* def = find_option(opt);
    if (!def) {
      m.data.push_back(opt);
      continue;
    }
    switch (def->kind) {
      case Kind::kAttr: apply_attr(m.attr_set, m.attr_clr, def->value, def->clear); break;
      case Kind::kRecAttr: apply_attr(m.rec_attr_set, m.rec_attr_clr, def->value, def->clear); break;
      case Kind::kAtime: apply_atime(m.attr_set, m.attr_clr, def->value); break;
      case Kind::kRecAtime: apply_atime(m.rec_attr_set, m.rec_attr_clr, def->value); break;
      case Kind::kAtimeReset: apply_atime(m.attr_set, m.attr_clr, std::nullopt); break;
      case Kind::kRecAtimeReset: apply_atime(m.rec_attr_set, m.rec_attr_clr, std::nullopt); break;
      case Kind::kPropagation:
        m.propagation.push_back({static_cast<unsigned long>(def->value), def->recursive});
        break;
      case Kind::kSbFlag: apply_sb_flag(m.sb_flags, def->name, def->clear); break;
      case Kind::kNoop: break;
      case Kind::kBind: m.bind = true; break;
      case Kind::kRecursiveBind: m.bind = m.recursive_bind = true; break;
      case Kind::kRemount: m.remount = true; break;
      case Kind::kTmpcopyup: m.tmpcopyup = true; break;
      case Kind::kIdmap: m.idmap = true; break;
      case Kind::kRecursiveIdmap: m.idmap = m.recursive_idmap = true; break;
    }
  }
  return m;
}

std::vector<std::string> known_mount_options() {
  std::vector<std::string> names;
  for (const auto& o : kOptions) names.emplace_back(o.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace rt::rootfs
