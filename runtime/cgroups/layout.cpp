// Host layout detection from /proc/self/mountinfo: which cgroup hierarchies
// are mounted where, and what the mix says (unified, hybrid, legacy).
#include <nlohmann/json.hpp>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::cgroups {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const auto v = s.substr(i + 1, 3);
      if (v.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>((v[0] - '0') * 64 + (v[1] - '0') * 8 + (v[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

struct MountLine {
  std::string root, mount_point, fstype;
  std::vector<std::string> super_options;
};

Result<MountLine> parse_mount_line(std::string_view line) {
  auto f = split(line, ' ');
  size_t dash = 6;
  while (dash < f.size() && f[dash] != "-") ++dash;
  if (dash + 3 >= f.size())
    return Err(EINVAL, "malformed mountinfo line \"", std::string(line), "\"");
  return MountLine{unescape(f[3]), unescape(f[4]), f[dash + 1], split(f[dash + 3], ',')};
}

bool is_option(const std::string& o) {
  // Mount options that are not controller names.
  static const char* const kNotControllers[] = {"rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode",
                                                "favordynmods", "nsdelegate", "memory_localevents",
                                                "memory_recursiveprot", "memory_hugetlb_accounting"};
  for (const char* n : kNotControllers)
    if (o == n) return true;
  return o.rfind("release_agent=", 0) == 0;
}

}  // namespace

Result<Layout> parse_layout(std::string_view mountinfo) {
  Layout layout;
  bool v1_controllers = false;
  for (const std::string& line : split(mountinfo, '\n')) {
    if (trim(line).empty()) continue;
    TRY_ASSIGN(MountLine m, parse_mount_line(line));
    if (m.fstype == "cgroup2") {
      if (layout.unified_mount.empty()) {  // the first mount wins, as the kernel lists them in order
        layout.unified_mount = m.mount_point;
        layout.mount_roots[""] = m.root;
      }
      continue;
    }
    if (m.fstype != "cgroup") continue;
    for (const std::string& o : m.super_options) {
      if (is_option(o) || o.empty()) continue;
      if (layout.v1_mounts.count(o)) continue;
      layout.v1_mounts[o] = m.mount_point;
      layout.mount_roots[o] = m.root;
      if (o.rfind("name=", 0) != 0) v1_controllers = true;
    }
  }
  if (v1_controllers)
    layout.mode = layout.unified_mount.empty() ? Mode::kLegacy : Mode::kHybrid;
  else if (!layout.unified_mount.empty())
    layout.mode = Mode::kUnified;
  else
    return Err(ENOENT, "no cgroup filesystem is mounted (neither cgroup2 nor a v1 controller)");
  if (layout.mode == Mode::kUnified) {
    // Named v1 hierarchies (name=systemd) play no part on a unified host.
    for (auto it = layout.v1_mounts.begin(); it != layout.v1_mounts.end();) {
      layout.mount_roots.erase(it->first);
      it = layout.v1_mounts.erase(it);
    }
  }
  return layout;
}

Result<Layout> detect_layout() {
  TRY_ASSIGN(const std::string text, fs::read_file("/proc/self/mountinfo"));
  return with_context(parse_layout(text), "/proc/self/mountinfo");
}

Result<std::map<std::string, std::string>> parse_proc_cgroup(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : split(text, '\n')) {
    if (trim(line).empty()) continue;
    const size_t c1 = line.find(':');
    const size_t c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string::npos) return Err(EINVAL, "malformed /proc/self/cgroup line \"", line, "\"");
    const std::string path = line.substr(c2 + 1);
    const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    if (controllers.empty()) {
      out[""] = path;
      continue;
    }
    for (const std::string& c : split(controllers, ',')) out[c] = path;
  }
  return out;
}

nlohmann::json to_json(const Paths& paths) {
  nlohmann::json j = {{"driver", paths.driver}, {"dirs", paths.dirs}, {"created", paths.created}};
  if (!paths.unit.empty()) j["unit"] = paths.unit;
  return j;
}

Result<Paths> paths_from_json(const nlohmann::json& j) {
  Paths p;
  try {
    p.driver = j.at("driver").get<std::string>();
    p.dirs = j.at("dirs").get<std::map<std::string, std::string>>();
    if (j.contains("created")) p.created = j.at("created").get<std::map<std::string, std::string>>();
    if (j.contains("unit")) p.unit = j.at("unit").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return Err(EINVAL, "saved cgroup paths: ", e.what());
  }
  if (p.driver != "cgroupfs" && p.driver != "systemd") return Err(EINVAL, "saved cgroup paths: unknown driver \"", p.driver, "\"");
  if (p.dirs.empty()) return Err(EINVAL, "saved cgroup paths: no directories");
  return p;
}

}  // namespace rt::cgroups
