// The v1 and hybrid managers against a fake cgroup tree.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "runtime/cgroups/stats.hpp"
#include "tests/cgroups/fake_cgroupfs.hpp"
#include "tests/cgroups/kernel_helpers.hpp"
#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::FakeCgroupFs;
using testing::resources;
using testing::Sleeper;

const std::vector<std::string> kHostCtrls = {"cpu", "cpuacct", "cpuset", "memory", "devices",
                                             "freezer", "blkio", "pids", "name=systemd"};

class V1ManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Manager> make(const Layout& layout, const std::string& path = "", const std::string& id = "c1") {
    Config c;
    c.id = id;
    c.cgroups_path = path;
    auto m = make_manager(layout, c, HostEnv{fake_, "0::/\n", "/nonexistent"});
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().to_string());
    return m ? std::move(*m) : nullptr;
  }
  std::string at(const std::string& rel) const { return fs::join(fake_->root(), rel); }

  std::shared_ptr<FakeCgroupFs> fake_ = std::make_shared<FakeCgroupFs>();
};

TEST_F(V1ManagerTest, CreateMakesEveryHierarchyAndWritesResources) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  const auto r = resources(R"({"memory":{"limit":1048576},"pids":{"limit":0},"cpu":{"shares":512}})");
  ASSERT_TRUE(m->create(&r).has_value());
  EXPECT_EQ(fake_->content(at("memory/ocirun/c1/memory.limit_in_bytes")), "1048576");
  EXPECT_EQ(fake_->content(at("pids/ocirun/c1/pids.max")), "0");
  EXPECT_EQ(fake_->content(at("cpu/ocirun/c1/cpu.shares")), "512");
  EXPECT_TRUE(fs::exists(at("systemd/ocirun/c1")));
  // A new cpuset gets its parent's cpus and mems, level by level.
  EXPECT_EQ(fake_->content(at("cpuset/ocirun/cpuset.cpus")), "0-1");
  EXPECT_EQ(fake_->content(at("cpuset/ocirun/c1/cpuset.mems")), "0");
  const Paths p = m->paths();
  EXPECT_EQ(p.driver, "cgroupfs");
  EXPECT_EQ(p.dirs.size(), kHostCtrls.size());
  EXPECT_EQ(p.dirs.at("memory"), at("memory/ocirun/c1"));
  EXPECT_EQ(p.created.at("memory"), at("memory/ocirun"));
  EXPECT_EQ(m->clone_into_fd(), -1);
}

TEST_F(V1ManagerTest, MissingHostControllerFailsNamingTheField) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  const auto r = resources(R"({"hugepageLimits":[{"pageSize":"2MB","limit":1}]})");
  auto res = m->create(&r);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().msg, "$.linux.resources.hugepageLimits: the hugetlb cgroup controller is not available on this host");
  ASSERT_TRUE(m->destroy().has_value());
  EXPECT_FALSE(fs::exists(at("memory/ocirun")));
}

TEST_F(V1ManagerTest, DevicesAreWrittenAsATransitionFromDevicesList) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  auto r = resources(R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}]})");
  ASSERT_TRUE(m->create(&r).has_value());
  EXPECT_EQ(fake_->writes_to("devices.deny"), std::vector<std::string>{"a *:* rwm"});
  EXPECT_EQ(fake_->writes_to("devices.allow"), std::vector<std::string>{"c 1:3 rwm"});
  // Later, from an allow list, only the difference is written.
  fake_->set(at("devices/ocirun/c1/devices.list"), "c 1:3 rwm\n");
  r = resources(R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"r"}]})");
  ASSERT_TRUE(m->update(r).has_value());
  EXPECT_EQ(fake_->writes_to("devices.deny"), (std::vector<std::string>{"a *:* rwm", "c 1:3 rwm"}));
  EXPECT_EQ(fake_->writes_to("devices.allow"), (std::vector<std::string>{"c 1:3 rwm", "c 1:5 r"}));
  // An empty rule list leaves devices alone.
  ASSERT_TRUE(m->update(resources(R"({"pids":{"limit":3}})")).has_value());
  EXPECT_EQ(fake_->writes_to("devices.allow").size(), 2u);
}

TEST_F(V1ManagerTest, RetriesThePeriodAfterTheQuotaOnEinval) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  fake_->fail("cpu.cfs_period_us", EINVAL);
  ASSERT_TRUE(m->update(resources(R"({"cpu":{"quota":20000,"period":50000}})")).has_value());
  std::vector<std::string> cpu_writes;
  for (const auto& [path, value] : fake_->log())
    if (path.find("/cpu/") != std::string::npos) cpu_writes.push_back(path.substr(path.find_last_of('/') + 1) + "=" + value);
  EXPECT_EQ(cpu_writes, (std::vector<std::string>{"cpu.cfs_quota_us=20000", "cpu.cfs_period_us=50000"}));
}

TEST_F(V1ManagerTest, ClampedSharesAndBusyMemoryLimitGiveClearErrors) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  fake_->clamp("cpu.shares", "262144");
  auto shares = m->update(resources(R"({"cpu":{"shares":1000000}})"));
  ASSERT_FALSE(shares.has_value());
  EXPECT_NE(shares.error().msg.find("$.linux.resources.cpu.shares: the kernel set"), std::string::npos);
  fake_->fail("memory.limit_in_bytes", EBUSY);
  auto mem = m->update(resources(R"({"memory":{"limit":1024}})"));
  ASSERT_FALSE(mem.has_value());
  EXPECT_EQ(mem.error().msg,
            "$.linux.resources.memory.limit: cannot set the memory limit to 1024: current usage 4096, peak 8192");
}

TEST_F(V1ManagerTest, AddProcessFreezeThawAndPids) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  Sleeper a, b;
  ASSERT_TRUE(m->add_process(a.pid()).has_value());
  EXPECT_EQ(fake_->content(at("memory/ocirun/c1/cgroup.procs")), std::to_string(a.pid()));
  ASSERT_TRUE(m->add_process(b.pid(), "exec1").has_value());
  EXPECT_EQ(fake_->content(at("pids/ocirun/c1/exec1/cgroup.procs")), std::to_string(b.pid()));
  EXPECT_EQ(fake_->content(at("cpuset/ocirun/c1/exec1/cpuset.cpus")), "0-1");
  EXPECT_FALSE(m->add_process(b.pid(), "../escape").has_value());
  auto pids = m->pids();
  ASSERT_TRUE(pids.has_value());
  EXPECT_EQ(*pids, (std::vector<pid_t>{std::min(a.pid(), b.pid()), std::max(a.pid(), b.pid())}));
  EXPECT_FALSE(*m->frozen());
  ASSERT_TRUE(m->freeze().has_value());
  EXPECT_EQ(fake_->content(at("freezer/ocirun/c1/freezer.state")), "FROZEN");
  fake_->set(at("freezer/ocirun/c1/freezer.self_freezing"), "1\n");
  EXPECT_TRUE(*m->frozen());
  ASSERT_TRUE(m->thaw().has_value());
  EXPECT_FALSE(*m->frozen());
}

TEST_F(V1ManagerTest, TheInitJoinsTheV1HierarchiesThroughTasks) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  auto files = m->self_join_files();
  std::sort(files.begin(), files.end());
  std::vector<std::string> want;
  for (const char* dir : {"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids", "systemd"})
    want.push_back(at(std::string(dir) + "/ocirun/c1/tasks"));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(files, want);
  // Nothing is left for the runtime on a plain v1 host.
  ASSERT_TRUE(m->add_self_joined_process(4242).has_value());
  EXPECT_TRUE(fake_->writes_to("cgroup.procs").empty());
}

TEST_F(V1ManagerTest, HybridLeavesOnlyTheUnifiedMoveToTheRuntime) {
  auto m = make(fake_->hybrid_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  for (const std::string& f : m->self_join_files()) EXPECT_EQ(f.find("/unified/"), std::string::npos) << f;
  ASSERT_TRUE(m->add_self_joined_process(4242).has_value());
  EXPECT_EQ(fake_->writes_to("cgroup.procs"), std::vector<std::string>{"4242"});
  EXPECT_EQ(fake_->content(at("unified/ocirun/c1/cgroup.procs")), "4242");
}

TEST_F(V1ManagerTest, SignalAllFreezesSignalsAndThaws) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  Sleeper s;
  ASSERT_TRUE(m->add_process(s.pid()).has_value());
  ASSERT_TRUE(m->signal_all(SIGTERM).has_value());
  const int status = s.reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  EXPECT_EQ(fake_->writes_to("freezer.state"), (std::vector<std::string>{"FROZEN", "THAWED"}));
}

TEST_F(V1ManagerTest, DestroyKillsAndRemovesOnlyWhatItCreated) {
  const Layout layout = fake_->legacy_layout(kHostCtrls);
  ASSERT_TRUE(fake_->mkdir(at("memory/kube")).has_value());          // pre-existing parent in one hierarchy
  ASSERT_TRUE(fake_->mkdir(at("pids/kube")).has_value());
  ASSERT_TRUE(fake_->mkdir(at("pids/kube/neighbour")).has_value());  // and another container's cgroup
  auto m = make(layout, "/kube/c1");
  ASSERT_TRUE(m->create(nullptr).has_value());
  Sleeper s;
  ASSERT_TRUE(m->add_process(s.pid()).has_value());
  ASSERT_TRUE(fake_->mkdir(at("cpu/kube/c1/sub")).has_value());
  ASSERT_TRUE(m->destroy().has_value());
  EXPECT_TRUE(WIFSIGNALED(s.reap()));
  EXPECT_FALSE(fs::exists(at("cpu/kube")));          // created by us: gone
  EXPECT_FALSE(fs::exists(at("memory/kube/c1")));
  EXPECT_TRUE(fs::exists(at("memory/kube")));         // not ours: stays
  EXPECT_TRUE(fs::exists(at("pids/kube/neighbour")));
  EXPECT_TRUE(m->destroy().has_value());              // idempotent
}

TEST_F(V1ManagerTest, TheDefaultParentGoesWithTheLastContainer) {
  // Whoever made "/ocirun", the runtime owns it: the last delete removes it.
  const Layout layout = fake_->legacy_layout(kHostCtrls);
  auto first = make(layout, "", "c1");
  ASSERT_TRUE(first->create(nullptr).has_value());
  auto second = make(layout, "", "c2");
  ASSERT_TRUE(second->create(nullptr).has_value());
  ASSERT_TRUE(first->destroy().has_value());
  EXPECT_TRUE(fs::exists(at("memory/ocirun/c2")));
  ASSERT_TRUE(second->destroy().has_value());
  EXPECT_FALSE(fs::exists(at("memory/ocirun")));
  EXPECT_FALSE(fs::exists(at("pids/ocirun")));
}

TEST_F(V1ManagerTest, LoadManagerFromSavedPaths) {
  const Layout layout = fake_->legacy_layout(kHostCtrls);
  auto m = make(layout, "/a/b");
  ASSERT_TRUE(m->create(nullptr).has_value());
  auto saved = paths_from_json(to_json(m->paths()));
  ASSERT_TRUE(saved.has_value());
  auto loaded = load_manager(layout, *saved, HostEnv{fake_, "", "/nonexistent"});
  ASSERT_TRUE(loaded.has_value());
  ASSERT_TRUE((*loaded)->destroy().has_value());
  EXPECT_FALSE(fs::exists(at("memory/a")));
  Paths evil = *saved;
  evil.dirs["memory"] = "/etc";
  EXPECT_FALSE(load_manager(layout, evil, HostEnv{fake_, "", ""}).has_value());
  evil = *saved;
  evil.dirs["memory"] = at("memory/a/../../x");
  EXPECT_FALSE(load_manager(layout, evil, HostEnv{fake_, "", ""}).has_value());
}

TEST_F(V1ManagerTest, StatsAndOomKills) {
  auto m = make(fake_->legacy_layout(kHostCtrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  fake_->set(at("memory/ocirun/c1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  EXPECT_EQ(*m->oom_kill_count(), 2u);
  auto st = m->stats();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->memory.usage.usage, 4096u);
  EXPECT_EQ(st->memory.usage.max_usage, 8192u);
  EXPECT_EQ(st->memory.cache, 100u);
  EXPECT_EQ(st->cpu.total_ns, 123456u);
  EXPECT_EQ(st->cpu.percpu_ns, (std::vector<uint64_t>{100000, 23456}));
  EXPECT_EQ(st->cpu.user_ns, 20000000u);
  EXPECT_EQ(st->cpu.throttled_periods, 1u);
  EXPECT_EQ(st->pids.limit, 0u);  // "max"
  EXPECT_EQ(st->blkio.service_bytes.size(), 2u);
  EXPECT_EQ(st->oom_kills, 2u);
}

TEST_F(V1ManagerTest, HybridJoinsTheUnifiedHierarchyToo) {
  auto m = make(fake_->hybrid_layout(kHostCtrls));
  const auto r = resources(R"({"unified":{"cgroup.max.descendants":"7"}})");
  ASSERT_TRUE(m->create(&r).has_value());
  EXPECT_EQ(fake_->content(at("unified/ocirun/c1/cgroup.max.descendants")), "7");
  EXPECT_EQ(m->paths().dirs.at(""), at("unified/ocirun/c1"));
  const auto bad = resources(R"({"unified":{"memory.max":"7"}})");
  EXPECT_FALSE(m->update(bad).has_value());
  // SIGKILL goes through the unified cgroup.kill.
  ASSERT_TRUE(m->signal_all(SIGKILL).has_value());
  EXPECT_EQ(fake_->writes_to("cgroup.kill"), std::vector<std::string>{"1"});
  ASSERT_TRUE(m->destroy().has_value());
  EXPECT_FALSE(fs::exists(at("unified/ocirun")));
}

TEST_F(V1ManagerTest, HybridWithoutFreezerUsesCgroupFreeze) {
  std::vector<std::string> ctrls = kHostCtrls;
  ctrls.erase(std::find(ctrls.begin(), ctrls.end(), "freezer"));
  auto m = make(fake_->hybrid_layout(ctrls));
  ASSERT_TRUE(m->create(nullptr).has_value());
  ASSERT_TRUE(m->freeze().has_value());
  EXPECT_EQ(fake_->content(at("unified/ocirun/c1/cgroup.freeze")), "1");
  EXPECT_TRUE(*m->frozen());
  ASSERT_TRUE(m->thaw().has_value());
  EXPECT_FALSE(*m->frozen());
}

}  // namespace
}  // namespace rt::cgroups
