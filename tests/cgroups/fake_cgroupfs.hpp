// A fake cgroup tree in a temp dir for the manager tests.
//
// Like a real cgroupfs, mkdir populates the new directory with the control
// files of its hierarchy, and rmdir removes a directory full of them. Writes
// replace a file's content and are logged, so tests can check both the
// final state and the sequence (io.max, devices.allow take several).
// cgroup.subtree_control and cgroup.freeze behave as on v2; errors can be
// injected per file name.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::cgroups::testing {

using Files = std::map<std::string, std::string>;

// Control files of a v1 hierarchy, by controller.
inline Files v1_files(const std::string& ctrl) {
  Files f = {{"cgroup.procs", ""}, {"tasks", ""}, {"notify_on_release", "0"}, {"cgroup.clone_children", "0"}};
  static const std::map<std::string, Files> kByCtrl = {
      {"memory",
       {{"memory.limit_in_bytes", "9223372036854771712"}, {"memory.memsw.limit_in_bytes", "9223372036854771712"},
        {"memory.soft_limit_in_bytes", "9223372036854771712"}, {"memory.swappiness", "60"},
        {"memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"}, {"memory.use_hierarchy", "1"},
        {"memory.usage_in_bytes", "4096"}, {"memory.max_usage_in_bytes", "8192"}, {"memory.failcnt", "0"},
        {"memory.memsw.usage_in_bytes", "4096"}, {"memory.memsw.max_usage_in_bytes", "8192"},
        {"memory.memsw.failcnt", "0"}, {"memory.stat", "cache 100\nrss 200\n"}}},
      {"cpu",
       {{"cpu.shares", "1024"}, {"cpu.cfs_period_us", "100000"}, {"cpu.cfs_quota_us", "-1"}, {"cpu.cfs_burst_us", "0"},
        {"cpu.idle", "0"}, {"cpu.rt_period_us", "1000000"}, {"cpu.rt_runtime_us", "0"},
        {"cpu.stat", "nr_periods 3\nnr_throttled 1\nthrottled_time 500\n"}}},
      {"cpuacct", {{"cpuacct.usage", "123456"}, {"cpuacct.usage_percpu", "100000 23456 \n"}, {"cpuacct.stat", "user 2\nsystem 3\n"}}},
      {"cpuset", {{"cpuset.cpus", ""}, {"cpuset.mems", ""}}},
      {"devices", {{"devices.allow", ""}, {"devices.deny", ""}, {"devices.list", "a *:* rwm\n"}}},
      {"freezer", {{"freezer.state", "THAWED"}, {"freezer.self_freezing", "0"}}},
      {"blkio",
       {{"blkio.weight", "500"}, {"blkio.weight_device", ""}, {"blkio.throttle.read_bps_device", ""},
        {"blkio.throttle.write_bps_device", ""}, {"blkio.throttle.read_iops_device", ""},
        {"blkio.throttle.write_iops_device", ""},
        {"blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n"},
        {"blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 0\nTotal 1\n"}}},
      {"pids", {{"pids.max", "max"}, {"pids.current", "0"}}},
      {"hugetlb", {{"hugetlb.2MB.limit_in_bytes", ""}, {"hugetlb.2MB.rsvd.limit_in_bytes", ""}}},
      {"net_cls", {{"net_cls.classid", "0"}}},
      {"net_prio", {{"net_prio.ifpriomap", ""}}},
      {"rdma", {{"rdma.max", ""}}},
  };
  if (auto it = kByCtrl.find(ctrl); it != kByCtrl.end()) f.insert(it->second.begin(), it->second.end());
  return f;
}

// Control files of a v2 cgroup with the given controllers enabled for it.
inline Files v2_files(const std::set<std::string>& ctrls) {
  Files f = {{"cgroup.procs", ""}, {"cgroup.threads", ""}, {"cgroup.type", "domain"}, {"cgroup.freeze", "0"},
             {"cgroup.events", "populated 0\nfrozen 0\n"}, {"cgroup.kill", ""}, {"cgroup.max.depth", "max"},
             {"cgroup.max.descendants", "max"}, {"cgroup.subtree_control", ""}, {"cpu.stat", "usage_usec 7\nuser_usec 3\nsystem_usec 4\n"}};
  std::string list;
  for (const auto& c : ctrls) list += (list.empty() ? "" : " ") + c;
  f["cgroup.controllers"] = list;
  static const std::map<std::string, Files> kByCtrl = {
      {"memory",
       {{"memory.max", "max"}, {"memory.low", "0"}, {"memory.swap.max", "max"}, {"memory.current", "4096"},
        {"memory.peak", "8192"}, {"memory.swap.current", "0"}, {"memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"},
        {"memory.stat", "anon 1\nfile 2\n"}}},
      {"cpu",
       {{"cpu.weight", "100"}, {"cpu.max", "max 100000"}, {"cpu.max.burst", "0"}, {"cpu.idle", "0"},
        {"cpu.stat", "usage_usec 7\nuser_usec 3\nsystem_usec 4\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n"}}},
      {"pids", {{"pids.max", "max"}, {"pids.current", "0"}}},
      {"io", {{"io.max", ""}, {"io.weight", "default 100"}, {"io.stat", ""}}},
      {"cpuset", {{"cpuset.cpus", ""}, {"cpuset.mems", ""}}},
      {"hugetlb", {{"hugetlb.2MB.max", "max"}, {"hugetlb.2MB.rsvd.max", "max"}, {"hugetlb.2MB.current", "0"}}},
      {"rdma", {{"rdma.max", ""}}},
  };
  for (const auto& c : ctrls)
    if (auto it = kByCtrl.find(c); it != kByCtrl.end()) f.insert(it->second.begin(), it->second.end());
  return f;
}

class FakeCgroupFs : public CgroupFs {
 public:
  FakeCgroupFs() {
    char tmpl[] = "/tmp/ocirun-cgtest-XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  ~FakeCgroupFs() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  const std::string& root() const { return root_; }

  // A v1 hierarchy mounted at <root>/<name>, e.g. add_v1("memory").
  std::string add_v1(const std::string& ctrl, const std::string& dir_name = "") {
    const std::string mount = fs::join(root_, dir_name.empty() ? ctrl : dir_name);
    ::mkdir(mount.c_str(), 0755);
    mounts_[mount] = ctrl;
    Files f = v1_files(ctrl);
    if (ctrl == "cpuset") f["cpuset.cpus"] = "0-1", f["cpuset.mems"] = "0";
    populate(mount, f);
    return mount;
  }
  // A cgroup2 mount at <root>/<name> offering the given controllers.
  std::string add_v2(const std::set<std::string>& ctrls, const std::string& name = "unified") {
    const std::string mount = fs::join(root_, name);
    ::mkdir(mount.c_str(), 0755);
    mounts_[mount] = "";
    populate(mount, v2_files(ctrls));
    return mount;
  }

  // Layouts of the three kinds, with the fake's mounts.
  Layout hybrid_layout(std::vector<std::string> ctrls) {
    Layout l = legacy_layout(std::move(ctrls));
    l.mode = Mode::kHybrid;
    l.unified_mount = add_v2({});
    l.mount_roots[""] = "/";
    return l;
  }
  Layout legacy_layout(const std::vector<std::string>& ctrls) {
    Layout l;
    l.mode = Mode::kLegacy;
    for (const auto& c : ctrls) {
      const std::string dir = c.rfind("name=", 0) == 0 ? c.substr(5) : c;
      l.v1_mounts[c] = add_v1(c, dir);
      l.mount_roots[c] = "/";
    }
    return l;
  }
  Layout unified_layout(const std::set<std::string>& ctrls) {
    Layout l;
    l.unified_mount = add_v2(ctrls, "cgroup2");
    l.mount_roots[""] = "/";
    return l;
  }

  std::string content(const std::string& path) const {
    auto r = fs::read_file(path);
    return r ? *r : "<missing>";
  }
  void set(const std::string& path, const std::string& value) { std::ofstream(path, std::ios::trunc) << value; }
  void fail(const std::string& file_name, int err) { failures_[file_name] = err; }
  // Like a kernel that clamps: writes to file_name store `stored` instead.
  void clamp(const std::string& file_name, const std::string& stored) { clamps_[file_name] = stored; }
  // Writes, as "<path below root>=<value>", in order.
  std::vector<std::string> writes_to(const std::string& file_name) const {
    std::vector<std::string> out;
    for (const auto& [path, value] : log_)
      if (path.substr(path.find_last_of('/') + 1) == file_name) out.push_back(value);
    return out;
  }
  const std::vector<std::pair<std::string, std::string>>& log() const { return log_; }
  const std::vector<std::pair<std::string, BpfProgram>>& programs() const { return programs_; }

  Result<> write(const std::string& path, const std::string& value) override {
    const std::string name = path.substr(path.find_last_of('/') + 1);
    if (auto it = failures_.find(name); it != failures_.end()) {
      const int e = it->second;
      failures_.erase(it);  // one failure per injection: a retry succeeds
      return Err(e, "write ", path);
    }
    if (!fs::exists(path)) return Err(ENOENT, "open ", path);
    log_.emplace_back(path, value);
    std::string stored = clamps_.count(name) ? clamps_.at(name) : value;
    if (name == "cgroup.subtree_control") stored = apply_subtree_control(path, value);
    if (name == "cgroup.kill") kill_tree(dir_of(path));
    if (name == "cgroup.freeze") set(fs::join(dir_of(path), "cgroup.events"), std::string("populated 0\nfrozen ") + value + "\n");
    set(path, stored);
    return {};
  }

  // cgroup.procs lists live processes only, as the kernel's does; a v2
  // cgroup.controllers is what the parent's cgroup.subtree_control enables.
  Result<std::string> read(const std::string& path) const override {
    const std::string name = path.substr(path.find_last_of('/') + 1);
    if (name == "cgroup.controllers" && mounts_.count(dir_of(path)) == 0 && mount_for(path).second.empty())
      return CgroupFs::read(fs::join(dir_of(dir_of(path)), "cgroup.subtree_control"));
    auto r = CgroupFs::read(path);
    if (!r || name != "cgroup.procs") return r;
    std::string live;
    for (const auto& w : split(std::string(trim(*r)), '\n'))
      if (!w.empty() && alive(std::stoi(w))) live += w + "\n";
    return live;
  }

  Result<bool> mkdir(const std::string& path) override {
    auto r = CgroupFs::mkdir(path);
    if (!r || !*r) return r;
    const auto [mount, ctrl] = mount_for(path);
    if (!ctrl.empty()) {
      populate(path, v1_files(ctrl));
    } else {
      // Every controller's files, whatever is enabled: simpler than the kernel.
      std::set<std::string> all;
      for (const std::string& w : split(std::string(trim(content(fs::join(mount, "cgroup.controllers")))), ' '))
        if (!w.empty()) all.insert(w);
      populate(path, v2_files(all));
    }
    return r;
  }

  Result<> rmdir(const std::string& path) override {
    auto kids = child_dirs(path);
    if (kids && !kids->empty()) return Err(EBUSY, "rmdir ", path);
    auto procs = read(fs::join(path, "cgroup.procs"));
    if (procs && !trim(*procs).empty()) return Err(EBUSY, "rmdir ", path);
    std::system(("rm -f '" + path + "'/* 2>/dev/null").c_str());
    return CgroupFs::rmdir(path);
  }

  Result<> attach_device_filter(const std::string& path, const BpfProgram& program) override {
    programs_.emplace_back(path, program);
    return {};
  }

 private:
  void kill_tree(const std::string& dir) {
    auto procs = read(fs::join(dir, "cgroup.procs"));
    for (const auto& w : split(procs ? std::string(trim(*procs)) : "", '\n'))
      if (!w.empty()) ::kill(std::stoi(w), SIGKILL);
    if (auto kids = child_dirs(dir))
      for (const auto& k : *kids) kill_tree(fs::join(dir, k));
  }

  static bool alive(pid_t pid) {
    auto stat = fs::read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    const size_t paren = stat->rfind(')');
    return paren != std::string::npos && paren + 2 < stat->size() && (*stat)[paren + 2] != 'Z';
  }

  static std::string dir_of(const std::string& path) { return path.substr(0, path.find_last_of('/')); }

  void populate(const std::string& dir, const Files& files) {
    for (const auto& [name, value] : files) set(fs::join(dir, name), value);
  }

  std::pair<std::string, std::string> mount_for(const std::string& path) const {
    for (const auto& [mount, ctrl] : mounts_)
      if (path.rfind(mount + "/", 0) == 0) return {mount, ctrl};
    return {"", ""};
  }

  // "+memory -pids" -> the enabled set, limited to this cgroup's controllers.
  std::string apply_subtree_control(const std::string& path, const std::string& value) {
    std::set<std::string> now, avail;
    for (const auto& w : split(std::string(trim(content(path))), ' ')) if (!w.empty()) now.insert(w);
    for (const auto& w : split(std::string(trim(content(fs::join(dir_of(path), "cgroup.controllers")))), ' '))
      if (!w.empty()) avail.insert(w);
    for (const auto& w : split(value, ' ')) {
      if (w.size() < 2) continue;
      if (w[0] == '+' && avail.count(w.substr(1))) now.insert(w.substr(1));
      if (w[0] == '-') now.erase(w.substr(1));
    }
    std::string out;
    for (const auto& c : now) out += (out.empty() ? "" : " ") + c;
    return out;
  }

  std::string root_;
  std::map<std::string, std::string> mounts_;  // mount -> v1 controller ("" = v2)
  std::map<std::string, int> failures_;
  std::map<std::string, std::string> clamps_;
  std::vector<std::pair<std::string, std::string>> log_;
  std::vector<std::pair<std::string, BpfProgram>> programs_;
};

}  // namespace rt::cgroups::testing
