// The state directory: <root>/<id>/ holds
//   state.json   facts about the container (written tmp + rename)
//   config.json  the config as it was at create time (later edits to the
//                bundle must not affect the container)
//   exec.fifo    present while the container is "created"
// Every mutating command holds an exclusive flock on the directory, so
// concurrent create/start/delete on one id are serialised. Readers (state,
// list) take no lock: atomic renames keep state.json whole.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/cgroups/manager.hpp"

namespace rt::container {

// Facts only: the status is derived from them (see status.hpp).
struct ContainerState {
  std::string id;
  std::string bundle;
  std::string rootfs;
  std::string created;  // RFC 3339 with nanoseconds, UTC
  std::string owner;
  pid_t pid = 0;
  uint64_t pid_start_time = 0;
  std::map<std::string, std::string> annotations;
  cgroups::Paths cgroup;
  bool own_pid_namespace = true;  // false: processes outside init may remain in the cgroup
  bool systemd_cgroup = false;
  bool rootless = false;
};

std::string encode_state(const ContainerState& state);
Result<ContainerState> decode_state(std::string_view json_text);

// Container ids as runc accepts them: [A-Za-z0-9_+.-], not "." or "..",
// at most 255 bytes (one path component).
Result<> validate_id(std::string_view id);

inline constexpr const char* kStateFile = "state.json";
inline constexpr const char* kConfigFile = "config.json";
inline constexpr const char* kExecFifo = "exec.fifo";

class ContainerDir {
 public:
  ContainerDir(std::string id, std::string path, UniqueFd dirfd)
      : id_(std::move(id)), path_(std::move(path)), dirfd_(std::move(dirfd)) {}

  const std::string& id() const { return id_; }
  const std::string& path() const { return path_; }
  int fd() const { return dirfd_.get(); }

  Result<> write_state(const ContainerState& state);
  // A missing state.json is ENOENT (the container is still being created, or
  // its creator died).
  Result<ContainerState> read_state() const;
  bool has_state() const;
  bool has_exec_fifo() const;
  // Removes every file and the directory itself.
  Result<> remove();
  // `run` lets go of the lock while its container runs, and takes it back
  // to delete it (failing when someone else deleted it meanwhile).
  void unlock();
  Result<> relock();

 private:
  std::string id_;
  std::string path_;
  UniqueFd dirfd_;
};

enum class Lock { kNone, kExclusive };

class StateStore {
 public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }

  // Makes <root>/<id> and locks it. "container with id exists: ID" when taken.
  Result<ContainerDir> create(const std::string& id) const;
  // Opens an existing container. `container "ID" does not exist` otherwise,
  // including when it was deleted while we waited for the lock.
  Result<ContainerDir> open(const std::string& id, Lock lock) const;
  // Whether a process holds the exclusive lock (a create in progress).
  bool is_locked(const ContainerDir& dir) const;
  Result<std::vector<std::string>> list_ids() const;

 private:
  std::string root_;
};

std::string does_not_exist_message(const std::string& id);
std::string now_rfc3339_nano();

}  // namespace rt::container
