// What the cgroupfs managers (v1/hybrid and v2) share: directory creation
// that remembers what it made, the plan executor, process listing, killing
// and removal. Internal to runtime/cgroups.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/resources.hpp"

namespace rt::cgroups {

class FsManager : public Manager {
 public:
  FsManager(std::shared_ptr<CgroupFs> fs, Layout layout, std::map<std::string, std::string> dirs,
            std::map<std::string, std::string> created)
      : fs_(std::move(fs)), layout_(std::move(layout)), dirs_(std::move(dirs)), created_(std::move(created)) {}

  Result<std::vector<pid_t>> pids() const override;
  Result<> destroy() override;
  Paths paths() const override { return {"cgroupfs", dirs_, created_, {}}; }
  Result<std::unique_ptr<OomWatch>> watch_oom() const override;

  // The mount point of a hierarchy key ("" = unified).
  std::string mount_of(const std::string& key) const;

 protected:
  // mkdir -p of dir below the hierarchy's mount, recording the topmost
  // directory made. Returns the directories created, top first.
  Result<std::vector<std::string>> make_dirs(const std::string& key, const std::string& dir);
  // Runs the writes of a plan; dir_of maps a Write's hierarchy to a directory.
  Result<> execute(const Plan& plan, const std::map<std::string, std::string>& dir_of);
  // Sends sig to each pid (ESRCH ignored).
  static Result<> kill_each(const std::vector<pid_t>& pids, int sig);
  // The distinct directories of dirs_ (co-mounted controllers share one).
  std::vector<std::string> unique_dirs() const;
  // Reads cgroup.procs of dir and of every cgroup below it.
  Result<> collect_pids(const std::string& dir, std::vector<pid_t>& out) const;
  // Enables controllers (v2 "+memory +pids") on every level from the mount
  // down to the parent of dir, so dir can use them.
  Result<> enable_controllers(const std::string& mount, const std::string& dir, const std::vector<std::string>& ctrls);
  void log_warnings(const Plan& plan) const;

  std::shared_ptr<CgroupFs> fs_;
  Layout layout_;
  std::map<std::string, std::string> dirs_;
  std::map<std::string, std::string> created_;

 private:
  Result<> remove_tree(const std::string& dir);
  Result<> remove_created_parents(const std::string& key, const std::string& dir);
  Result<> write_one(const Write& w, const std::string& dir);
};

// Splits "a b c" (cgroup.controllers) into words.
std::vector<std::string> words(std::string_view text);
// Sleeps for ms milliseconds (used while waiting on the kernel).
void sleep_ms(int ms);

}  // namespace rt::cgroups
