#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oci/features.hpp"
#include "oci/names.hpp"
#include "oci/state.hpp"

namespace oci {
namespace {

using json = nlohmann::json;

std::vector<std::string> keys(const json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

State sample_state() {
  State s;
  s.id = "web";
  s.status = "running";
  s.pid = 4242;
  s.bundle = "/run/bundles/web";
  s.annotations = {{"b", "2"}, {"a", "1"}};
  s.rootfs = "/run/bundles/web/rootfs";
  s.created = "2024-06-07T12:34:56.123456789Z";
  s.owner = "";
  return s;
}

TEST(State, OciFormatIsTheRuntimeSpecDocument) {
  EXPECT_EQ(to_json(sample_state(), StateFormat::kOci),
            R"({"ociVersion":"1.3.0","id":"web","pid":4242,"status":"running","bundle":"/run/bundles/web",)"
            R"("annotations":{"a":"1","b":"2"}})");
}

TEST(State, OciFormatOmitsPidZeroAndEmptyAnnotations) {
  State s = sample_state();
  s.pid = 0;
  s.status = "stopped";
  s.annotations.clear();
  EXPECT_EQ(to_json(s, StateFormat::kOci),
            R"({"ociVersion":"1.3.0","id":"web","status":"stopped","bundle":"/run/bundles/web"})");
}

TEST(State, RuncExtendedFormatAddsRootfsCreatedOwnerAndAlwaysPid) {
  State s = sample_state();
  EXPECT_EQ(to_json(s, StateFormat::kRuncExtended),
            R"({"ociVersion":"1.3.0","id":"web","pid":4242,"status":"running","bundle":"/run/bundles/web",)"
            R"("rootfs":"/run/bundles/web/rootfs","created":"2024-06-07T12:34:56.123456789Z","owner":"",)"
            R"("annotations":{"a":"1","b":"2"}})");
  s.pid = 0;
  EXPECT_EQ(json::parse(to_json(s, StateFormat::kRuncExtended))["pid"], 0);
}

TEST(State, IndentsOnRequestAndEscapesOddBytes) {
  State s = sample_state();
  s.id = "a\"b\n";
  s.bundle = "/\xff";
  const std::string out = to_json(s, StateFormat::kOci, 2);
  ASSERT_TRUE(json::accept(out)) << out;
  EXPECT_NE(out.find("\n  \"id\": \"a\\\"b\\n\""), std::string::npos) << out;
  EXPECT_EQ(json::parse(out)["bundle"], "/\xef\xbf\xbd");
}

TEST(Features, EmptyDocumentHasTheExpectedKeys) {
  const json j = json::parse(to_json(Features{}));
  EXPECT_EQ(keys(j),
            (std::vector<std::string>{"hooks", "linux", "mountOptions", "ociVersionMax", "ociVersionMin"}));
  EXPECT_EQ(j["ociVersionMin"], "1.0.0");
  EXPECT_EQ(keys(j["linux"]),
            (std::vector<std::string>{"apparmor", "capabilities", "cgroup", "intelRdt", "mountExtensions",
                                      "namespaces", "netDevices", "seccomp", "selinux"}));
  EXPECT_EQ(j["linux"]["seccomp"], (json{{"enabled", false}}));
  EXPECT_EQ(j["linux"]["mountExtensions"]["idmap"]["enabled"], false);
  EXPECT_EQ(keys(j["linux"]["cgroup"]),
            (std::vector<std::string>{"rdma", "systemd", "systemdUser", "v1", "v2"}));
}

TEST(Features, FullDocumentHasEveryOptionalKey) {
  Features f;
  f.oci_version_max = "1.3.0";
  for (const auto& k : names::hook_kinds()) f.hooks.emplace_back(k);
  f.mount_options = {"ro", "rw", "idmap"};
  for (const auto& t : names::namespace_types()) f.linux.namespaces.emplace_back(t);
  for (const auto& c : names::capabilities()) f.linux.capabilities.emplace_back(c.name);
  f.linux.cgroup = {false, true, true, true, true};
  f.linux.seccomp.enabled = true;
  for (const auto& a : names::seccomp_actions()) f.linux.seccomp.actions.emplace_back(a);
  for (const auto& o : names::seccomp_operators()) f.linux.seccomp.operators.emplace_back(o);
  f.linux.seccomp.archs = {"SCMP_ARCH_X86_64"};
  f.linux.seccomp.known_flags = {"SECCOMP_FILTER_FLAG_LOG"};
  f.linux.seccomp.supported_flags = {"SECCOMP_FILTER_FLAG_LOG"};
  f.linux.apparmor = true;
  f.linux.intel_rdt = true;
  f.linux.intel_rdt_schemata = true;
  f.linux.intel_rdt_monitoring = false;
  for (const auto& m : names::memory_policy_modes()) f.linux.memory_policy_modes.emplace_back(m);
  for (const auto& m : names::memory_policy_flags()) f.linux.memory_policy_flags.emplace_back(m);
  f.linux.idmap_mounts = true;
  f.linux.net_devices = true;
  f.annotations = {{"org.opencontainers.runc.version", "ocirun"}};
  f.potentially_unsafe_config_annotations = {"run.oci."};

  const std::string text = to_json(f);
  ASSERT_TRUE(json::accept(text)) << text;
  EXPECT_NE(text.find("\n    \"ociVersionMax\""), std::string::npos) << "indents by 4 by default";
  const json j = json::parse(text);
  EXPECT_EQ(keys(j),
            (std::vector<std::string>{"annotations", "hooks", "linux", "mountOptions", "ociVersionMax",
                                      "ociVersionMin", "potentiallyUnsafeConfigAnnotations"}));
  EXPECT_EQ(j["hooks"].size(), 6u);
  EXPECT_EQ(j["linux"]["capabilities"].size(), names::capabilities().size());
  EXPECT_EQ(
      keys(j["linux"]["seccomp"]),
      (std::vector<std::string>{"actions", "archs", "enabled", "knownFlags", "operators", "supportedFlags"}));
  EXPECT_EQ(j["linux"]["intelRdt"], (json{{"enabled", true}, {"schemata", true}, {"monitoring", false}}));
  EXPECT_EQ(keys(j["linux"]["memoryPolicy"]), (std::vector<std::string>{"flags", "modes"}));
  EXPECT_EQ(j["linux"]["cgroup"]["v2"], true);
  EXPECT_EQ(j["linux"]["netDevices"]["enabled"], true);
  EXPECT_EQ(j["annotations"]["org.opencontainers.runc.version"], "ocirun");
}

// ---- names ----------------------------------------------------------------------------------

TEST(Names, CapabilitiesAreTheLinuxNumbering) {
  const auto caps = names::capabilities();
  ASSERT_EQ(caps.size(), 41u);
  for (size_t i = 0; i < caps.size(); ++i) {
    EXPECT_EQ(caps[i].value, static_cast<int>(i)) << caps[i].name;
    EXPECT_EQ(names::capability(caps[i].name), caps[i].value);
  }
  EXPECT_EQ(names::capability("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(names::capability("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_FALSE(names::capability("SYS_ADMIN"));
  EXPECT_FALSE(names::capability(""));
}

TEST(Names, RlimitsAreTheLinuxNumbering) {
  const auto limits = names::rlimits();
  ASSERT_EQ(limits.size(), 16u);
  for (size_t i = 0; i < limits.size(); ++i)
    EXPECT_EQ(limits[i].value, static_cast<int>(i)) << limits[i].name;
  EXPECT_EQ(names::rlimit("RLIMIT_NOFILE"), 7);
  EXPECT_FALSE(names::rlimit("NOFILE"));
}

TEST(Names, VocabulariesMatchTheSpec) {
  EXPECT_EQ(names::namespace_types().size(), 8u);
  EXPECT_TRUE(names::is_namespace_type("time"));
  EXPECT_FALSE(names::is_namespace_type("net"));
  EXPECT_EQ(names::seccomp_actions().size(), 9u);
  EXPECT_EQ(names::seccomp_operators().size(), 7u);
  EXPECT_EQ(names::seccomp_architectures().size(), 23u);
  EXPECT_EQ(names::seccomp_flags().size(), 4u);
  EXPECT_EQ(names::io_priority_classes().size(), 3u);
  EXPECT_EQ(names::memory_policy_modes().size(), 7u);
  EXPECT_EQ(names::memory_policy_flags().size(), 3u);
  EXPECT_EQ(names::rootfs_propagations().size(), 8u);
  EXPECT_TRUE(names::contains(names::scheduler_policies(), "SCHED_DEADLINE"));
  EXPECT_FALSE(names::contains(names::scheduler_policies(), "sched_other"));
}

}  // namespace
}  // namespace oci
