#include "oci/serialize.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "oci/parse.hpp"
#include "oci/validate.hpp"
#include "tests/oci/fixtures.hpp"

namespace oci {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Members the model does not hold: other platforms' sections, Windows-only
// fields and the made-up members of valid/unknown-fields.json.
const std::set<std::string> kNotModelled = {
    "windows", "solaris", "vm", "zos", "freebsd", "username", "commandLine", "futureController",
};

bool is_not_modelled(const std::string& key) {
  return kNotModelled.contains(key) || key.starts_with("unknown") || key.starts_with("x-");
}

// What the serializer may leave out or add: null, false, 0, "", [] and {}.
bool is_default(const json& v) {
  return v.is_null() || v == false || (v.is_number() && v == 0) || v == "" || (v.is_array() && v.empty()) ||
         (v.is_object() && v.empty());
}

// Compares a fixture with the serializer's output for it: every member must
// survive with its value, except defaults and members the model has no
// place for.
void compare(const json& in, const json& out, const std::string& path, std::vector<std::string>& diffs) {
  if (in.is_object() && out.is_object()) {
    for (const auto& [k, v] : in.items()) {
      const std::string p = path + "." + k;
      if (out.contains(k))
        compare(v, out[k], p, diffs);
      else if (!is_default(v) && !is_not_modelled(k))
        diffs.push_back(p + " was dropped");
    }
    for (const auto& [k, v] : out.items())
      if (!in.contains(k) && !is_default(v)) diffs.push_back(path + "." + k + " was invented");
  } else if (in.is_array() && out.is_array()) {
    if (in.size() != out.size()) return diffs.push_back(path + ": array size differs");
    for (size_t i = 0; i < in.size(); ++i)
      compare(in[i], out[i], path + "[" + std::to_string(i) + "]", diffs);
  } else if (in != out) {
    diffs.push_back(path + ": " + in.dump() + " became " + out.dump());
  }
}

class RoundTrip : public ::testing::TestWithParam<fs::path> {};

TEST_P(RoundTrip, ParseOfToJsonIsTheSameSpec) {
  const std::string text = testing::read_text(GetParam());
  auto first = parse_config(text);
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  for (int indent : {-1, 2}) {
    const std::string encoded = to_json(*first, indent);
    auto second = parse_config(encoded);
    ASSERT_TRUE(second.has_value()) << second.error().to_string();
    EXPECT_TRUE(*first == *second) << "decoded again differently:\n" << encoded;
    EXPECT_EQ(to_json(*second, indent), encoded);
  }
}

TEST_P(RoundTrip, ToJsonKeepsEveryModelledMemberOfTheFixture) {
  const std::string text = testing::read_text(GetParam());
  auto spec = parse_config(text);
  ASSERT_TRUE(spec.has_value());
  std::vector<std::string> diffs;
  compare(json::parse(text), json::parse(to_json(*spec)), "$", diffs);
  EXPECT_EQ(diffs, std::vector<std::string>{});
}

TEST_P(RoundTrip, ProcessAndResourcesRoundTripOnTheirOwn) {
  auto spec = parse_config(testing::read_text(GetParam()));
  ASSERT_TRUE(spec.has_value());
  if (spec->process) {
    auto p = parse_process(to_json(*spec->process));
    ASSERT_TRUE(p.has_value()) << p.error().to_string();
    EXPECT_TRUE(*p == *spec->process);
  }
  if (spec->linux && spec->linux->resources) {
    auto r = parse_resources(to_json(*spec->linux->resources));
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_TRUE(*r == *spec->linux->resources);
  }
}

INSTANTIATE_TEST_SUITE_P(SpecFixtures, RoundTrip,
                         ::testing::ValuesIn(testing::list_fixtures("valid", ".json")),
                         testing::fixture_param_name);

TEST(Serialize, OmitsAbsentAndEmptyMembers) {
  Spec s;
  s.oci_version = "1.3.0";
  EXPECT_EQ(to_json(s), R"({"ociVersion":"1.3.0"})");
  s.process = Process{};
  s.linux = Linux{};
  s.hooks = Hooks{};
  EXPECT_EQ(to_json(s),
            R"({"ociVersion":"1.3.0","process":{"user":{"uid":0,"gid":0},"cwd":""},"hooks":{},"linux":{}})");
}

TEST(Serialize, KeepsPresentZeroesOfOptionalMembers) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 0;
  r.memory->disable_oom_killer = false;
  r.pids = PidsResources{};
  EXPECT_EQ(to_json(r), R"({"memory":{"limit":0,"disableOOMKiller":false},"pids":{}})");
  Process p;
  p.oom_score_adj = 0;
  p.user.umask = 0;
  EXPECT_EQ(to_json(p), R"({"user":{"uid":0,"gid":0,"umask":0},"cwd":"","oomScoreAdj":0})");
}

TEST(Serialize, EscapesStringsAndReplacesInvalidUtf8) {
  Process p;
  p.args = {std::string("a\0b", 3), "quote\"back\\slash\n", "\xff"};
  const std::string out = to_json(p);
  EXPECT_NE(out.find(R"("a\u0000b")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("quote\"back\\slash\n")"), std::string::npos) << out;
  EXPECT_NE(out.find("\"\xef\xbf\xbd\""), std::string::npos) << out;  // U+FFFD
  EXPECT_TRUE(json::accept(out));
  auto back = parse_process(out);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->args[0], std::string("a\0b", 3));
}

TEST(Serialize, DefaultSpecIsValid) {
  EXPECT_EQ(validate(default_spec(false)), Issues{});
  EXPECT_EQ(validate(default_spec(true, 1000, 1000)), Issues{});
  EXPECT_EQ(validate(default_spec(true, 0, 0)), Issues{});
}

TEST(Serialize, DefaultSpecLooksLikeRuncs) {
  const Spec s = default_spec(false);
  EXPECT_EQ(s.oci_version, kSpecVersion);
  ASSERT_TRUE(s.process && s.root && s.linux);
  EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
  EXPECT_TRUE(s.process->terminal);
  EXPECT_EQ(s.root->path, "rootfs");
  EXPECT_TRUE(s.root->readonly);
  EXPECT_TRUE(s.linux->find_namespace("network"));
  EXPECT_FALSE(s.linux->find_namespace("user"));
  EXPECT_TRUE(s.linux->resources.has_value());
}

TEST(Serialize, RootlessDefaultSpecMapsTheCallerToRoot) {
  const Spec s = default_spec(true, 1234, 5678);
  ASSERT_TRUE(s.linux);
  EXPECT_TRUE(s.linux->find_namespace("user"));
  EXPECT_FALSE(s.linux->find_namespace("network"));
  EXPECT_EQ(s.linux->uid_mappings, (std::vector<IdMapping>{{0, 1234, 1}}));
  EXPECT_EQ(s.linux->gid_mappings, (std::vector<IdMapping>{{0, 5678, 1}}));
  EXPECT_FALSE(s.linux->resources);
  for (const auto& m : s.mounts) {
    EXPECT_NE(m.destination, "/sys/fs/cgroup");
    if (m.destination == "/sys") {
      EXPECT_EQ(m.type, "none");
    }
    if (m.destination == "/dev/pts") {
      EXPECT_EQ(std::count(m.options.begin(), m.options.end(), "gid=5"), 0);
    }
  }
}

TEST(Quote, EscapesLikeJson) {
  EXPECT_EQ(quote("plain"), "\"plain\"");
  EXPECT_EQ(quote(""), "\"\"");
  EXPECT_EQ(quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(quote(std::string("\0\n\t\x1f", 4)), R"("\u0000\n\t\u001f")");
  EXPECT_EQ(quote("ünï ✓"), "\"ünï ✓\"");
  EXPECT_EQ(quote("\xff"), "\"\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace oci
