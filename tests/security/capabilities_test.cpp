#include "runtime/security/capabilities.hpp"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include <cstdio>

#include "runtime/security/process_security.hpp"
#include "tests/security/child.hpp"

namespace rt::security {
namespace {

using testing::put;
using testing::run_in_child;
using testing::status_field;

constexpr uint64_t bit(int cap) { return 1ull << cap; }

const CapHost kFullHost{40, (1ull << 41) - 1, 0};

std::string hex16(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

Result<CapabilitySets> plan(const oci::Capabilities& c, const CapHost& host, oci::Issues& w) {
  return plan_capabilities(c, host, w);
}

TEST(CapabilitiesPlan, ResolvesEverySetToAMask) {
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  c.permitted = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
  c.effective = {"CAP_KILL"};
  c.inheritable = {"CAP_NET_BIND_SERVICE"};
  c.ambient = {"CAP_NET_BIND_SERVICE"};
  oci::Issues w;
  auto s = plan(c, kFullHost, w);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->bounding, bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE));
  EXPECT_EQ(s->permitted, bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE));
  EXPECT_EQ(s->effective, bit(CAP_KILL));
  EXPECT_EQ(s->inheritable, bit(CAP_NET_BIND_SERVICE));
  EXPECT_EQ(s->ambient, bit(CAP_NET_BIND_SERVICE));
  EXPECT_TRUE(w.empty());
}

TEST(CapabilitiesPlan, CapabilityUnknownToTheKernelIsSkippedWithAWarning) {
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_PERFMON", "CAP_CHECKPOINT_RESTORE"};
  const CapHost old_kernel{37, (1ull << 38) - 1, 0};  // 5.7-era: up to CAP_AUDIT_READ
  oci::Issues w;
  auto s = plan(c, old_kernel, w);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->bounding, bit(CAP_CHOWN));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].path, "$.process.capabilities.bounding[1]");
  EXPECT_NE(w[0].message.find("CAP_PERFMON is unknown to this kernel"), std::string::npos) << w[0].message;
  EXPECT_EQ(w[1].path, "$.process.capabilities.bounding[2]");
  EXPECT_EQ(w[0].severity, oci::Severity::kWarning);
}

TEST(CapabilitiesPlan, CapabilityOutsideTheRuntimesBoundingSetIsAnError) {
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN"};
  c.permitted = {"CAP_CHOWN", "CAP_SYS_RESOURCE"};
  CapHost host = kFullHost;
  host.bounding &= ~bit(CAP_SYS_RESOURCE);
  oci::Issues w;
  auto s = plan(c, host, w);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().msg,
            "$.process.capabilities.permitted[1]: CAP_SYS_RESOURCE is not in the runtime's own bounding set, "
            "so the container cannot have it");
}

TEST(CapabilitiesPlan, ThisHostRefusesCapSysResource) {
  const CapHost host = current_cap_host();
  if (host.bounding & bit(CAP_SYS_RESOURCE)) GTEST_SKIP() << "this host's bounding set has CAP_SYS_RESOURCE";
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_SYS_RESOURCE"};
  oci::Issues w;
  auto s = plan(c, host, w);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().msg.find("$.process.capabilities.bounding[1]: CAP_SYS_RESOURCE"), std::string::npos)
      << s.error().msg;
}

TEST(CapabilitiesPlan, EffectiveMustBePermitted) {
  oci::Capabilities c;
  c.bounding = {"CAP_KILL", "CAP_CHOWN"};
  c.permitted = {"CAP_KILL"};
  c.effective = {"CAP_KILL", "CAP_CHOWN"};
  oci::Issues w;
  auto s = plan(c, kFullHost, w);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().msg, "$.process.capabilities.effective[1]: CAP_CHOWN is effective but not permitted");
}

TEST(CapabilitiesPlan, InheritableMustBeInTheBoundingSetUnlessAlreadyInheritable) {
  oci::Capabilities c;
  c.bounding = {"CAP_KILL"};
  c.inheritable = {"CAP_KILL", "CAP_CHOWN"};
  oci::Issues w;
  auto s = plan(c, kFullHost, w);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().msg,
            "$.process.capabilities.inheritable[1]: CAP_CHOWN is inheritable but not in the "
            "bounding set");
  CapHost inherits = kFullHost;
  inherits.inheritable = bit(CAP_CHOWN);
  EXPECT_TRUE(plan(c, inherits, w));
}

TEST(CapabilitiesPlan, AmbientThatCannotBeRaisedIsDroppedWithAWarning) {
  oci::Capabilities c;
  c.bounding = {"CAP_KILL", "CAP_CHOWN"};
  c.permitted = {"CAP_KILL", "CAP_CHOWN"};
  c.inheritable = {"CAP_KILL"};
  c.ambient = {"CAP_KILL", "CAP_CHOWN"};
  oci::Issues w;
  auto s = plan(c, kFullHost, w);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->ambient, bit(CAP_KILL));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].path, "$.process.capabilities.ambient[1]");
}

TEST(CapabilitiesPlan, UnknownNameIsAnError) {
  oci::Capabilities c;
  c.effective = {"CAP_BOGUS"};
  oci::Issues w;
  auto s = plan(c, kFullHost, w);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().msg, "$.process.capabilities.effective[0]: unknown capability \"CAP_BOGUS\"");
}

// `ocirun check` lists every finding, not only the first error.
TEST(CapabilitiesCheck, ListsEveryFindingInConfigOrder) {
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_BOGUS", "CAP_CHECKPOINT_RESTORE"};
  c.effective = {"CAP_KILL"};
  c.ambient = {"CAP_CHOWN"};
  CapHost host{37, ((1ull << 38) - 1) & ~bit(CAP_SYS_RESOURCE), 0};
  const auto issues = check_capabilities(c, host);
  ASSERT_EQ(issues.size(), 5u);
  EXPECT_EQ(issues[0].path, "$.process.capabilities.bounding[1]");
  EXPECT_TRUE(issues[0].is_error());
  EXPECT_NE(issues[0].message.find("CAP_SYS_RESOURCE is not in the runtime's own bounding set"), std::string::npos);
  EXPECT_EQ(issues[1].path, "$.process.capabilities.bounding[2]");
  EXPECT_EQ(issues[1].message, "unknown capability \"CAP_BOGUS\"");
  EXPECT_EQ(issues[2].path, "$.process.capabilities.bounding[3]");
  EXPECT_FALSE(issues[2].is_error());  // unknown to this kernel: skipped
  EXPECT_EQ(issues[3].path, "$.process.capabilities.effective[0]");
  EXPECT_EQ(issues[3].message, "CAP_KILL is effective but not permitted");
  EXPECT_EQ(issues[4].path, "$.process.capabilities.ambient[0]");
  EXPECT_FALSE(issues[4].is_error());
  // The plan fails on the first error, with its path.
  oci::Issues w;
  auto s = plan(c, host, w);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().msg, issues[0].to_string());
}

TEST(CapabilitiesCheck, AValidConfigHasNoFinding) {
  oci::Capabilities c;
  c.bounding = c.permitted = c.effective = c.inheritable = c.ambient = {"CAP_CHOWN", "CAP_KILL"};
  EXPECT_TRUE(check_capabilities(c, kFullHost).empty());
}

TEST(CapabilitiesPlan, NamesOfAMask) {
  EXPECT_EQ(capability_names(bit(CAP_CHOWN) | bit(CAP_KILL) | bit(40)),
            "CAP_CHOWN,CAP_KILL,CAP_CHECKPOINT_RESTORE");
  EXPECT_EQ(capability_names(0), "");
}

// ---- applied for real in a child -------------------------------------------------------------

void report_status(int out) {
  auto status = fs::read_file("/proc/self/status");
  if (!status) return put(out, "no status\n");
  for (const char* key : {"Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    put(out, std::string(key) + "=" + status_field(*status, key) + "\n");
}

std::string expected_caps(const CapabilitySets& s) {
  return "CapInh=" + hex16(s.inheritable) + "\nCapPrm=" + hex16(s.permitted) +
         "\nCapEff=" + hex16(s.effective) + "\nCapBnd=" + hex16(s.bounding) + "\nCapAmb=" + hex16(s.ambient) +
         "\n";
}

ProcessSecurity with_caps(const CapabilitySets& caps) {
  ProcessSecurity sec;
  sec.caps = caps;
  return sec;
}

TEST(CapabilitiesApply, RootGetsExactlyTheConfiguredSets) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const CapabilitySets caps{bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_SETPCAP) | bit(CAP_NET_RAW),
                            bit(CAP_KILL), bit(CAP_KILL) | bit(CAP_CHOWN), bit(CAP_NET_RAW), 0};
  auto r = run_in_child([&](int out) {
    if (auto a = apply_user_and_caps(with_caps(caps), oci::User{}); !a) testing::put_error(out, a.error());
    report_status(out);
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_NE(r.output.find(expected_caps(caps)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Uid=0\t0\t0\t0\n"), std::string::npos) << r.output;
}

const CapabilitySets kUserCaps{
    bit(CAP_CHOWN) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_KILL), bit(CAP_NET_BIND_SERVICE) | bit(CAP_CHOWN),
    bit(CAP_NET_BIND_SERVICE) | bit(CAP_CHOWN), bit(CAP_NET_BIND_SERVICE), bit(CAP_NET_BIND_SERVICE)};
const oci::User kUser{1000, 1000, std::nullopt, {1001, 1002}};

TEST(CapabilitiesApply, NonRootUserKeepsExactlyTheConfiguredSets) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto r = run_in_child([&](int out) {
    if (auto a = apply_user_and_caps(with_caps(kUserCaps), kUser); !a) testing::put_error(out, a.error());
    report_status(out);
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_NE(r.output.find("Uid=1000\t1000\t1000\t1000\nGid=1000\t1000\t1000\t1000\nGroups=1001 1002\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(expected_caps(kUserCaps)), std::string::npos) << r.output;
}

TEST(CapabilitiesApply, NonRootUserKeepsAmbientCapabilitiesAcrossExec) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (::access("/bin/cat", X_OK) != 0) GTEST_SKIP() << "needs /bin/cat";
  auto r = run_in_child([&](int out) {
    if (auto a = apply_user_and_caps(with_caps(kUserCaps), kUser); !a) testing::put_error(out, a.error());
    ::dup2(out, STDOUT_FILENO);
    ::execl("/bin/cat", "cat", "/proc/self/status", static_cast<char*>(nullptr));
    return 127;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  // Without file capabilities a non-root execve keeps exactly the ambient set
  // as permitted and effective; inheritable and bounding carry over.
  EXPECT_EQ(status_field(r.output, "CapPrm"), hex16(kUserCaps.ambient));
  EXPECT_EQ(status_field(r.output, "CapEff"), hex16(kUserCaps.ambient));
  EXPECT_EQ(status_field(r.output, "CapInh"), hex16(kUserCaps.inheritable));
  EXPECT_EQ(status_field(r.output, "CapBnd"), hex16(kUserCaps.bounding));
  EXPECT_EQ(status_field(r.output, "CapAmb"), hex16(kUserCaps.ambient));
}

TEST(CapabilitiesApply, WithoutCapabilitiesTheUserSwitchDropsThemAsUsual) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto r = run_in_child([&](int out) {
    if (auto a = apply_user_and_caps(ProcessSecurity{}, kUser); !a) testing::put_error(out, a.error());
    report_status(out);
    return 0;
  });
  ASSERT_TRUE(r.exited_ok()) << r.output;
  EXPECT_NE(r.output.find("CapEff=0000000000000000\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Groups=1001 1002\n"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace rt::security
