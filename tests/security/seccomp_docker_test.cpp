// Docker's default profile (spec-fixtures/seccomp/docker-default.json): it
// compiles quickly, the program answers as Docker intends, and a child under
// it runs busybox normally while unshare gets EPERM.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <chrono>
#include <cstdio>

#include "tests/security/bpf_eval.hpp"
#include "tests/security/seccomp_test_util.hpp"

namespace rt::security {
namespace {

using namespace testing;

oci::Seccomp docker_profile() {
  auto s = load_fixture("docker-default.json");
  EXPECT_TRUE(s) << s.error().to_string();
  return s ? *s : oci::Seccomp{};
}

TEST(SeccompDocker, FixtureIsAnOciSeccompObjectOfAbout350Syscalls) {
  const auto s = docker_profile();
  size_t names = 0;
  for (const auto& sc : s.syscalls) names += sc.names.size();
  EXPECT_GT(names, 340u);
  EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s.architectures,
            (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
}

// Compile time is part of every `create`: measure it (plan + kernel checks +
// libseccomp + export + stub), best of several runs and the first one.
TEST(SeccompDocker, CompilesFast) {
  const auto s = docker_profile();
  using Clock = std::chrono::steady_clock;
  double first_ms = 0, best_ms = 1e9;
  size_t insns = 0;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = Clock::now();
    auto p = build_program(s);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    ASSERT_TRUE(p) << p.error().to_string();
    insns = p->filter.size();
    if (i == 0) first_ms = ms;
    best_ms = std::min(best_ms, ms);
  }
  std::printf(
      "[ timing ] docker default profile: %zu BPF instructions, compile first %.2f ms, best %.2f ms\n", insns,
      first_ms, best_ms);
  EXPECT_LT(best_ms, 50.0);
  EXPECT_LE(insns, static_cast<size_t>(BPF_MAXINSNS));
}

TEST(SeccompDocker, ProgramAnswersAsDockerIntends) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "x86_64 syscall numbers";
#endif
  const auto p = program_ok(docker_profile());
  const auto ask = [&](uint32_t arch, const char* name, std::initializer_list<uint64_t> args = {}) {
    const int nr =
        seccomp_syscall_resolve_name_arch(arch == AUDIT_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64, name);
    return bpf_eval(p.filter, syscall_data(arch, nr, args));
  };
  const uint32_t x64 = AUDIT_ARCH_X86_64, i386 = AUDIT_ARCH_I386;
  EXPECT_EQ(ask(x64, "read"), SCMP_ACT_ALLOW);
  EXPECT_EQ(ask(x64, "execve"), SCMP_ACT_ALLOW);
  EXPECT_EQ(ask(x64, "unshare"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(x64, "mount"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(x64, "clone", {SIGCHLD}), SCMP_ACT_ALLOW);
  EXPECT_EQ(ask(x64, "clone", {CLONE_NEWUSER | SIGCHLD}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(x64, "clone3"), SCMP_ACT_ERRNO(ENOSYS));
  EXPECT_EQ(ask(x64, "personality", {0xffffffff}), SCMP_ACT_ALLOW);
  EXPECT_EQ(ask(x64, "personality", {1}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(x64, "socket", {AF_INET}), SCMP_ACT_ALLOW);
  EXPECT_EQ(ask(x64, "socket", {40 /* AF_VSOCK */}), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(i386, "unshare"), SCMP_ACT_ERRNO(EPERM));
  EXPECT_EQ(ask(i386, "read"), SCMP_ACT_ALLOW);
  EXPECT_EQ(bpf_eval(p.filter, syscall_data(x64, 1000)), SCMP_ACT_ERRNO(ENOSYS));
  EXPECT_EQ(bpf_eval(p.filter, syscall_data(i386, 1000)), SCMP_ACT_ERRNO(ENOSYS));
}

TEST(SeccompDocker, BusyboxRunsAndUnshareGetsEperm) {
  const char* busybox = "/usr/bin/busybox";
  if (::access(busybox, X_OK) != 0) GTEST_SKIP() << "needs busybox";
  const auto p = program_ok(docker_profile());
  auto r = run_in_child([&](int out) {
    install_or_die(out, p);
    put(out, "unshare" + outcome(::unshare(CLONE_NEWUTS)) + " future" + outcome(::syscall(1000)) + "\n");
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    const char* script =
        "set -e; ls / >/dev/null; echo hi | tr h H; x=$(cat /proc/self/status | grep ^Seccomp:); echo "
        "\"$x\"; "
        "sleep 0; touch /tmp/.ocirun-seccomp-$$ && rm /tmp/.ocirun-seccomp-$$; (exit 3) || echo sub=$?; "
        "unshare -u true 2>/dev/null || echo unshare-refused";
    ::execl(busybox, "sh", "-c", script, static_cast<char*>(nullptr));
    return 127;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "unshare " + std::to_string(EPERM) + " future " + std::to_string(ENOSYS) +
                          "\nHi\nSeccomp:\t2\nsub=3\nunshare-refused\n");
}

}  // namespace
}  // namespace rt::security
