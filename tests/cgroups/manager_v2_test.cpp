// The v2 manager against a fake cgroup2 tree.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include "runtime/cgroups/bpf.hpp"
#include "runtime/cgroups/stats.hpp"
#include "tests/cgroups/fake_cgroupfs.hpp"
#include "tests/cgroups/kernel_helpers.hpp"
#include "tests/cgroups/plan_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::FakeCgroupFs;
using testing::resources;
using testing::Sleeper;

class V2ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { layout_ = fake_->unified_layout({"cpu", "cpuset", "io", "memory", "pids"}); }
  std::unique_ptr<Manager> make(const std::string& path = "", const std::string& self = "0::/\n") {
    Config c;
    c.id = "c2";
    c.cgroups_path = path;
    auto m = make_manager(layout_, c, HostEnv{fake_, self, "/nonexistent"});
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().to_string());
    return m ? std::move(*m) : nullptr;
  }
  std::string at(const std::string& rel) const { return fs::join(fake_->root(), "cgroup2/" + rel); }

  std::shared_ptr<FakeCgroupFs> fake_ = std::make_shared<FakeCgroupFs>();
  Layout layout_;
};

TEST_F(V2ManagerTest, CreateEnablesControllersDownThePathAndWrites) {
  auto m = make();
  const auto r = resources(R"({"memory":{"limit":2000,"swap":3000},"cpu":{"shares":1024,"quota":5000},
      "pids":{"limit":10},"blockIO":{"weight":10}})");
  ASSERT_TRUE(m->create(&r).has_value());
  EXPECT_EQ(fake_->content(at("cgroup.subtree_control")), "cpu cpuset io memory pids");
  EXPECT_EQ(fake_->content(at("ocirun/cgroup.subtree_control")), "cpu cpuset io memory pids");
  EXPECT_EQ(fake_->content(at("ocirun/c2/cgroup.subtree_control")), "");  // the leaf delegates nothing
  EXPECT_EQ(fake_->content(at("ocirun/c2/memory.max")), "2000");
  EXPECT_EQ(fake_->content(at("ocirun/c2/memory.swap.max")), "1000");
  EXPECT_EQ(fake_->content(at("ocirun/c2/cpu.weight")), "100");
  EXPECT_EQ(fake_->content(at("ocirun/c2/cpu.max")), "5000 100000");
  EXPECT_EQ(fake_->content(at("ocirun/c2/pids.max")), "10");
  EXPECT_EQ(fake_->content(at("ocirun/c2/io.weight")), "1");
  EXPECT_GE(m->clone_into_fd(), 0);
  EXPECT_EQ(m->paths().dirs, (std::map<std::string, std::string>{{"", at("ocirun/c2")}}));
  EXPECT_EQ(m->paths().created.at(""), at("ocirun"));
}

TEST_F(V2ManagerTest, RelativePathGoesBesideOurOwnCgroup) {
  ASSERT_TRUE(fake_->mkdir(at("runtime.slice")).has_value());
  ASSERT_TRUE(fake_->mkdir(at("runtime.slice/me.scope")).has_value());
  auto m = make("ctr", "0::/runtime.slice/me.scope\n");
  ASSERT_TRUE(m->create(nullptr).has_value());
  EXPECT_TRUE(fs::exists(at("runtime.slice/ctr/cgroup.procs")));
  ASSERT_TRUE(m->destroy().has_value());
  EXPECT_FALSE(fs::exists(at("runtime.slice/ctr")));
  EXPECT_TRUE(fs::exists(at("runtime.slice/me.scope")));
}

TEST_F(V2ManagerTest, DevicesBecomeAnAttachedProgram) {
  auto m = make();
  const auto r = resources(R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]})");
  ASSERT_TRUE(m->create(&r).has_value());
  ASSERT_EQ(fake_->programs().size(), 1u);
  EXPECT_EQ(fake_->programs()[0].first, at("ocirun/c2"));
  const DeviceState want = *DeviceState::from_rules(*device_rules_from_oci(r.devices));
  EXPECT_EQ(fake_->programs()[0].second, device_filter_program(want));
}

TEST_F(V2ManagerTest, MissingControllerAndCheckBeforeUpdate) {
  auto m = make();
  ASSERT_TRUE(m->create(nullptr).has_value());
  auto huge = m->update(resources(R"({"hugepageLimits":[{"pageSize":"2MB","limit":1}]})"));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().msg, "$.linux.resources.hugepageLimits: the hugetlb cgroup controller is not available on this host");
  auto low = m->update(resources(R"({"memory":{"limit":1024,"checkBeforeUpdate":true}})"));
  ASSERT_FALSE(low.has_value());
  EXPECT_NE(low.error().msg.find("below the current usage (4096)"), std::string::npos);
  ASSERT_TRUE(m->update(resources(R"({"cpu":{"period":50000}})")).has_value());
  EXPECT_EQ(fake_->content(at("ocirun/c2/cpu.max")), "max 50000");
}

TEST_F(V2ManagerTest, FreezeThawAndSignals) {
  auto m = make();
  ASSERT_TRUE(m->create(nullptr).has_value());
  ASSERT_TRUE(m->freeze().has_value());
  EXPECT_TRUE(*m->frozen());
  ASSERT_TRUE(m->thaw().has_value());
  EXPECT_FALSE(*m->frozen());
  Sleeper s;
  ASSERT_TRUE(m->add_process(s.pid()).has_value());
  ASSERT_TRUE(m->signal_all(SIGTERM).has_value());  // freeze, signal each, thaw
  int status = s.reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  EXPECT_EQ(fake_->writes_to("cgroup.freeze"), (std::vector<std::string>{"1", "0", "1", "0"}));
  Sleeper k;
  ASSERT_TRUE(m->add_process(k.pid()).has_value());
  ASSERT_TRUE(m->signal_all(SIGKILL).has_value());  // cgroup.kill
  EXPECT_EQ(fake_->writes_to("cgroup.kill"), std::vector<std::string>{"1"});
  status = k.reap();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST_F(V2ManagerTest, PidsAreListedRecursively) {
  auto m = make();
  ASSERT_TRUE(m->create(nullptr).has_value());
  Sleeper a, b;
  ASSERT_TRUE(m->add_process(a.pid()).has_value());
  ASSERT_TRUE(m->add_process(b.pid(), "exec/x").has_value() == false);  // only one level is created
  ASSERT_TRUE(m->add_process(b.pid(), "exec").has_value());
  auto pids = m->pids();
  ASSERT_TRUE(pids.has_value());
  EXPECT_EQ(pids->size(), 2u);
}

TEST_F(V2ManagerTest, DestroyLeavesTheTreeAsItWas) {
  auto before = fake_->child_dirs(at(""));
  auto m = make("/deep/er/c2");
  ASSERT_TRUE(m->create(nullptr).has_value());
  Sleeper s;
  ASSERT_TRUE(m->add_process(s.pid()).has_value());
  ASSERT_TRUE(m->add_process(s.pid(), "sub").has_value());
  ASSERT_TRUE(m->destroy().has_value());
  EXPECT_TRUE(WIFSIGNALED(s.reap()));
  EXPECT_EQ(*fake_->child_dirs(at("")), *before);
}

TEST_F(V2ManagerTest, StatsAndOomKills) {
  auto m = make();
  ASSERT_TRUE(m->create(nullptr).has_value());
  fake_->set(at("ocirun/c2/memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
  fake_->set(at("ocirun/c2/io.stat"), "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
  EXPECT_EQ(*m->oom_kill_count(), 1u);
  auto st = m->stats();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->memory.usage.usage, 4096u);
  EXPECT_EQ(st->memory.usage.failcnt, 3u);
  EXPECT_EQ(st->cpu.total_ns, 7000u);
  EXPECT_EQ(st->cpu.kernel_ns, 4000u);
  EXPECT_EQ(st->blkio.service_bytes, (std::vector<BlkioEntry>{{8, 0, "Read", 10}, {8, 0, "Write", 20}}));
  EXPECT_EQ(st->oom_kills, 1u);
}

}  // namespace
}  // namespace rt::cgroups
