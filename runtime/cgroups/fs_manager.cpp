#include "runtime/cgroups/fs_manager.hpp"

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <set>

#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/str.hpp"

namespace rt::cgroups {
namespace {

std::string parent_dir(const std::string& p) {
  const size_t slash = p.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

bool is_below_or_at(const std::string& p, const std::string& top) {
  return p == top || p.rfind(top + "/", 0) == 0;
}

}  // namespace

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void sleep_ms(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  while (::nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

std::string FsManager::mount_of(const std::string& key) const {
  if (key.empty()) return layout_.unified_mount;
  auto it = layout_.v1_mounts.find(key);
  return it == layout_.v1_mounts.end() ? std::string() : it->second;
}

Result<std::vector<std::string>> FsManager::make_dirs(const std::string& key, const std::string& dir) {
  const std::string mount = mount_of(key);
  if (mount.empty() || dir.rfind(mount + "/", 0) != 0)
    return Err(EINVAL, "cgroup directory ", dir, " is not below the mount point of its hierarchy (", mount, ")");
  std::vector<std::string> made;
  // A shared parent (the default "/ocirun") may be removed by the delete of
  // another container between our mkdir of it and of its child: start over.
  for (int attempt = 0;; ++attempt) {
    size_t pos = mount.size();
    Result<bool> created = false;
    while (pos != std::string::npos) {
      pos = dir.find('/', pos + 1);
      const std::string cur = dir.substr(0, pos);
      created = fs_->mkdir(cur);
      if (!created) break;
      if (!*created) continue;
      made.push_back(cur);
      // Only the first creation counts: a repeated create() must not claim less.
      created_.emplace(key, cur);
    }
    if (created) return made;
    if (created.error().errnum != ENOENT || attempt == 5) return ErrFrom(std::move(created).error());
  }
}

Result<> FsManager::write_one(const Write& w, const std::string& dir) {
  const std::string path = fs::join(dir, w.file);
  auto r = fs_->write(path, w.value);
  if (r) return {};
  const int e = r.error().errnum;
  if (e == EBUSY && w.file == "memory.limit_in_bytes") {
    // v1 refuses a limit below the current usage; say so with numbers.
    auto usage = fs_->read(fs::join(dir, "memory.usage_in_bytes"));
    auto peak = fs_->read(fs::join(dir, "memory.max_usage_in_bytes"));
    return Err(e, w.field, ": cannot set the memory limit to ", w.value, ": current usage ",
               usage ? std::string(trim(*usage)) : "unknown", ", peak ", peak ? std::string(trim(*peak)) : "unknown");
  }
  if (e == ENOENT)
    return Err(e, w.field, ": cannot write \"", w.value, "\" to ", path,
               " (this kernel or cgroup does not have that file)");
  // Per-device files (blkio.*_device, io.max, io.weight) take "8:0 ...".
  const std::string dev = w.value.substr(0, w.value.find(' '));
  if (e == ENODEV && dev.find(':') != std::string::npos && dev.find_first_not_of("0123456789:") == std::string::npos)
    return Err(e, w.field, ": writing \"", w.value, "\" to ", path, " (no block device ", dev, " on this host)");
  return Err(e, w.field, ": writing \"", w.value, "\" to ", path);
}

Result<> FsManager::execute(const Plan& plan, const std::map<std::string, std::string>& dir_of) {
  std::vector<std::pair<const Write*, std::string>> retry;
  for (const Write& w : plan.writes) {
    auto it = dir_of.find(w.hierarchy);
    if (it == dir_of.end())
      return Err(ENODEV, w.field, ": the ", w.hierarchy.empty() ? std::string("unified") : w.hierarchy,
                 " hierarchy is not mounted");
    auto r = write_one(w, it->second);
    if (!r) {
      const int e = r.error().errnum;
      if (e == ENOENT && (w.flags & kSkipIfMissing)) continue;
      if (e == EINVAL && (w.flags & kRetryOnEinval)) {
        retry.emplace_back(&w, it->second);
        continue;
      }
      return r;
    }
    if (w.flags & kVerifyReadBack) {
      const std::string path = fs::join(it->second, w.file);
      TRY_ASSIGN(const std::string got, fs_->read(path));
      if (trim(got) != w.value)
        return Err(ERANGE, w.field, ": the kernel set ", path, " to ", std::string(trim(got)), " instead of ", w.value,
                   " (outside the range it allows)");
    }
  }
  for (const auto& [w, dir] : retry) TRY(write_one(*w, dir));
  return {};
}

void FsManager::log_warnings(const Plan& plan) const {
  for (const std::string& w : plan.warnings) log::warn(w);
}

Result<> FsManager::kill_each(const std::vector<pid_t>& pids, int sig) {
  for (pid_t p : pids)
    if (::kill(p, sig) < 0 && errno != ESRCH) return ErrnoErr("kill(", p, ", ", sig, ")");
  return {};
}

std::vector<std::string> FsManager::unique_dirs() const {
  std::vector<std::string> out;
  for (const auto& [key, dir] : dirs_)
    if (std::find(out.begin(), out.end(), dir) == out.end()) out.push_back(dir);
  return out;
}

Result<> FsManager::collect_pids(const std::string& dir, std::vector<pid_t>& out) const {
  TRY_ASSIGN(const std::string procs, fs_->read(fs::join(dir, "cgroup.procs")));
  for (const std::string& w : words(procs)) {
    auto p = parse_int<pid_t>(w);
    if (!p) return Err(EINVAL, "bad pid \"", w, "\" in ", fs::join(dir, "cgroup.procs"));
    out.push_back(*p);
  }
  auto children = fs_->child_dirs(dir);
  if (!children) return ErrFrom(std::move(children).error());
  for (const std::string& c : *children) {
    auto r = collect_pids(fs::join(dir, c), out);
    if (!r && r.error().errnum != ENOENT) return r;  // a sub-cgroup may vanish meanwhile
  }
  return {};
}

Result<std::vector<pid_t>> FsManager::pids() const {
  std::vector<pid_t> out;
  for (const std::string& dir : unique_dirs()) TRY_CTX(collect_pids(dir, out), "listing the processes of ", dir);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<> FsManager::remove_tree(const std::string& dir) {
  auto children = fs_->child_dirs(dir);
  if (!children) return children.error().errnum == ENOENT ? Result<>() : ErrFrom(std::move(children).error());
  for (const std::string& c : *children) TRY(remove_tree(fs::join(dir, c)));
  // Killed processes leave the cgroup asynchronously: EBUSY for a moment.
  int delay = 5;
  for (int attempt = 0;; ++attempt) {
    auto r = fs_->rmdir(dir);
    if (r || r.error().errnum != EBUSY || attempt == 8) return r;
    sleep_ms(delay);
    delay = std::min(delay * 2, 200);
  }
}

Result<> FsManager::remove_created_parents(const std::string& key, const std::string& dir) {
  auto it = created_.find(key);
  if (it == created_.end() || it->second == dir || !is_below_or_at(dir, it->second)) return {};
  for (std::string p = parent_dir(dir); is_below_or_at(p, it->second); p = parent_dir(p)) {
    auto r = fs_->rmdir(p);
    // Another container may live beside ours: its parent stays.
    if (!r) return r.error().errnum == ENOTEMPTY || r.error().errnum == EBUSY ? Result<>() : r;
    if (p == it->second) break;
  }
  return {};
}

Result<> FsManager::destroy() {
  auto procs = pids();
  if (procs && !procs->empty()) {
    if (auto r = signal_all(SIGKILL); !r) log::warn("destroying cgroup: ", r.error().to_string());
    for (int i = 0; i < 300; ++i) {
      auto left = pids();
      if (!left || left->empty()) break;
      sleep_ms(10);
    }
  }
  std::optional<Error> first;
  std::set<std::string> done;
  for (const auto& [key, dir] : dirs_) {
    if (done.insert(dir).second) {
      if (auto r = remove_tree(dir); !r && !first) first = std::move(r).error();
    }
    if (auto r = remove_created_parents(key, dir); !r && !first) first = std::move(r).error();
  }
  if (first) return ErrFrom(std::move(*first).context("removing the container's cgroup"));
  return {};
}

Result<> FsManager::enable_controllers(const std::string& mount, const std::string& dir,
                                       const std::vector<std::string>& ctrls) {
  if (ctrls.empty()) return {};
  std::string all;
  for (const std::string& c : ctrls) all += (all.empty() ? "+" : " +") + c;
  for (std::string p = mount; p.size() < dir.size();) {
    const std::string file = fs::join(p, "cgroup.subtree_control");
    if (!fs_->write(file, all)) {
      // One refused controller (a threaded cgroup, a busy parent) must not
      // block the others; the writes that need it will report it.
      for (const std::string& c : ctrls) (void)fs_->write(file, "+" + c);
    }
    const size_t next = dir.find('/', p.size() + 1);
    p = dir.substr(0, next);
    if (next == std::string::npos) break;
  }
  return {};
}

}  // namespace rt::cgroups
