// OOM notifications for `events`, straight from the kernel:
//   v1: cgroup.event_control ties an eventfd to memory.oom_control; the
//       kernel signals it each time the cgroup runs out of memory (and once
//       more when the cgroup is removed).
//   v2: memory.events changes (inotify IN_MODIFY) when its counters move;
//       the oom_kill counter says how many processes were killed.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/cgroups/fs_manager.hpp"
#include "runtime/cgroups/stats.hpp"

namespace rt::cgroups {
namespace {

class V1OomWatch final : public OomWatch {
 public:
  V1OomWatch(std::string dir, UniqueFd event, UniqueFd control)
      : dir_(std::move(dir)), event_(std::move(event)), control_(std::move(control)) {}

  int fd() const override { return event_.get(); }

  Result<uint64_t> consume() override {
    uint64_t count = 0;
    if (::read(event_.get(), &count, sizeof count) != static_cast<ssize_t>(sizeof count)) {
      if (errno == EAGAIN || errno == EINTR) return uint64_t{0};
      return ErrnoErr("reading the OOM eventfd of ", dir_);
    }
    // The removal of the cgroup signals the eventfd too: that is no OOM.
    if (!fs::exists(fs::join(dir_, "cgroup.event_control"))) return uint64_t{0};
    // Several OOM retries of one allocation may be coalesced into one
    // wakeup; like runc, report one event per wakeup.
    return uint64_t{1};
  }

 private:
  std::string dir_;
  UniqueFd event_;
  UniqueFd control_;  // memory.oom_control stays open while the eventfd is registered
};

class V2OomWatch final : public OomWatch {
 public:
  V2OomWatch(std::string dir, UniqueFd inotify, uint64_t kills)
      : dir_(std::move(dir)), inotify_(std::move(inotify)), kills_(kills) {}

  int fd() const override { return inotify_.get(); }

  Result<uint64_t> consume() override {
    char buf[4096];
    while (::read(inotify_.get(), buf, sizeof buf) > 0) {
    }
    auto text = fs::read_file(fs::join(dir_, "memory.events"));
    if (!text) return text.error().errnum == ENOENT ? Result<uint64_t>(uint64_t{0}) : ErrFrom(std::move(text).error());
    const uint64_t now = parse_flat_keyed(*text)["oom_kill"];
    const uint64_t delta = now > kills_ ? now - kills_ : 0;
    kills_ = now;
    return delta;
  }

 private:
  std::string dir_;
  UniqueFd inotify_;
  uint64_t kills_;
};

Result<std::unique_ptr<OomWatch>> watch_v1(const std::string& dir) {
  UniqueFd control(::open(fs::join(dir, "memory.oom_control").c_str(), O_RDONLY | O_CLOEXEC));
  if (!control) return ErrnoErr("opening ", fs::join(dir, "memory.oom_control"));
  UniqueFd event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!event) return ErrnoErr("eventfd");
  TRY_CTX(fs::write_file(fs::join(dir, "cgroup.event_control"), cat(event.get(), ' ', control.get())),
          "registering for OOM notifications of ", dir);
  return std::unique_ptr<OomWatch>(std::make_unique<V1OomWatch>(dir, std::move(event), std::move(control)));
}

Result<std::unique_ptr<OomWatch>> watch_v2(const std::string& dir) {
  const std::string events = fs::join(dir, "memory.events");
  UniqueFd in(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!in) return ErrnoErr("inotify_init1");
  if (::inotify_add_watch(in.get(), events.c_str(), IN_MODIFY) < 0) return ErrnoErr("watching ", events);
  TRY_ASSIGN(const std::string text, fs::read_file(events));
  const uint64_t kills = parse_flat_keyed(text)["oom_kill"];
  return std::unique_ptr<OomWatch>(std::make_unique<V2OomWatch>(dir, std::move(in), kills));
}

}  // namespace

Result<std::unique_ptr<OomWatch>> FsManager::watch_oom() const {
  if (auto it = dirs_.find("memory"); it != dirs_.end()) return watch_v1(it->second);
  if (auto it = dirs_.find(""); it != dirs_.end() && fs_->exists(fs::join(it->second, "memory.events")))
    return watch_v2(it->second);
  return std::unique_ptr<OomWatch>();
}

}  // namespace rt::cgroups
