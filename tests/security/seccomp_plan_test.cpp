// Table tests of the PURE translation linux.seccomp -> SeccompPlan and of
// the -ENOSYS stub.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <seccomp.h>

#include "runtime/security/seccomp.hpp"
#include "tests/security/bpf_eval.hpp"

namespace rt::security {
namespace {

using testing::bpf_eval;
using testing::syscall_data;

oci::SeccompSyscall call(std::vector<std::string> names, std::string action,
                         std::vector<oci::SeccompArg> args = {},
                         std::optional<uint32_t> errno_ret = std::nullopt) {
  return oci::SeccompSyscall{std::move(names), std::move(action), errno_ret, std::move(args)};
}

oci::Seccomp profile(std::string default_action, std::vector<oci::SeccompSyscall> calls = {}) {
  oci::Seccomp s;
  s.default_action = std::move(default_action);
  s.syscalls = std::move(calls);
  return s;
}

SeccompPlan plan_ok(const oci::Seccomp& s, oci::Issues* warnings = nullptr) {
  oci::Issues w;
  auto p = plan_seccomp(s, warnings ? *warnings : w);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().to_string());
  return p ? *p : SeccompPlan{};
}

std::string plan_error(const oci::Seccomp& s) {
  oci::Issues w;
  auto p = plan_seccomp(s, w);
  return p ? std::string("(no error)") : p.error().msg;
}

TEST(SeccompAction, TranslatesEveryActionAndErrno) {
  struct Case {
    const char* name;
    std::optional<uint32_t> errno_ret;
    uint32_t want;
  };
  const Case cases[] = {
      {"SCMP_ACT_KILL", {}, SCMP_ACT_KILL_THREAD},
      {"SCMP_ACT_KILL_THREAD", {}, SCMP_ACT_KILL_THREAD},
      {"SCMP_ACT_KILL_PROCESS", {}, SCMP_ACT_KILL_PROCESS},
      {"SCMP_ACT_TRAP", {}, SCMP_ACT_TRAP},
      {"SCMP_ACT_ERRNO", {}, SCMP_ACT_ERRNO(EPERM)},
      {"SCMP_ACT_ERRNO", 42, SCMP_ACT_ERRNO(42)},
      {"SCMP_ACT_ERRNO", 0, SCMP_ACT_ERRNO(0)},
      {"SCMP_ACT_TRACE", {}, SCMP_ACT_TRACE(EPERM)},
      {"SCMP_ACT_TRACE", 7, SCMP_ACT_TRACE(7)},
      {"SCMP_ACT_ALLOW", {}, SCMP_ACT_ALLOW},
      {"SCMP_ACT_LOG", {}, SCMP_ACT_LOG},
      {"SCMP_ACT_NOTIFY", {}, SCMP_ACT_NOTIFY},
  };
  for (const auto& c : cases) {
    auto a = seccomp_action(c.name, c.errno_ret, "$.x");
    ASSERT_TRUE(a) << c.name << ": " << a.error().to_string();
    EXPECT_EQ(*a, c.want) << c.name;
  }
}

TEST(SeccompAction, ErrnoRetOnlyWithErrnoOrTraceAndMustFit) {
  EXPECT_EQ(seccomp_action("SCMP_ACT_ALLOW", 1, "$.p").error().msg,
            "$.p: SCMP_ACT_ALLOW takes no errnoRet (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)");
  EXPECT_FALSE(seccomp_action("SCMP_ACT_KILL", 1, "$.p"));
  EXPECT_EQ(seccomp_action("SCMP_ACT_ERRNO", 70000, "$.p").error().msg,
            "$.p: errnoRet 70000 does not fit in 16 bits");
  EXPECT_EQ(seccomp_action("SCMP_ACT_BOGUS", {}, "$.p").error().msg,
            "$.p: unknown seccomp action \"SCMP_ACT_BOGUS\"");
}

TEST(SeccompPlan, DefaultActionAndDefaultErrno) {
  auto s = profile("SCMP_ACT_ERRNO");
  s.default_errno_ret = 38;
  EXPECT_EQ(plan_ok(s).default_action, SCMP_ACT_ERRNO(38));
  s.default_action = "SCMP_ACT_ALLOW";
  EXPECT_EQ(plan_error(s),
            "$.linux.seccomp.defaultAction: SCMP_ACT_ALLOW takes no errnoRet (only SCMP_ACT_ERRNO "
            "and SCMP_ACT_TRACE do)");
  EXPECT_EQ(plan_error(profile("SCMP_ACT_NOTIFY")),
            "$.linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
}

TEST(SeccompPlan, OneRulePerNameAndTheDefaultActionIsNotRepeated) {
  const auto p = plan_ok(profile(
      "SCMP_ACT_ERRNO", {call({"read", "write"}, "SCMP_ACT_ALLOW"), call({"unshare"}, "SCMP_ACT_ERRNO")}));
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0], (SeccompRule{"read", SCMP_ACT_ALLOW, {}}));
  EXPECT_EQ(p.rules[1], (SeccompRule{"write", SCMP_ACT_ALLOW, {}}));
  // unshare's rule is the default action: left out, but its name still counts for the stub.
  EXPECT_EQ(p.syscall_names, (std::vector<std::string>{"read", "write", "unshare"}));
}

TEST(SeccompPlan, EveryOperator) {
  const std::pair<const char*, int> ops[] = {{"SCMP_CMP_NE", SCMP_CMP_NE},
                                             {"SCMP_CMP_LT", SCMP_CMP_LT},
                                             {"SCMP_CMP_LE", SCMP_CMP_LE},
                                             {"SCMP_CMP_EQ", SCMP_CMP_EQ},
                                             {"SCMP_CMP_GE", SCMP_CMP_GE},
                                             {"SCMP_CMP_GT", SCMP_CMP_GT},
                                             {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (const auto& [name, op] : ops) {
    const auto p =
        plan_ok(profile("SCMP_ACT_ALLOW", {call({"personality"}, "SCMP_ACT_ERRNO", {{0, 8, 9, name}})}));
    ASSERT_EQ(p.rules.size(), 1u) << name;
    EXPECT_EQ(p.rules[0].conditions, (std::vector<SeccompCondition>{{0, op, 8, 9}})) << name;
  }
  EXPECT_EQ(plan_error(profile("SCMP_ACT_ALLOW",
                               {call({"personality"}, "SCMP_ACT_ERRNO", {{0, 1, 0, "SCMP_CMP_XX"}})})),
            "$.linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\"");
  EXPECT_EQ(plan_error(profile("SCMP_ACT_ALLOW",
                               {call({"personality"}, "SCMP_ACT_ERRNO", {{6, 1, 0, "SCMP_CMP_EQ"}})})),
            "$.linux.seccomp.syscalls[0].args[0].index: must be in [0, 5], got 6");
}

TEST(SeccompPlan, ArgsOnDistinctIndexesAreAndedInOneRule) {
  const auto p = plan_ok(profile(
      "SCMP_ACT_ALLOW",
      {call({"getpriority"}, "SCMP_ACT_ERRNO", {{0, 0, 0, "SCMP_CMP_EQ"}, {1, 1234, 0, "SCMP_CMP_EQ"}})}));
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].conditions.size(), 2u);
}

TEST(SeccompPlan, ARepeatedIndexSplitsIntoOneRulePerArgLikeRunc) {
  const auto p = plan_ok(profile(
      "SCMP_ACT_ALLOW",
      {call({"personality"}, "SCMP_ACT_ERRNO", {{0, 1, 0, "SCMP_CMP_EQ"}, {0, 2, 0, "SCMP_CMP_EQ"}})}));
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].conditions, (std::vector<SeccompCondition>{{0, SCMP_CMP_EQ, 1, 0}}));
  EXPECT_EQ(p.rules[1].conditions, (std::vector<SeccompCondition>{{0, SCMP_CMP_EQ, 2, 0}}));
}

TEST(SeccompPlan, Architectures) {
  auto s = profile("SCMP_ACT_ALLOW");
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86"};
  EXPECT_EQ(plan_ok(s).architectures,
            (std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32}));
  s.architectures = {"SCMP_ARCH_Z80"};
  EXPECT_EQ(plan_error(s),
            "$.linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\"");
}

TEST(SeccompPlan, Flags) {
  auto s = profile("SCMP_ACT_ALLOW");
  s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  EXPECT_EQ(plan_ok(s).flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  s.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
  EXPECT_EQ(plan_error(s), "$.linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
}

TEST(SeccompPlan, NotifyAddsTheListenerFlagAndKeepsWaitKillable) {
  auto s = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_NOTIFY")});
  s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"};
  EXPECT_EQ(plan_ok(s).flags, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

TEST(SeccompPlan, WaitKillableWithoutNotifyIsIgnoredWithAWarning) {
  auto s = profile("SCMP_ACT_ALLOW");
  s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  oci::Issues w;
  EXPECT_EQ(plan_ok(s, &w).flags, 0u);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].path, "$.linux.seccomp.flags");
}

TEST(SeccompPlan, NotifyOnTheFdHandoverSyscallsIsRefused) {
  EXPECT_EQ(
      plan_error(profile("SCMP_ACT_ALLOW", {call({"getppid", "sendmsg"}, "SCMP_ACT_NOTIFY")})),
      "$.linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for \"sendmsg\": the container "
      "init needs it to hand the notify fd to the runtime");
  EXPECT_NE(plan_error(profile("SCMP_ACT_ALLOW", {call({"write"}, "SCMP_ACT_NOTIFY")})), "(no error)");
}

TEST(SeccompPlan, EnosysStubOnlyWhenTheDefaultDenies) {
  const std::pair<const char*, bool> cases[] = {{"SCMP_ACT_ERRNO", true},        {"SCMP_ACT_KILL", true},
                                                {"SCMP_ACT_KILL_PROCESS", true}, {"SCMP_ACT_TRAP", true},
                                                {"SCMP_ACT_ALLOW", false},       {"SCMP_ACT_LOG", false},
                                                {"SCMP_ACT_TRACE", false}};
  for (const auto& [action, stub] : cases) EXPECT_EQ(plan_ok(profile(action)).enosys_stub, stub) << action;
  auto enosys = profile("SCMP_ACT_ERRNO");
  enosys.default_errno_ret = ENOSYS;  // the default already says ENOSYS
  EXPECT_FALSE(plan_ok(enosys).enosys_stub);
}

// ---- the stub -----------------------------------------------------------------------------------

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t kX32 = 0x40000000u;

std::vector<sock_filter> stub_then_allow(std::vector<EnosysArch> arches) {
  auto stub = enosys_stub(arches);
  EXPECT_TRUE(stub) << stub.error().to_string();
  auto prog = stub ? *stub : std::vector<sock_filter>{};
  prog.push_back(BPF_STMT(BPF_RET | BPF_K, kAllow));
  return prog;
}

TEST(EnosysStub, NumbersAboveTheProfilesLargestGetEnosysPerArchitecture) {
  const auto prog =
      stub_then_allow({{AUDIT_ARCH_X86_64, 300, kX32 | 200, false}, {AUDIT_ARCH_I386, 400, {}, false}});
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, 300)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, 301)), kEnosys);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, 0)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, kX32 | 200)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, kX32 | 201)), kEnosys);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_I386, 400)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_I386, 401)), kEnosys);
  // An architecture the stub does not know falls through to the filter.
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_AARCH64, 999)), kAllow);
}

TEST(EnosysStub, X32CallsGoToTheFilterWhenTheProfileHasNoX32) {
  const auto prog = stub_then_allow({{AUDIT_ARCH_X86_64, 300, {}, false}});
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, kX32 | 999)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, 999)), kEnosys);
}

TEST(EnosysStub, S390MultiplexerNumberZeroGetsEnosys) {
  const auto prog = stub_then_allow({{AUDIT_ARCH_S390X, 400, {}, true}});
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_S390X, 0)), kEnosys);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_S390X, 1)), kAllow);
}

TEST(EnosysStub, EveryArchitectureFitsTheShortJumps) {
  std::vector<EnosysArch> all;
  for (uint32_t i = 0; i < 23; ++i) all.push_back({0x1000 + i, 100 + i, {}, i % 2 == 0});
  all.push_back({AUDIT_ARCH_X86_64, 300, kX32 | 300, false});
  const auto prog = stub_then_allow(all);
  EXPECT_EQ(bpf_eval(prog, syscall_data(0x1000 + 22, 122)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(0x1000 + 22, 123)), kEnosys);
  EXPECT_EQ(bpf_eval(prog, syscall_data(0x1000 + 22, 0)), kEnosys);
  EXPECT_EQ(bpf_eval(prog, syscall_data(0x1000 + 21, 0)), kAllow);
  EXPECT_EQ(bpf_eval(prog, syscall_data(AUDIT_ARCH_X86_64, kX32 | 301)), kEnosys);
}

TEST(EnosysStub, ArchesFromThePlanIncludeNativeAndFoldX32IntoX86_64) {
  SeccompPlan plan;
  plan.architectures = {SCMP_ARCH_X86, SCMP_ARCH_X32};
  plan.syscall_names = {"read", "unshare", "no_such_syscall", "socketcall"};
  const auto arches = enosys_arches(plan);
  ASSERT_EQ(arches.size(), 2u);
  // std::map order: AUDIT_ARCH_I386 (0x40000003) before AUDIT_ARCH_X86_64 (0xc000003e).
  EXPECT_EQ(arches[0].audit_arch, AUDIT_ARCH_I386);
  EXPECT_EQ(arches[0].max_nr, 310u);  // unshare on i386
  EXPECT_EQ(arches[1].audit_arch, AUDIT_ARCH_X86_64);
  EXPECT_EQ(arches[1].max_nr, 272u);  // unshare on x86_64; socketcall does not exist there
  EXPECT_EQ(arches[1].max_x32_nr, kX32 | 272u);
}

}  // namespace
}  // namespace rt::security
