#include "runtime/cli/args.hpp"

#include <gtest/gtest.h>

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"bundle,b", FlagKind::kValue, "DIR", "bundle"},
    {"detach,d", FlagKind::kBool, "", "detach"},
    {"env,e", FlagKind::kMulti, "K=V", "env"},
};

ParsedArgs parse_ok(std::vector<std::string> args, int flags_until = 0) {
  auto r = parse_args(kFlags, args, flags_until);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
  return r ? *r : ParsedArgs{};
}

TEST(Args, AcceptsLongShortAndSingleDashLongForms) {
  EXPECT_EQ(parse_ok({"--bundle", "/a", "id"}).value("bundle"), "/a");
  EXPECT_EQ(parse_ok({"--bundle=/b", "id"}).value("bundle"), "/b");
  EXPECT_EQ(parse_ok({"-b", "/c", "id"}).value("bundle"), "/c");
  EXPECT_EQ(parse_ok({"-bundle", "/d", "id"}).value("bundle"), "/d");
  EXPECT_EQ(parse_ok({"-bundle=/e", "id"}).value("bundle"), "/e");
}

TEST(Args, BooleansTakeOptionalInlineValue) {
  EXPECT_TRUE(parse_ok({"-d"}).flag("detach"));
  EXPECT_TRUE(parse_ok({"--detach=true"}).flag("detach"));
  EXPECT_FALSE(parse_ok({"--detach=false"}).flag("detach"));
  EXPECT_FALSE(parse_ok({}).flag("detach"));
  EXPECT_FALSE(parse_args(kFlags, std::vector<std::string>{"--detach=maybe"}, 0).has_value());
}

TEST(Args, FlagsMayFollowArgumentsLikeRunc) {
  auto a = parse_ok({"id", "-d", "--bundle", "/x"});
  EXPECT_EQ(a.positional(), std::vector<std::string>{"id"});
  EXPECT_TRUE(a.flag("detach"));
  EXPECT_EQ(a.value("bundle"), "/x");
}

TEST(Args, NegativeNumbersArePositional) {
  auto a = parse_ok({"id", "-9"});
  EXPECT_EQ(a.positional(), (std::vector<std::string>{"id", "-9"}));
}

TEST(Args, FlagsStopAfterConfiguredPositionals) {
  auto a = parse_ok({"-d", "id", "sh", "-c", "echo -e"}, 1);
  EXPECT_TRUE(a.flag("detach"));
  EXPECT_EQ(a.positional(), (std::vector<std::string>{"id", "sh", "-c", "echo -e"}));
}

TEST(Args, DoubleDashEndsFlags) {
  auto a = parse_ok({"--", "-d"});
  EXPECT_FALSE(a.flag("detach"));
  EXPECT_EQ(a.positional(), std::vector<std::string>{"-d"});
}

TEST(Args, MultiFlagsAccumulate) {
  auto a = parse_ok({"-e", "A=1", "--env=B=2"});
  EXPECT_EQ(a.values("env"), (std::vector<std::string>{"A=1", "B=2"}));
}

TEST(Args, UnknownFlagIsAnErrorNamingIt) {
  auto r = parse_args(kFlags, std::vector<std::string>{"--bogus"}, 0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().to_string(), "flag provided but not defined: -bogus");
}

TEST(Args, MissingValueIsAnError) {
  auto r = parse_args(kFlags, std::vector<std::string>{"--bundle"}, 0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().to_string(), "flag needs an argument: -bundle");
}

}  // namespace
}  // namespace rt::cli
