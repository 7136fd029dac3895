// Smoke tests on the real kernel (root only, skipped otherwise; about a
// second): the host's v1+hybrid hierarchies with a cgroup of our own below
// each mount, and pure v2 in a private mount namespace. Every cgroup made
// here is removed, and the test checks that.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "runtime/base/fs.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/sys/raw.hpp"
#include "tests/cgroups/kernel_helpers.hpp"
#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::in_private_cgroup2;
using testing::resources;
using testing::Sleeper;

#define CHECK_OR_RETURN(cond, what) \
  if (!(cond)) return std::string(what)
#define OK_OR_RETURN(expr, what)                                            \
  if (auto&& rt_r_ = (expr); !rt_r_) return std::string(what) + ": " + rt_r_.error().to_string()

bool in_cgroup(pid_t pid, const std::string& rel) {
  auto text = fs::read_file("/proc/" + std::to_string(pid) + "/cgroup");
  return text && text->find(rel + "\n") != std::string::npos;
}

// A child that allocates and touches 256 MiB once told to go.
pid_t memory_hog(int& go_fd) {
  int p[2];
  if (::pipe(p) < 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[1]);
    char c;
    if (::read(p[0], &c, 1) != 1) ::_exit(2);
    const size_t size = 256u << 20;
    char* mem = static_cast<char*>(std::malloc(size));
    for (size_t i = 0; mem && i < size; i += 4096) mem[i] = 1;
    ::_exit(0);
  }
  ::close(p[0]);
  go_fd = p[1];
  return pid;
}

std::string hybrid_smoke() {
  auto layout = detect_layout();
  OK_OR_RETURN(layout, "detect_layout");
  const std::string top = "/ocirun-smoke-" + std::to_string(::getpid());
  auto made = make_manager(*layout, Config{"smoke", top + "/c", false, false, {}});
  OK_OR_RETURN(made, "make_manager");
  Manager& m = **made;
  std::vector<oci::DeviceCgroupRule> devices = default_device_rules();
  devices.insert(devices.begin(), {false, "a", {}, {}, "rwm"});
  oci::Resources r = resources(R"({"pids":{"limit":10},"memory":{"limit":67108864},"cpu":{"shares":512}})");
  r.devices = devices;
  OK_OR_RETURN(m.create(&r), "create");
  const Paths paths = m.paths();
  std::string failure = [&]() -> std::string {
    CHECK_OR_RETURN(fs::read_file(paths.dirs.at("pids") + "/pids.max").value_or("") == "10\n", "pids.max");
    CHECK_OR_RETURN(fs::read_file(paths.dirs.at("memory") + "/memory.limit_in_bytes").value_or("") == "67108864\n",
                    "memory.limit_in_bytes");
    Sleeper s;
    OK_OR_RETURN(m.add_process(s.pid()), "add_process");
    CHECK_OR_RETURN(in_cgroup(s.pid(), "memory:" + top + "/c") && in_cgroup(s.pid(), "0::" + top + "/c"), "membership");
    OK_OR_RETURN(m.freeze(), "freeze");
    CHECK_OR_RETURN(m.frozen().value_or(false), "frozen after freeze");
    OK_OR_RETURN(m.thaw(), "thaw");
    CHECK_OR_RETURN(!m.frozen().value_or(true), "thawed");
    // exec --cgroup: a sub-cgroup in every hierarchy (cpuset initialised).
    Sleeper sub;
    OK_OR_RETURN(m.add_process(sub.pid(), "exec"), "add_process to a sub-cgroup");
    CHECK_OR_RETURN(in_cgroup(sub.pid(), "cpuset:" + top + "/c/exec") && in_cgroup(sub.pid(), "0::" + top + "/c/exec"),
                    "sub-cgroup membership");
    auto pids = m.pids();
    CHECK_OR_RETURN(pids && pids->size() == 2, "pids");
    OK_OR_RETURN(m.signal_all(SIGKILL), "signal_all");
    const int st = s.reap();
    CHECK_OR_RETURN(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed by signal_all");
    (void)sub.reap();
    // A memory limit OOM-kills a hog, and the counter says so.
    OK_OR_RETURN(m.update(resources(R"({"memory":{"limit":33554432,"swap":33554432}})")), "update");
    auto watch = m.watch_oom();
    OK_OR_RETURN(watch, "watch_oom");
    CHECK_OR_RETURN(*watch != nullptr, "no OOM watch with a memory controller");
    int go = -1;
    const pid_t hog = memory_hog(go);
    OK_OR_RETURN(m.add_process(hog), "add hog");
    (void)!::write(go, "x", 1);
    ::close(go);
    int hog_status = 0;
    ::waitpid(hog, &hog_status, 0);
    CHECK_OR_RETURN(WIFSIGNALED(hog_status) && WTERMSIG(hog_status) == SIGKILL, "hog not OOM-killed");
    CHECK_OR_RETURN(m.oom_kill_count().value_or(0) >= 1, "oom_kill counter");
    CHECK_OR_RETURN((*watch)->consume().value_or(0) >= 1, "OOM notification");
    return "";
  }();
  Sleeper straggler;
  if (failure.empty()) OK_OR_RETURN(m.add_process(straggler.pid()), "add straggler");
  OK_OR_RETURN(m.destroy(), "destroy");
  for (const auto& [key, dir] : paths.dirs)
    if (fs::exists(dir) || fs::exists(dir.substr(0, dir.size() - 2))) return failure + " left behind: " + dir;
  return failure;
}

TEST(KernelSmoke, HostV1AndHybrid) {
  if (!testing::is_root()) GTEST_SKIP() << "needs root";
  auto layout = detect_layout();
  if (!layout || layout->mode == Mode::kUnified) GTEST_SKIP() << "no v1 hierarchies here";
  EXPECT_EQ(hybrid_smoke(), "");
}

// clone3(CLONE_INTO_CGROUP) with the manager's fd: the child is born there.
pid_t spawn_into(int cgroup_fd) {
  struct clone_args args;
  std::memset(&args, 0, sizeof args);
  args.flags = CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<uint64_t>(cgroup_fd);
  const long pid = sys::clone3(&args);
  if (pid == 0) {
    ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return static_cast<pid_t>(pid);
}

std::string v2_smoke(const std::string& mount) {
  Layout layout;
  layout.unified_mount = mount;
  layout.mount_roots[""] = "/";
  const std::string top = "/ocirun-smoke-" + std::to_string(::getpid());
  auto made = make_manager(layout, Config{"smoke", top + "/c", false, false, {}}, HostEnv{nullptr, "", "/nonexistent"});
  OK_OR_RETURN(made, "make_manager");
  Manager& m = **made;
  oci::Resources r;
  r.devices = default_device_rules();
  r.devices.insert(r.devices.begin(), {false, "a", {}, {}, "rwm"});
  OK_OR_RETURN(m.create(&r), "create");
  const std::string dir = m.paths().dirs.at("");
  std::string failure = [&]() -> std::string {
    auto no_pids = m.update(resources(R"({"pids":{"limit":3}})"));  // this cgroup2 has no controllers
    CHECK_OR_RETURN(!no_pids && no_pids.error().msg.find("$.linux.resources.pids.limit") == 0, "missing controller");
    const pid_t born = spawn_into(m.clone_into_fd());
    CHECK_OR_RETURN(born > 0, "clone3 failed");
    const bool born_inside = in_cgroup(born, "0::" + top + "/c");
    Sleeper s;
    OK_OR_RETURN(m.add_process(s.pid(), "exec"), "add_process");
    auto pids = m.pids();
    const bool both = pids && pids->size() == 2;
    OK_OR_RETURN(m.freeze(), "freeze");
    const bool frozen = m.frozen().value_or(false);
    OK_OR_RETURN(m.thaw(), "thaw");
    OK_OR_RETURN(m.signal_all(SIGTERM), "signal_all(SIGTERM)");  // freeze, signal each, thaw
    const int st = s.reap();
    int born_status = 0;
    ::waitpid(born, &born_status, 0);
    CHECK_OR_RETURN(born_inside, "CLONE_INTO_CGROUP child not in the cgroup");
    CHECK_OR_RETURN(both, "pids");
    CHECK_OR_RETURN(frozen, "frozen");
    CHECK_OR_RETURN(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM");
    CHECK_OR_RETURN(WIFSIGNALED(born_status) && WTERMSIG(born_status) == SIGTERM, "SIGTERM (clone3 child)");
    Sleeper k;
    OK_OR_RETURN(m.add_process(k.pid()), "add_process");
    OK_OR_RETURN(m.signal_all(SIGKILL), "signal_all(SIGKILL)");  // cgroup.kill
    const int kst = k.reap();
    CHECK_OR_RETURN(WIFSIGNALED(kst) && WTERMSIG(kst) == SIGKILL, "cgroup.kill");
    return "";
  }();
  Sleeper straggler;
  if (failure.empty()) OK_OR_RETURN(m.add_process(straggler.pid()), "add straggler");
  OK_OR_RETURN(m.destroy(), "destroy");
  if (fs::exists(dir) || fs::exists(mount + top)) return failure + " left behind: " + dir;
  return failure;
}

TEST(KernelSmoke, PureV2InAPrivateMountNamespace) {
  if (!testing::is_root()) GTEST_SKIP() << "needs root";
  const std::string r = in_private_cgroup2(v2_smoke);
  if (r.rfind("SKIP", 0) == 0) GTEST_SKIP() << r;
  EXPECT_EQ(r, "");
}

}  // namespace
}  // namespace rt::cgroups
