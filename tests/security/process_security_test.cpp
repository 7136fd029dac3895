// prepare() and the child-side sequence in the order the init and exec paths
// call it (process_security.hpp).
#include "runtime/security/process_security.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <sys/syscall.h>

#include "runtime/security/seccomp.hpp"
#include "tests/security/seccomp_test_util.hpp"

namespace rt::security {
namespace {

using namespace testing;

constexpr uint64_t bit(int cap) { return 1ull << cap; }

const HostFacts kHost{CapHost{40, (1ull << 41) - 1 - bit(CAP_SYS_RESOURCE), 0}, false, false};

oci::Process base_process() {
  oci::Process p;
  p.args = {"/bin/true"};
  p.cwd = "/";
  return p;
}

TEST(Prepare, ComputesEveryAttribute) {
  oci::Process p = base_process();
  p.capabilities = oci::Capabilities{{"CAP_KILL"}, {"CAP_KILL"}, {}, {"CAP_KILL"}, {}};
  p.no_new_privileges = true;
  p.scheduler = oci::Scheduler{"SCHED_BATCH", 3};
  p.io_priority = oci::IoPriority{"IOPRIO_CLASS_BE", 4};
  p.exec_cpu_affinity = oci::CpuAffinity{"0", "0"};
  oci::Linux l;
  l.personality = oci::Personality{"LINUX32", {}};
  l.memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0", {}};
  l.seccomp = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_NOTIFY")});
  l.seccomp->listener_path = "/run/agent.sock";
  l.seccomp->listener_metadata = "meta";
  oci::Issues w;
  auto sec = prepare_with(p, &l, kHost, w);
  ASSERT_TRUE(sec) << sec.error().to_string();
  EXPECT_EQ(sec->caps, (CapabilitySets{bit(CAP_KILL), bit(CAP_KILL), bit(CAP_KILL), 0, 0}));
  EXPECT_TRUE(sec->no_new_privileges);
  EXPECT_EQ(sec->scheduler->sched_nice, 3);
  EXPECT_EQ(sec->io_priority, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4));
  EXPECT_TRUE(sec->affinity_initial && sec->affinity_final);
  EXPECT_EQ(sec->personality, 8u);
  EXPECT_EQ(sec->memory_policy, (MemPolicy{2, {1}}));
  ASSERT_TRUE(sec->seccomp);
  EXPECT_TRUE(sec->seccomp->notify());
  EXPECT_EQ(sec->seccomp->listener_path, "/run/agent.sock");
  EXPECT_EQ(sec->seccomp->listener_metadata, "meta");
  EXPECT_TRUE(w.empty());
}

TEST(Prepare, ErrorsNameTheJsonPath) {
  const auto error = [](const oci::Process& p, const oci::Linux* l = nullptr) {
    oci::Issues w;
    auto sec = prepare_with(p, l, kHost, w);
    return sec ? std::string("(no error)") : sec.error().msg;
  };
  oci::Process p = base_process();
  p.capabilities = oci::Capabilities{{"CAP_CHOWN", "CAP_SYS_RESOURCE"}, {}, {}, {}, {}};
  EXPECT_EQ(error(p),
            "$.process.capabilities.bounding[1]: CAP_SYS_RESOURCE is not in the runtime's own "
            "bounding set, so the container cannot have it");
  p = base_process();
  p.apparmor_profile = "docker-default";
  EXPECT_EQ(error(p), "$.process.apparmorProfile: AppArmor is not enabled on this host");
  p = base_process();
  p.selinux_label = "system_u:system_r:container_t:s0";
  EXPECT_EQ(error(p), "$.process.selinuxLabel: SELinux is not enabled on this host");
  p = base_process();
  p.exec_cpu_affinity = oci::CpuAffinity{"", "0-2000"};
  EXPECT_EQ(error(p), "$.process.execCPUAffinity.final: 2000 is out of range (at most 1023)");
  oci::Linux l;
  l.seccomp = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_KILL", {}, 3)});
  EXPECT_EQ(error(base_process(), &l),
            "$.linux.seccomp.syscalls[0].action: SCMP_ACT_KILL takes no errnoRet (only SCMP_ACT_ERRNO and "
            "SCMP_ACT_TRACE do)");
}

TEST(Prepare, OnThisHostCapSysResourceAndAppArmorAreClearErrors) {
  const HostFacts host = current_host_facts();
  oci::Process p = base_process();
  p.capabilities = oci::Capabilities{{"CAP_SYS_RESOURCE"}, {}, {}, {}, {}};
  auto sec = prepare(p, nullptr);
  if (host.caps.bounding & bit(CAP_SYS_RESOURCE)) {
    EXPECT_TRUE(sec);
  } else {
    ASSERT_FALSE(sec);
    EXPECT_EQ(sec.error().msg.rfind("$.process.capabilities.bounding[0]: CAP_SYS_RESOURCE is not in", 0), 0u);
  }
  p = base_process();
  p.apparmor_profile = "unconfined";
  sec = prepare(p, nullptr);
  if (!host.apparmor_enabled) {
    ASSERT_FALSE(sec);
    EXPECT_EQ(sec.error().msg, "$.process.apparmorProfile: AppArmor is not enabled on this host");
  }
}

// ---- the child-side sequence ---------------------------------------------------------------------

void run_or_die(int out, const Result<>& r) {
  if (!r) put_error(out, r.error());
}

const CapabilitySets kCaps{bit(CAP_NET_BIND_SERVICE) | bit(CAP_KILL), bit(CAP_NET_BIND_SERVICE),
                           bit(CAP_NET_BIND_SERVICE), bit(CAP_NET_BIND_SERVICE), bit(CAP_NET_BIND_SERVICE)};

ProcessSecurity docker_like(bool no_new_privs) {
  auto s = load_fixture("docker-default.json");
  EXPECT_TRUE(s) << s.error().to_string();
  ProcessSecurity sec;
  sec.caps = kCaps;
  sec.no_new_privileges = no_new_privs;
  sec.seccomp = std::make_shared<const SeccompProgram>(program_ok(*s));
  sec.io_priority = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 6);
  return sec;
}

// The init's tail: attributes, seccomp early or late, user and caps, exec.
ChildResult run_sequence(const ProcessSecurity& sec) {
  return run_in_child([&](int out) {
    run_or_die(out, apply_attributes(sec));
    if (!sec.no_new_privileges) {
      auto fd = load_seccomp(sec);
      if (!fd) put_error(out, fd.error());
    }
    run_or_die(out, apply_user_and_caps(sec, oci::User{1000, 1000, std::nullopt, {1000}}));
    if (sec.no_new_privileges) {
      run_or_die(out, set_no_new_privs());
      auto fd = load_seccomp(sec);
      if (!fd) put_error(out, fd.error());
    }
    run_or_die(out, apply_final_affinity(sec));
    ::dup2(out, STDOUT_FILENO);
    ::execl("/bin/cat", "cat", "/proc/self/status", static_cast<char*>(nullptr));
    return 127;
  });
}

void expect_container_status(const ChildResult& r, bool no_new_privs) {
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(status_field(r.output, "Uid"), "1000\t1000\t1000\t1000");
  EXPECT_EQ(status_field(r.output, "NoNewPrivs"), no_new_privs ? "1" : "0");
  EXPECT_EQ(status_field(r.output, "Seccomp"), "2");
  EXPECT_EQ(status_field(r.output, "CapEff"), "0000000000000400");  // CAP_NET_BIND_SERVICE, ambient
  EXPECT_EQ(status_field(r.output, "CapBnd"), "0000000000000420");
}

TEST(ProcessSecuritySequence, WithNoNewPrivsSeccompIsLoadedLast) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  expect_container_status(run_sequence(docker_like(true)), true);
}

TEST(ProcessSecuritySequence, WithoutNoNewPrivsSeccompIsLoadedBeforeTheCapabilitiesDrop) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  expect_container_status(run_sequence(docker_like(false)), false);
}

TEST(ProcessSecuritySequence, AttributesResetANarrowedAffinityByDefault) {
  if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
  auto r = run_in_child([](int out) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    ::sched_setaffinity(0, sizeof one, &one);
    run_or_die(out, apply_attributes(ProcessSecurity{}));
    cpu_set_t now;
    ::sched_getaffinity(0, sizeof now, &now);
    put(out, std::to_string(CPU_COUNT(&now)));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST(ProcessSecuritySequence, NoNewPrivsIsVisibleInProcStatus) {
  auto r = run_in_child([](int out) {
    run_or_die(out, set_no_new_privs());
    put(out, status_field(fs::read_file("/proc/self/status").value_or(""), "NoNewPrivs"));
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_EQ(r.output, "1");
}

}  // namespace
}  // namespace rt::security
