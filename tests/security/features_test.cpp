// `ocirun features`, security part: every name it lists must be one the
// planners accept (the lists come from the same tables), and the kernel
// probes decide what is "supported".
#include "runtime/security/features.hpp"

#include <gtest/gtest.h>
#include <linux/seccomp.h>

#include <algorithm>

#include "oci/names.hpp"
#include "runtime/security/capabilities.hpp"
#include "runtime/security/mempolicy.hpp"
#include "runtime/security/seccomp.hpp"

namespace rt::security {
namespace {

bool has(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

const SeccompProbe kEverything{[](uint32_t) { return true; }, [](uint32_t) { return true; }};

oci::Features::Linux described(bool seccomp = true, const SeccompProbe& probe = kEverything) {
  oci::Features::Linux l;
  describe_features(l, seccomp, probe);
  return l;
}

std::string plan_error(const oci::Seccomp& s) {
  oci::Issues warnings;
  auto p = plan_seccomp(s, warnings);
  if (!p) return p.error().to_string();
  return warnings.empty() ? "" : warnings.front().to_string();
}

oci::Seccomp allow_all() {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  return s;
}

TEST(SecurityFeatures, EveryListedCapabilityIsPlannedWithoutWarning) {
  const auto l = described();
  EXPECT_EQ(l.capabilities.size(), oci::names::capabilities().size());
  EXPECT_TRUE(has(l.capabilities, "CAP_CHOWN"));
  EXPECT_TRUE(has(l.capabilities, "CAP_CHECKPOINT_RESTORE"));
  oci::Capabilities caps;
  caps.bounding = caps.permitted = caps.effective = l.capabilities;
  CapHost host;
  host.last_cap = 63;
  oci::Issues warnings;
  auto plan = plan_capabilities(caps, host, warnings);
  ASSERT_TRUE(plan) << plan.error().to_string();
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(std::popcount(plan->bounding), static_cast<int>(l.capabilities.size()));
}

TEST(SecurityFeatures, EverySeccompNameListedIsAcceptedByThePlanner) {
  const auto l = described();
  ASSERT_TRUE(l.seccomp.enabled);
  EXPECT_EQ(l.seccomp.actions.size(), oci::names::seccomp_actions().size());
  for (const auto& action : l.seccomp.actions) {
    oci::Seccomp s = allow_all();
    s.syscalls.push_back({{"getppid"}, action, std::nullopt, {}});
    EXPECT_EQ(plan_error(s), "") << action;
  }
  EXPECT_EQ(l.seccomp.operators.size(), 7u);
  for (const auto& op : l.seccomp.operators) {
    oci::Seccomp s = allow_all();
    s.syscalls.push_back({{"umask"}, "SCMP_ACT_ERRNO", std::nullopt, {{0, 1, 1, op}}});
    EXPECT_EQ(plan_error(s), "") << op;
  }
  EXPECT_TRUE(has(l.seccomp.archs, "SCMP_ARCH_X86_64"));
  for (const auto& arch : l.seccomp.archs) {
    oci::Seccomp s = allow_all();
    s.architectures = {arch};
    EXPECT_EQ(plan_error(s), "") << arch;  // no "not supported by this libseccomp" warning
  }
  EXPECT_EQ(l.seccomp.known_flags.size(), oci::names::seccomp_flags().size());
  EXPECT_EQ(l.seccomp.supported_flags, l.seccomp.known_flags);
  for (const auto& flag : l.seccomp.known_flags) {
    oci::Seccomp s = allow_all();
    s.flags = {flag};
    s.syscalls.push_back({{"getppid"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});  // WAIT_KILLABLE_RECV needs one
    EXPECT_EQ(plan_error(s), "") << flag;
  }
}

TEST(SecurityFeatures, WhatTheKernelLacksIsKnownButNotSupported) {
  const SeccompProbe probe{
      [](uint32_t action) { return (action & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_KILL_PROCESS; },
      [](uint32_t flags) { return !(flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV); }};
  const auto l = described(true, probe);
  EXPECT_FALSE(has(l.seccomp.actions, "SCMP_ACT_KILL_PROCESS"));
  EXPECT_TRUE(has(l.seccomp.actions, "SCMP_ACT_KILL_THREAD"));
  EXPECT_TRUE(has(l.seccomp.known_flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  EXPECT_FALSE(has(l.seccomp.supported_flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
  EXPECT_TRUE(has(l.seccomp.supported_flags, "SECCOMP_FILTER_FLAG_LOG"));
}

TEST(SecurityFeatures, WithoutSeccompInTheKernelNothingIsListed) {
  const auto l = described(false);
  EXPECT_FALSE(l.seccomp.enabled);
  EXPECT_TRUE(l.seccomp.actions.empty());
  EXPECT_TRUE(l.seccomp.supported_flags.empty());
}

TEST(SecurityFeatures, LsmSupportIsCompiledInWhateverTheHostHas) {
  const auto l = described();
  EXPECT_TRUE(l.apparmor);
  EXPECT_TRUE(l.selinux);
}

TEST(SecurityFeatures, EveryMemoryPolicyModeAndFlagIsAccepted) {
  const auto l = described();
  EXPECT_TRUE(has(l.memory_policy_modes, "MPOL_BIND"));
  for (const auto& mode : l.memory_policy_modes) {
    // Some modes need nodes, others refuse them.
    const bool with_nodes = plan_memory_policy({mode, "0", {}}).has_value();
    const bool without = plan_memory_policy({mode, "", {}}).has_value();
    EXPECT_TRUE(with_nodes || without) << mode;
  }
  EXPECT_FALSE(l.memory_policy_flags.empty());
  for (const auto& flag : l.memory_policy_flags) {
    auto p = plan_memory_policy({"MPOL_BIND", "0", {flag}});
    EXPECT_TRUE(p) << flag << ": " << (p ? "" : p.error().to_string());
  }
}

// On the real kernel, "supported" agrees with the check create makes.
TEST(SecurityFeatures, SupportedFlagsAreThoseTheCreateCheckAccepts) {
  oci::Features::Linux l;
  describe_features(l);
  if (!l.seccomp.enabled) GTEST_SKIP() << "no seccomp in this kernel";
  for (const auto& flag : l.seccomp.known_flags) {
    oci::Seccomp s = allow_all();
    s.flags = {flag};
    s.syscalls.push_back({{"getppid"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});
    oci::Issues warnings;
    auto plan = plan_seccomp(s, warnings);
    ASSERT_TRUE(plan) << flag;
    EXPECT_EQ(check_seccomp_support(*plan).has_value(), has(l.seccomp.supported_flags, flag)) << flag;
  }
  for (const auto& action : oci::names::seccomp_actions()) {
    oci::Seccomp s = allow_all();
    s.syscalls.push_back({{"getppid"}, std::string(action), std::nullopt, {}});
    oci::Issues warnings;
    auto plan = plan_seccomp(s, warnings);
    ASSERT_TRUE(plan) << action;
    EXPECT_EQ(check_seccomp_support(*plan).has_value(), has(l.seccomp.actions, action)) << action;
  }
}

}  // namespace
}  // namespace rt::security
