// The spec-fixtures/ corpus: every valid config passes (with exactly the
// warnings of its .warn sidecar), every invalid one fails with exactly the
// message of its .err sidecar. New fixtures are picked up automatically.
#include "tests/oci/fixtures.hpp"

#include <gtest/gtest.h>

#include <set>

#include "oci/serialize.hpp"

namespace oci::testing {
namespace {

namespace fs = std::filesystem;

std::set<std::string> stems(const std::string& sub, const std::string& ext) {
  std::set<std::string> out;
  for (const auto& p : list_fixtures(sub, ext)) out.insert(p.stem().string());
  return out;
}

TEST(Fixtures, CorpusIsPopulated) {
  EXPECT_GE(list_fixtures("valid", ".json").size(), 4u);
  EXPECT_GE(list_fixtures("invalid", ".json").size(), 35u);
}

TEST(Fixtures, EveryInvalidConfigHasAnErrFileAndViceVersa) {
  const auto configs = stems("invalid", ".json");
  const auto errs = stems("invalid", ".err");
  for (const auto& name : configs)
    EXPECT_TRUE(errs.contains(name)) << "invalid/" << name << ".json has no .err";
  for (const auto& name : errs)
    EXPECT_TRUE(configs.contains(name)) << "invalid/" << name << ".err has no .json";
}

TEST(Fixtures, EveryWarnFileBelongsToAValidConfig) {
  const auto configs = stems("valid", ".json");
  for (const auto& name : stems("valid", ".warn"))
    EXPECT_TRUE(configs.contains(name)) << "valid/" << name << ".warn has no .json";
}

TEST(Fixtures, NoStrayFiles) {
  for (const char* sub : {"valid", "invalid"}) {
    for (const auto& e : fs::directory_iterator(fixtures_dir() / sub)) {
      const auto ext = e.path().extension();
      EXPECT_TRUE(ext == ".json" || ext == ".err" || ext == ".warn") << e.path();
      if (std::string(sub) == "invalid") {
        EXPECT_NE(ext, ".warn") << e.path();
      }
    }
  }
}

// ---- valid ------------------------------------------------------------------------

class ValidFixture : public ::testing::TestWithParam<fs::path> {};

TEST_P(ValidFixture, ParsesAndValidatesWithExactlyTheExpectedWarnings) {
  const fs::path& path = GetParam();
  auto spec = parse_config(read_text(path));
  ASSERT_TRUE(spec.has_value()) << spec.error().to_string();
  const Issues issues = validate(*spec);
  EXPECT_EQ(errors_of(issues), std::vector<std::string>{});
  fs::path warn = path;
  warn.replace_extension(".warn");
  const auto expected = fs::exists(warn) ? read_lines(warn) : std::vector<std::string>{};
  EXPECT_EQ(warnings_of(issues), expected);
}

INSTANTIATE_TEST_SUITE_P(SpecFixtures, ValidFixture, ::testing::ValuesIn(list_fixtures("valid", ".json")),
                         fixture_param_name);

// ---- invalid ----------------------------------------------------------------------

class InvalidFixture : public ::testing::TestWithParam<fs::path> {};

TEST_P(InvalidFixture, FailsWithTheMessageOfItsErrFile) {
  const fs::path& path = GetParam();
  fs::path err = path;
  err.replace_extension(".err");
  ASSERT_TRUE(fs::exists(err)) << err;
  const auto expected = read_lines(err);
  ASSERT_EQ(expected.size(), 1u) << err << " must hold exactly one line";
  EXPECT_EQ(first_error(read_text(path)).value_or("(no error)"), expected[0]);
}

INSTANTIATE_TEST_SUITE_P(SpecFixtures, InvalidFixture, ::testing::ValuesIn(list_fixtures("invalid", ".json")),
                         fixture_param_name);

// ---- what `ocirun spec` writes ------------------------------------------------------

TEST(Fixtures, OcirunSpecFixtureIsExactlyTheDefaultSpec) {
  EXPECT_EQ(read_text(fixtures_dir() / "valid/ocirun-spec.json"), to_json(default_spec(false), 2) + "\n");
}

TEST(Fixtures, OcirunRootlessSpecFixtureIsExactlyTheRootlessDefaultSpec) {
  EXPECT_EQ(read_text(fixtures_dir() / "valid/ocirun-spec-rootless.json"),
            to_json(default_spec(true, 1000, 1000), 2) + "\n");
}

// ---- fixtures with a systemd cgroupsPath ----------------------------------------------

TEST(Fixtures, PodmanCgroupsPathIsValidWithSystemdCgroups) {
  auto spec = parse_config(read_text(fixtures_dir() / "valid/podman.json"));
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(errors_of(validate(*spec, {.systemd_cgroup = true})), std::vector<std::string>{});
}

TEST(Fixtures, CriCgroupsPathIsInvalidWithSystemdCgroups) {
  auto spec = parse_config(read_text(fixtures_dir() / "valid/containerd-cri.json"));
  ASSERT_TRUE(spec.has_value());
  const auto errors = errors_of(validate(*spec, {.systemd_cgroup = true}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(
      errors[0].starts_with("$.linux.cgroupsPath: expected \"slice:prefix:name\" with --systemd-cgroup"))
      << errors[0];
}

}  // namespace
}  // namespace oci::testing
