// Seccomp programs compiled by libseccomp: their answers checked with the
// BPF interpreter, then installed for real in forked children.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cstdio>

#include "tests/security/bpf_eval.hpp"
#include "tests/security/seccomp_test_util.hpp"

namespace rt::security {
namespace {

using namespace testing;

const int kPersonality = seccomp_syscall_resolve_name("personality");
const uint32_t kNative = seccomp_arch_native();

std::optional<uint32_t> answer(const SeccompProgram& p, int nr, std::initializer_list<uint64_t> args) {
  return bpf_eval(p.filter, syscall_data(kNative, nr, args));
}

TEST(SeccompCompile, EveryOperatorMatchesAsTheSpecSays) {
  struct Case {
    const char* op;
    uint64_t value, value_two;
    std::vector<std::pair<uint64_t, bool>> args;  // arg0 -> blocked?
  };
  const Case cases[] = {
      {"SCMP_CMP_EQ", 5, 0, {{5, true}, {4, false}, {0x100000005ull, false}}},
      {"SCMP_CMP_NE", 5, 0, {{5, false}, {4, true}, {0x100000005ull, true}}},
      {"SCMP_CMP_LT", 5, 0, {{4, true}, {5, false}, {6, false}}},
      {"SCMP_CMP_LE", 5, 0, {{4, true}, {5, true}, {6, false}}},
      {"SCMP_CMP_GT", 5, 0, {{4, false}, {5, false}, {6, true}, {0x100000000ull, true}}},
      {"SCMP_CMP_GE", 5, 0, {{4, false}, {5, true}, {6, true}}},
      {"SCMP_CMP_MASKED_EQ",
       0xff00,
       0x1200,
       {{0x1234, true}, {0x12ff, true}, {0x1300, false}, {0x34, false}}},
  };
  for (const auto& c : cases) {
    const auto p = program_ok(profile(
        "SCMP_ACT_ALLOW", {call({"personality"}, "SCMP_ACT_ERRNO", {{0, c.value, c.value_two, c.op}}, 99)}));
    for (const auto& [arg, blocked] : c.args)
      EXPECT_EQ(answer(p, kPersonality, {arg}), blocked ? SCMP_ACT_ERRNO(99) : SCMP_ACT_ALLOW)
          << c.op << " arg " << arg;
  }
}

TEST(SeccompCompile, ArgsOnDistinctIndexesMustAllMatch) {
  const int nr = seccomp_syscall_resolve_name("getpriority");
  const auto p = program_ok(
      profile("SCMP_ACT_ALLOW", {call({"getpriority"}, "SCMP_ACT_ERRNO",
                                      {{0, PRIO_PROCESS, 0, "SCMP_CMP_EQ"}, {1, 1234, 0, "SCMP_CMP_EQ"}})}));
  EXPECT_EQ(answer(p, nr, {PRIO_PROCESS, 1234}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(answer(p, nr, {PRIO_PROCESS, 0}), SCMP_ACT_ALLOW);
  EXPECT_EQ(answer(p, nr, {PRIO_PGRP, 1234}), SCMP_ACT_ALLOW);
}

TEST(SeccompCompile, ARepeatedIndexMatchesAnyOfItsArgs) {
  const auto p = program_ok(profile(
      "SCMP_ACT_ALLOW",
      {call({"personality"}, "SCMP_ACT_ERRNO", {{0, 1, 0, "SCMP_CMP_EQ"}, {0, 2, 0, "SCMP_CMP_EQ"}})}));
  EXPECT_EQ(answer(p, kPersonality, {1}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(answer(p, kPersonality, {2}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(answer(p, kPersonality, {3}), SCMP_ACT_ALLOW);
}

TEST(SeccompCompile, UnknownSyscallNamesAreSkipped) {
  const auto p =
      program_ok(profile("SCMP_ACT_ALLOW", {call({"no_such_syscall", "uname"}, "SCMP_ACT_ERRNO")}));
  EXPECT_EQ(answer(p, seccomp_syscall_resolve_name("uname"), {}), SCMP_ACT_ERRNO(EPERM));
}

TEST(SeccompCompile, ThisKernelSupportsTheFlagsItIsAskedFor) {
  auto s = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_NOTIFY")});
  s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"};
  const auto p = program_ok(s);
  EXPECT_EQ(p.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
                         SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

// ---- installed in a child ------------------------------------------------------------------------

TEST(SeccompLoad, ErrnoActionReturnsTheConfiguredErrno) {
  const auto p = program_ok(profile("SCMP_ACT_ALLOW", {call({"uname"}, "SCMP_ACT_ERRNO", {}, 42)}));
  auto r = run_in_child([&](int out) {
    install_or_die(out, p);
    utsname u;
    put(out, "uname" + outcome(::uname(&u)) + " getppid" + outcome(::syscall(SYS_getppid)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "uname 42 getppid ok");
}

TEST(SeccompLoad, ArgsFilterBlocksOnlyTheMatchingValue) {
  const auto p = program_ok(profile(
      "SCMP_ACT_ALLOW", {call({"personality"}, "SCMP_ACT_ERRNO", {{0, 0xffffffffu, 0, "SCMP_CMP_EQ"}})}));
  auto r = run_in_child([&](int out) {
    install_or_die(out, p);
    put(out, "query" + outcome(::syscall(SYS_personality, 0xffffffffu)) + " set" +
                 outcome(::syscall(SYS_personality, PER_LINUX)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "query " + std::to_string(EPERM) + " set ok");
}

TEST(SeccompLoad, KillAndTrapActionsEndTheProcessWithSigsys) {
  for (const char* action :
       {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP"}) {
    const auto p = program_ok(profile("SCMP_ACT_ALLOW", {call({"getppid"}, action)}));
    auto r = run_in_child([&](int out) {
      install_or_die(out, p);
      ::syscall(SYS_getppid);
      put(out, "survived");
      return 0;
    });
    EXPECT_TRUE(r.killed_by(SIGSYS)) << action << ": status " << r.status << " " << r.output;
  }
}

TEST(SeccompLoad, TraceWithoutATracerFailsWithEnosysAndLogAllows) {
  const auto p = program_ok(profile(
      "SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_TRACE", {}, 5), call({"getpgrp"}, "SCMP_ACT_LOG")}));
  auto r = run_in_child([&](int out) {
    install_or_die(out, p);
    put(out, "trace" + outcome(::syscall(SYS_getppid)) + " log" + outcome(::syscall(SYS_getpgrp)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "trace " + std::to_string(ENOSYS) + " log ok");
}

#if defined(__x86_64__)
// int $0x80 from 64-bit code enters the kernel through the i386 ABI.
long i386_syscall(long nr, long arg = 0) {
  long ret;
  asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(arg) : "memory", "cc");
  return static_cast<int>(ret);
}

TEST(SeccompLoad, SyscallsNewerThanTheProfileGetEnosysOthersTheDefault) {
  auto s =
      profile("SCMP_ACT_ERRNO",
              {call({"write", "exit_group", "exit", "brk", "mmap", "munmap", "getppid"}, "SCMP_ACT_ALLOW"),
               // Named with the default action: not a rule, but the profile knows
               // unshare, so the largest number it names is unshare's.
               call({"unshare"}, "SCMP_ACT_ERRNO")});
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
  const auto p = program_ok(s);
  const bool has_ia32 = i386_syscall(20 /* i386 getpid */) > 0;
  auto r = run_in_child([&](int out) {
    install_or_die(out, p);
    put(out, "unshare" + outcome(::syscall(SYS_unshare, CLONE_NEWUTS)) + " getuid" +
                 outcome(::syscall(SYS_getuid)) + " pidfd_open" + outcome(::syscall(SYS_pidfd_open, 1, 0)) +
                 " 1000" + outcome(::syscall(1000)));
    if (has_ia32)
      put(out, " i386:unshare " + std::to_string(-i386_syscall(310, CLONE_NEWUTS)) + " i386:500 " +
                   std::to_string(-i386_syscall(500)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  const std::string eperm = std::to_string(EPERM), enosys = std::to_string(ENOSYS);
  std::string want = "unshare " + eperm + " getuid " + eperm + " pidfd_open " + enosys + " 1000 " + enosys;
  if (has_ia32) want += " i386:unshare " + eperm + " i386:500 " + enosys;
  EXPECT_EQ(r.output, want);
  if (!has_ia32) std::printf("note: no IA32 emulation, the i386 half was not run\n");
}
#endif  // __x86_64__

TEST(SeccompLoad, WithoutNoNewPrivsOrCapSysAdminLoadingIsRefusedClearly) {
  const auto p = program_ok(profile("SCMP_ACT_ALLOW"));
  auto r = run_in_child([&](int out) {
    // Drop CAP_SYS_ADMIN from the effective set only.
    if (::geteuid() == 0 && ::setresuid(65534, 65534, 65534) < 0) return 3;
    auto fd = load_seccomp_program(p);
    put(out, fd ? "loaded" : fd.error().to_string());
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_NE(r.output.find("needs no_new_privs or CAP_SYS_ADMIN"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace rt::security
