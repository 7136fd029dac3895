#include "runtime/cgroups/paths.hpp"

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"

namespace rt::cgroups {
namespace {

constexpr const char* kField = "$.linux.cgroupsPath";

Result<> check_id(const std::string& id) {
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos)
    return Err(EINVAL, "invalid container id \"", id, "\" for a cgroup name");
  return {};
}

// Where `own` (a path in the hierarchy) is, seen from a mount showing `root`.
Result<std::string> below_mount(const std::string& own, const std::string& root, const std::string& key) {
  if (root.empty() || root == "/") return own;
  if (own == root) return std::string("/");
  if (own.rfind(root + "/", 0) == 0) return own.substr(root.size());
  return Err(EINVAL, "the runtime's cgroup ", own, " is outside the mounted part (", root, ") of the ",
             key.empty() ? std::string("unified") : key, " hierarchy");
}

std::string parent_of(const std::string& p) {
  const size_t slash = p.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

}  // namespace

std::string clean_cgroup_path(std::string_view path) {
  if (path.empty()) return {};
  const std::string cleaned = fs::clean(cat("/", path));  // anchoring at "/" keeps ".." from climbing out
  if (path.front() == '/') return cleaned;
  return cleaned == "/" ? "" : cleaned.substr(1);
}

Result<std::string> check_sub_cgroup(std::string_view sub) {
  const std::string s(sub);
  if (s.empty() || s.front() == '/' || clean_cgroup_path(s) != s)
    return Err(EINVAL, "invalid sub-cgroup \"", s, "\": expected a clean relative path");
  return s;
}

Result<std::map<std::string, std::string>> resolve_dirs(const Layout& layout, const Config& config,
                                                        std::string_view proc_self_cgroup) {
  std::string inner = clean_cgroup_path(config.cgroups_path);
  if (config.cgroups_path.empty()) {
    TRY(check_id(config.id));
    inner = "/ocirun/" + config.id;
  } else if (inner.empty() || inner == "/") {
    return Err(EINVAL, kField, ": \"", config.cgroups_path, "\" names the root cgroup; a container needs its own");
  }
  std::map<std::string, std::string> keys;  // hierarchy key -> mount point
  if (layout.mode != Mode::kLegacy) keys[""] = layout.unified_mount;
  if (layout.mode != Mode::kUnified) keys.insert(layout.v1_mounts.begin(), layout.v1_mounts.end());
  std::map<std::string, std::string> own;
  if (inner.front() != '/') {
    TRY_ASSIGN(own, parse_proc_cgroup(proc_self_cgroup));
  }
  std::map<std::string, std::string> dirs;
  for (const auto& [key, mount] : keys) {
    if (inner.front() == '/') {
      dirs[key] = fs::clean(mount + inner);
      continue;
    }
    auto it = own.find(key);
    if (it == own.end())
      return Err(ENOENT, "the runtime's own cgroup in the ", key.empty() ? std::string("unified") : key,
                 " hierarchy is not listed in /proc/self/cgroup");
    auto root = layout.mount_roots.find(key);
    TRY_ASSIGN(std::string base, below_mount(it->second, root == layout.mount_roots.end() ? "/" : root->second, key));
    if (key.empty() && layout.mode == Mode::kUnified) base = parent_of(base);
    dirs[key] = fs::clean(fs::join(mount + base, inner));
  }
  return dirs;
}

Result<std::string> expand_slice(std::string_view slice) {
  constexpr std::string_view kSuffix = ".slice";
  if (slice.size() <= kSuffix.size() || slice.substr(slice.size() - kSuffix.size()) != kSuffix ||
      slice.find('/') != std::string_view::npos)
    return Err(EINVAL, "invalid slice name \"", std::string(slice), "\"");
  const std::string_view name = slice.substr(0, slice.size() - kSuffix.size());
  if (name == "-") return std::string("/");
  std::string path, prefix;
  for (const std::string& part : split(name, '-')) {
    if (part.empty()) return Err(EINVAL, "invalid slice name \"", std::string(slice), "\"");
    path += "/" + prefix + part + std::string(kSuffix);
    prefix += part + "-";
  }
  return path;
}

Result<SystemdUnit> systemd_unit(const Config& config) {
  SystemdUnit u;
  std::string prefix = "ocirun", name = config.id;
  u.slice = config.rootless ? "user.slice" : "system.slice";
  if (!config.cgroups_path.empty()) {
    const auto parts = split(config.cgroups_path, ':');
    if (parts.size() != 3)
      return Err(EINVAL, kField, ": expected \"slice:prefix:name\" with --systemd-cgroup, got \"", config.cgroups_path, "\"");
    if (!parts[0].empty()) u.slice = parts[0];
    prefix = parts[1];
    name = parts[2];
  }
  if (name.empty() || name.find('/') != std::string::npos)
    return Err(EINVAL, kField, ": invalid unit name \"", name, "\"");
  auto slice_path = expand_slice(u.slice);
  if (!slice_path) return ErrFrom(std::move(slice_path).error().context(kField));
  const bool is_slice = name.size() > 6 && name.substr(name.size() - 6) == ".slice";
  u.unit = is_slice ? name : (prefix.empty() ? name : prefix + "-" + name) + ".scope";
  u.path = fs::join(*slice_path, u.unit);
  return u;
}

}  // namespace rt::cgroups
