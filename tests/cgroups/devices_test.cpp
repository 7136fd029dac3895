#include <gtest/gtest.h>

#include "runtime/cgroups/bpf.hpp"
#include "runtime/cgroups/devices.hpp"

namespace rt::cgroups {
namespace {

using V = std::vector<std::string>;

DeviceRule rule(bool allow, char type, int64_t major, int64_t minor, uint8_t access) {
  return {allow, type, major, minor, access};
}

DeviceState state(const std::vector<DeviceRule>& rules) {
  auto s = DeviceState::from_rules(rules);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().to_string());
  return s ? *s : DeviceState::deny_all();
}

V strings(const std::vector<DeviceRule>& rules) {
  V out;
  for (const auto& r : rules) out.push_back(std::string(r.allow ? "allow " : "deny ") + r.to_v1_string());
  return out;
}

TEST(Devices, ConvertsOciRulesWithDefaults) {
  std::vector<oci::DeviceCgroupRule> in = {{false, "", std::nullopt, std::nullopt, ""},
                                           {true, "c", 1, 3, "rw"}, {true, "b", 8, std::nullopt, "m"}};
  auto r = device_rules_from_oci(in);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(strings(*r), (V{"deny a *:* rwm", "allow c 1:3 rw", "allow b 8:* m"}));
}

TEST(Devices, RejectsBadRulesNamingTheField) {
  auto bad_type = device_rules_from_oci({{true, "p", 1, 1, "r"}});
  ASSERT_FALSE(bad_type.has_value());
  EXPECT_EQ(bad_type.error().msg, "$.linux.resources.devices[0].type: unknown device type \"p\" (expected a, c or b)");
  auto bad_access = device_rules_from_oci({{true, "c", 1, 1, "r"}, {true, "c", 1, 1, "rx"}});
  ASSERT_FALSE(bad_access.has_value());
  EXPECT_NE(bad_access.error().msg.find("$.linux.resources.devices[1].access"), std::string::npos);
  EXPECT_FALSE(device_rules_from_oci({{true, "c", 1LL << 40, 1, "r"}}).has_value());
}

TEST(Devices, DefaultListIsRuncs) {
  auto r = device_rules_from_oci(default_device_rules());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(strings(*r), (V{"allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:8 rwm", "allow c 1:7 rwm",
                            "allow c 5:0 rwm", "allow c 1:5 rwm", "allow c 1:9 rwm", "allow c 136:* rwm",
                            "allow c 5:2 rwm", "allow c 10:200 rwm"}));
}

TEST(Devices, EmulatorFollowsV1Semantics) {
  // Starts from deny-all, merges allows, removes access.
  const DeviceState s = state({rule(true, 'c', 1, 3, kAccRead), rule(true, 'c', 1, 3, kAccWrite),
                               rule(true, 'c', 1, 5, kAccAll), rule(false, 'c', 1, 5, kAccMknod)});
  EXPECT_FALSE(s.default_allow());
  ASSERT_EQ(s.exceptions().size(), 2u);
  EXPECT_EQ(s.exceptions().at({'c', 1, 3}), kAccRead | kAccWrite);
  EXPECT_EQ(s.exceptions().at({'c', 1, 5}), kAccRead | kAccWrite);
  // "a" resets everything.
  const DeviceState all = state({rule(true, 'c', 1, 3, kAccRead), rule(true, 'a', -1, -1, kAccAll)});
  EXPECT_TRUE(all.allows_everything());
}

TEST(Devices, RefusesToPunchHolesInWildcards) {
  auto s = DeviceState::from_rules({rule(true, 'c', 136, kAnyNumber, kAccAll), rule(false, 'c', 136, 2, kAccWrite)});
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().msg.find("cannot punch holes"), std::string::npos);
}

TEST(Devices, ParsesDevicesList) {
  auto all = DeviceState::from_v1_list("a *:* rwm\n");
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->allows_everything());
  auto some = DeviceState::from_v1_list("c 1:3 rwm\nc 136:* rw\nb *:* m\n");
  ASSERT_TRUE(some.has_value());
  EXPECT_FALSE(some->default_allow());
  EXPECT_EQ(some->exceptions().at({'b', kAnyNumber, kAnyNumber}), kAccMknod);
  EXPECT_FALSE(DeviceState::from_v1_list("c 1 rwm\n").has_value());
}

TEST(Devices, TransitionFromAllowAllResetsFirst) {
  const DeviceState target = state({rule(false, 'a', -1, -1, kAccAll), rule(true, 'c', 1, 3, kAccAll)});
  EXPECT_EQ(strings(target.transition_from(DeviceState::allow_all())), (V{"deny a *:* rwm", "allow c 1:3 rwm"}));
}

TEST(Devices, TransitionBetweenAllowListsWritesOnlyTheDifference) {
  auto current = DeviceState::from_v1_list("c 1:3 rwm\nc 1:5 rwm\n");
  ASSERT_TRUE(current.has_value());
  const DeviceState target = state({rule(true, 'c', 1, 3, kAccRead | kAccWrite), rule(true, 'c', 1, 9, kAccAll)});
  EXPECT_EQ(strings(target.transition_from(*current)), (V{"deny c 1:3 m", "deny c 1:5 rwm", "allow c 1:9 rwm"}));
  EXPECT_TRUE(target.transition_from(target).empty());
}

TEST(Devices, AllowsAreWrittenInTheOrderTheRulesListThem) {
  // runtime-tools reads devices.list back expecting the config's order; the
  // kernel appends new exceptions, so the writes must keep that order. An
  // exception removed and added again moves to the end.
  const DeviceState target = state({rule(false, 'a', -1, -1, kAccAll), rule(true, 'c', 10, 229, kAccAll),
                                    rule(true, 'c', 1, 3, kAccAll), rule(true, 'b', 8, 20, kAccRead | kAccWrite),
                                    rule(true, 'b', -1, -1, kAccMknod), rule(true, 'c', 10, 229, kAccRead),
                                    rule(false, 'b', 8, 20, kAccWrite), rule(false, 'c', 1, 3, kAccAll),
                                    rule(true, 'c', 1, 3, kAccRead)});
  EXPECT_EQ(strings(target.transition_from(DeviceState::allow_all())),
            (V{"deny a *:* rwm", "allow c 10:229 rwm", "allow b 8:20 r", "allow b *:* m", "allow c 1:3 r"}));
}

TEST(Devices, TransitionToADenyList) {
  const DeviceState target = state({rule(true, 'a', -1, -1, kAccAll), rule(false, 'c', 5, 1, kAccAll)});
  EXPECT_EQ(strings(target.transition_from(DeviceState::deny_all())), (V{"allow a *:* rwm", "deny c 5:1 rwm"}));
}

// Instruction encodings written out by hand (struct bpf_insn fields).
constexpr BpfInsn kPrologue[] = {
    {0x61, 2, 1, 0, 0}, {0x54, 2, 0, 0, 0xFFFF},  // r2 = ctx->access_type & 0xffff (type)
    {0x61, 3, 1, 0, 0}, {0x74, 3, 0, 0, 16},      // r3 = ctx->access_type >> 16 (access)
    {0x61, 4, 1, 4, 0},                           // r4 = ctx->major
    {0x61, 5, 1, 8, 0},                           // r5 = ctx->minor
};

BpfProgram with_prologue(std::initializer_list<BpfInsn> rest) {
  BpfProgram p(std::begin(kPrologue), std::end(kPrologue));
  p.insert(p.end(), rest);
  return p;
}

TEST(BpfProgram, DenyAllIsPrologueAndReturnZero) {
  EXPECT_EQ(device_filter_program(DeviceState::deny_all()), with_prologue({{0xb4, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}}));
  EXPECT_EQ(device_filter_program(DeviceState::allow_all()), with_prologue({{0xb4, 0, 0, 0, 1}, {0x95, 0, 0, 0, 0}}));
}

TEST(BpfProgram, AllowListChecksSubsetOfAccess) {
  const DeviceState s = state({rule(true, 'c', 1, 3, kAccRead | kAccWrite), rule(true, 'c', 136, kAnyNumber, kAccAll)});
  const BpfProgram want = with_prologue({
      {0x55, 2, 0, 7, 2},  // if type != char skip 7
      {0xbc, 1, 3, 0, 0},  // r1 = access
      {0x54, 1, 0, 0, 6},  // r1 &= rw
      {0x5d, 1, 3, 4, 0},  // if r1 != access (not a subset) skip 4
      {0x55, 4, 0, 3, 1},  // if major != 1 skip 3
      {0x55, 5, 0, 2, 3},  // if minor != 3 skip 2
      {0xb4, 0, 0, 0, 1},  {0x95, 0, 0, 0, 0},  // allow
      {0x55, 2, 0, 3, 2},  // if type != char skip 3
      {0x55, 4, 0, 2, 136},
      {0xb4, 0, 0, 0, 1},  {0x95, 0, 0, 0, 0},
      {0xb4, 0, 0, 0, 0},  {0x95, 0, 0, 0, 0},  // default deny
  });
  const BpfProgram got = device_filter_program(s);
  EXPECT_EQ(got, want) << disassemble(got);
}

TEST(BpfProgram, DenyListChecksAnyCommonAccessBit) {
  const DeviceState s = state({rule(true, 'a', -1, -1, kAccAll), rule(false, 'b', 8, 0, kAccWrite)});
  const BpfProgram want = with_prologue({
      {0x55, 2, 0, 7, 1},  // if type != block skip 7
      {0xbc, 1, 3, 0, 0},  {0x54, 1, 0, 0, 4},
      {0x15, 1, 0, 4, 0},  // if (access & w) == 0 skip 4
      {0x55, 4, 0, 3, 8},  {0x55, 5, 0, 2, 0},
      {0xb4, 0, 0, 0, 0},  {0x95, 0, 0, 0, 0},  // deny
      {0xb4, 0, 0, 0, 1},  {0x95, 0, 0, 0, 0},  // default allow
  });
  const BpfProgram got = device_filter_program(s);
  EXPECT_EQ(got, want) << disassemble(got);
}

TEST(BpfProgram, DefaultRulesProgramIsWellFormed) {
  auto rules = device_rules_from_oci(default_device_rules());
  ASSERT_TRUE(rules.has_value());
  const BpfProgram p = device_filter_program(state(*rules));
  // Every jump lands inside the program; ALU/LDX insns carry no offset.
  for (size_t i = 0; i < p.size(); ++i) {
    if ((p[i].code & 0x07) == 0x05 && p[i].code != 0x95) {
      EXPECT_LT(i + 1 + static_cast<size_t>(p[i].off), p.size()) << i;
    } else if ((p[i].code & 0x07) != 0x01) {
      EXPECT_EQ(p[i].off, 0) << i;
    }
  }
  EXPECT_EQ(p.back().code, 0x95);
}

}  // namespace
}  // namespace rt::cgroups
