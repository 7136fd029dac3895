#include "runtime/container/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "runtime/base/fs.hpp"

namespace rt::container {

using json = nlohmann::json;

std::string encode_state(const ContainerState& s) {
  json j;
  j["id"] = s.id;
  j["bundle"] = s.bundle;
  j["rootfs"] = s.rootfs;
  j["created"] = s.created;
  j["owner"] = s.owner;
  j["pid"] = s.pid;
  j["pid_start_time"] = s.pid_start_time;
  j["annotations"] = s.annotations;
  // No cgroup, no member: decode_state refuses a cgroup without directories.
  if (!s.cgroup.dirs.empty()) j["cgroup"] = cgroups::to_json(s.cgroup);
  j["own_pid_namespace"] = s.own_pid_namespace;
  j["systemd_cgroup"] = s.systemd_cgroup;
  j["rootless"] = s.rootless;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// A member that must be an integer in [0, max]. nlohmann's get<> would
// truncate 2^32 to a pid of 0 and cast a float such as 1e48 with undefined
// behaviour (found by tests/fuzz/state_fuzzer).
Result<uint64_t> unsigned_member(const json& j, const char* key, uint64_t max) {
  const json& v = j.at(key);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > max)
    return Err(0, "state.json is damaged: ", key, " ", v.dump(), " is out of range");
  return v.get<uint64_t>();
}

}  // namespace

Result<ContainerState> decode_state(std::string_view text) {
  // state.json is ours, but a damaged file must give an error, not a crash.
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Err(0, "state.json is not a JSON object");
  ContainerState s;
  try {
    s.id = j.at("id").get<std::string>();
    s.bundle = j.at("bundle").get<std::string>();
    s.rootfs = j.value("rootfs", std::string());
    s.created = j.value("created", std::string());
    s.owner = j.value("owner", std::string());
    TRY_ASSIGN(const uint64_t pid, unsigned_member(j, "pid", std::numeric_limits<pid_t>::max()));
    s.pid = static_cast<pid_t>(pid);
    if (j.contains("pid_start_time")) {
      TRY_ASSIGN(s.pid_start_time, unsigned_member(j, "pid_start_time", std::numeric_limits<uint64_t>::max()));
    }
    if (j.contains("annotations")) s.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
    if (j.contains("cgroup")) {
      auto paths = cgroups::paths_from_json(j.at("cgroup"));
      if (!paths) return Err(0, "state.json is damaged: ", paths.error().to_string());
      s.cgroup = std::move(*paths);
    }
    s.own_pid_namespace = j.value("own_pid_namespace", true);
    s.systemd_cgroup = j.value("systemd_cgroup", false);
    s.rootless = j.value("rootless", false);
  } catch (const json::exception& e) {
    return Err(0, "state.json is damaged: ", e.what());
  }
  // Without its start time a pid could be anyone's (recycled, or host init):
  // kill and delete would signal a process that is not the container's.
  if (s.pid > 0 && s.pid_start_time == 0) return Err(0, "state.json is damaged: pid ", s.pid, " without pid_start_time");
  return s;
}

Result<> validate_id(std::string_view id) {
  auto bad = [&](const char* why) { return Err(0, "invalid container id ", json(std::string(id)).dump(), ": ", why); };
  if (id.empty()) return bad("it is empty");
  if (id.size() > 255) return bad("longer than 255 bytes");
  if (id == "." || id == "..") return bad("it is a relative path");
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return bad("only letters, digits, '_', '+', '-' and '.' are allowed");
  }
  return {};
}

std::string does_not_exist_message(const std::string& id) { return cat("container \"", id, "\" does not exist"); }

std::string now_rfc3339_nano() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return buf;
}

// ---- ContainerDir -------------------------------------------------------------

Result<> ContainerDir::write_state(const ContainerState& state) {
  return with_context(fs::write_file_atomic(dirfd_.get(), kStateFile, encode_state(state)), "saving state of ",
                      id_);
}

Result<ContainerState> ContainerDir::read_state() const {
  auto text = fs::read_regular_file_at(dirfd_.get(), kStateFile, 1u << 20);
  if (!text) return ErrFrom(std::move(text).error().context("reading state of ", id_));
  auto s = decode_state(*text);
  if (!s) return ErrFrom(std::move(s).error().context(path_, "/", kStateFile));
  if (s->id != id_) return Err(0, path_, "/", kStateFile, ": state.json is damaged: it is of container ", json(s->id).dump());
  return s;
}

bool ContainerDir::has_state() const { return ::faccessat(dirfd_.get(), kStateFile, F_OK, 0) == 0; }
bool ContainerDir::has_exec_fifo() const { return ::faccessat(dirfd_.get(), kExecFifo, F_OK, 0) == 0; }

namespace {

// Empties a directory (the state dir holds at most one level of
// subdirectories, such as notify/).
Result<> remove_contents(int dirfd, const std::string& path, int depth) {
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return ErrnoErr("dup ", path);
  DIR* d = ::fdopendir(dup);
  if (!d) {
    ::close(dup);
    return ErrnoErr("opendir ", path);
  }
  Result<> result;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (::unlinkat(dirfd, e->d_name, 0) == 0 || errno == ENOENT) continue;
    if (errno == EISDIR && depth < 2) {
      UniqueFd sub(::openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub) result = remove_contents(sub.get(), cat(path, "/", name), depth + 1);
      if (result && ::unlinkat(dirfd, e->d_name, AT_REMOVEDIR) == 0) continue;
    }
    if (result) result = ErrnoErr("removing ", path, "/", name);
    break;
  }
  ::closedir(d);
  return result;
}

}  // namespace

Result<> ContainerDir::remove() {
  TRY(remove_contents(dirfd_.get(), path_, 0));
  if (::rmdir(path_.c_str()) < 0 && errno != ENOENT) return ErrnoErr("removing ", path_);
  return {};
}

void ContainerDir::unlock() { ::flock(dirfd_.get(), LOCK_UN); }

Result<> ContainerDir::relock() {
  while (::flock(dirfd_.get(), LOCK_EX) < 0) {
    if (errno != EINTR) return ErrnoErr("locking ", path_);
  }
  struct stat st {};
  if (::fstat(dirfd_.get(), &st) < 0) return ErrnoErr("stat ", path_);
  if (st.st_nlink == 0) return Err(0, does_not_exist_message(id_));
  return {};
}

// ---- StateStore ---------------------------------------------------------------

Result<ContainerDir> StateStore::create(const std::string& id) const {
  TRY(validate_id(id));
  if (::mkdir(root_.c_str(), 0700) < 0 && errno != EEXIST) TRY(fs::mkdir_all(root_, 0700));
  const std::string path = fs::join(root_, id);
  if (::mkdir(path.c_str(), 0711) < 0) {
    if (errno == EEXIST) return Err(0, "container with id exists: ", id);
    return ErrnoErr("creating state directory ", path);
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return ErrnoErr("opening state directory ", path);
  // Nobody else can hold it yet: the directory was just made by us.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) return ErrnoErr("locking ", path);
  return ContainerDir(id, path, std::move(fd));
}

Result<ContainerDir> StateStore::open(const std::string& id, Lock lock) const {
  TRY(validate_id(id));
  const std::string path = fs::join(root_, id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT) return Err(0, does_not_exist_message(id));
    return ErrnoErr("opening state directory ", path);
  }
  if (lock == Lock::kExclusive) {
    while (::flock(fd.get(), LOCK_EX) < 0) {
      if (errno != EINTR) return ErrnoErr("locking ", path);
    }
    // Deleted while we waited for the lock?
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) return ErrnoErr("stat ", path);
    if (st.st_nlink == 0) return Err(0, does_not_exist_message(id));
  }
  return ContainerDir(id, path, std::move(fd));
}

bool StateStore::is_locked(const ContainerDir& dir) const {
  // A separate open file description: flock conflicts with any other holder.
  UniqueFd probe(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!probe) return false;
  if (::flock(probe.get(), LOCK_SH | LOCK_NB) < 0) return errno == EWOULDBLOCK;
  return false;
}

Result<std::vector<std::string>> StateStore::list_ids() const {
  std::vector<std::string> ids;
  DIR* d = ::opendir(root_.c_str());
  if (!d) {
    if (errno == ENOENT) return ids;
    return ErrnoErr("listing ", root_);
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (!validate_id(name)) continue;
    ids.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace rt::container
