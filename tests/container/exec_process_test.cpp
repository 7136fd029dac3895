// What exec runs: flags applied over the container's process, or a
// process.json with the container's settings where it is silent.
#include "runtime/container/exec_process.hpp"

#include <gtest/gtest.h>

namespace rt::container {
namespace {

oci::Process container_process() {
  oci::Process p;
  p.args = {"sleep", "1000"};
  p.env = {"PATH=/bin", "FOO=container"};
  p.cwd = "/";
  p.capabilities = oci::Capabilities{{"CAP_KILL"}, {"CAP_KILL"}, {}, {"CAP_KILL"}, {}};
  p.rlimits = {{"RLIMIT_NOFILE", 512, 512}};
  p.oom_score_adj = 100;
  p.terminal = true;
  return p;
}

TEST(ExecProcess, FlagsApplyOverTheContainersProcess) {
  const auto base = container_process();
  ExecProcessFlags f;
  f.args = {"id"};
  f.cwd = "/tmp";
  f.env = {"FOO=flag", "BAR=1"};
  f.user = "1000:2000";
  f.additional_gids = {"5"};
  f.caps = {"CAP_SYS_ADMIN"};
  f.no_new_privs = true;
  auto p = exec_process(&base, f, "", "");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->args, std::vector<std::string>{"id"});
  EXPECT_EQ(p->cwd, "/tmp");
  EXPECT_EQ(p->env, (std::vector<std::string>{"PATH=/bin", "FOO=flag", "BAR=1"}));
  EXPECT_EQ(p->user.uid, 1000u);
  EXPECT_EQ(p->user.gid, 2000u);
  EXPECT_EQ(p->user.additional_gids, std::vector<uint32_t>{5});
  EXPECT_EQ(p->capabilities->bounding, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(p->capabilities->effective, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(p->capabilities->permitted, (std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"}));
  EXPECT_TRUE(p->capabilities->ambient.empty());
  EXPECT_TRUE(p->no_new_privileges);
  EXPECT_EQ(p->rlimits, base.rlimits);
  // Only the init's: no terminal unless --tty, no oom_score_adj.
  EXPECT_FALSE(p->terminal);
  EXPECT_FALSE(p->oom_score_adj);
}

TEST(ExecProcess, BadFlagsAreRefused) {
  const auto base = container_process();
  ExecProcessFlags f;
  EXPECT_FALSE(exec_process(&base, f, "", ""));  // no command
  f.args = {"true"};
  f.user = "alice";
  auto p = exec_process(&base, f, "", "");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().to_string().find("--user"), std::string::npos);
  f.user.clear();
  f.env = {"NOVALUE"};
  EXPECT_FALSE(exec_process(&base, f, "", ""));
  f.env.clear();
  f.cwd = "relative";
  p = exec_process(&base, f, "", "");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().to_string().find("$.cwd"), std::string::npos);
}

TEST(ExecProcess, ProcessDocumentGetsTheContainersSettingsWhereSilent) {
  const auto base = container_process();
  ExecProcessFlags ignored;
  ignored.args = {"ignored"};
  ignored.cwd = "/ignored";
  auto p = exec_process(&base, ignored, R"({"args":["sh"],"cwd":"/etc","env":["A=b"],"terminal":true})", "p.json");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->args, std::vector<std::string>{"sh"});
  EXPECT_EQ(p->cwd, "/etc");
  EXPECT_EQ(p->env, std::vector<std::string>{"A=b"});
  EXPECT_TRUE(p->terminal);
  EXPECT_EQ(p->capabilities, base.capabilities);
  EXPECT_EQ(p->rlimits, base.rlimits);

  p = exec_process(&base, ignored, R"({"args":"sh","cwd":"/"})", "p.json");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().to_string().find("p.json: $.args"), std::string::npos) << p.error().to_string();
}

TEST(ExecProcess, SetEnvReplacesTheKeyOnly) {
  std::vector<std::string> env = {"FOO=1", "FOOBAR=2"};
  set_env(env, "FOO=3");
  set_env(env, "BAZ=4");
  EXPECT_EQ(env, (std::vector<std::string>{"FOO=3", "FOOBAR=2", "BAZ=4"}));
}

}  // namespace
}  // namespace rt::container
