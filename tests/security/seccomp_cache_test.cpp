#include "runtime/security/seccomp_cache.hpp"

#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "runtime/security/process_security.hpp"
#include "tests/security/seccomp_test_util.hpp"

namespace rt::security {
namespace {

using namespace testing;
namespace stdfs = std::filesystem;

bool same(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0;
}

SeccompPlan plan_of(const oci::Seccomp& s) {
  oci::Issues w;
  auto p = plan_seccomp(s, w);
  EXPECT_TRUE(p) << p.error().to_string();
  return p ? *p : SeccompPlan{};
}

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ocirun-seccomp-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    dir_ = base_ + "/cache";
  }
  void TearDown() override { stdfs::remove_all(base_); }
  size_t entries() const {
    size_t n = 0;
    for (const auto& e : stdfs::directory_iterator(dir_)) n += e.path().filename().string()[0] != '.';
    return n;
  }
  std::string base_, dir_;
};

TEST_F(SeccompCache, KeyFollowsEverythingThatShapesTheProgram) {
  const auto a = plan_of(profile("SCMP_ACT_ERRNO", {call({"read"}, "SCMP_ACT_ALLOW")}));
  EXPECT_EQ(seccomp_cache_key(a), seccomp_cache_key(a));
  EXPECT_EQ(seccomp_cache_key(a).size(), 64u);
  auto b = a;
  b.rules[0].action = SCMP_ACT_LOG;
  auto c = a;
  c.syscall_names.push_back("unshare");
  auto d = a;
  d.default_action = SCMP_ACT_ERRNO(38);
  auto e = a;
  e.rules[0].syscall = "rea";
  e.syscall_names[0] = "d";  // length prefixes keep "rea"+"d" apart from "read"
  for (const auto& other : {b, c, d, e}) EXPECT_NE(seccomp_cache_key(other), seccomp_cache_key(a));
}

TEST_F(SeccompCache, MissThenHitGivesTheSameProgram) {
  const auto plan = plan_of(profile("SCMP_ACT_ERRNO", {call({"read", "write"}, "SCMP_ACT_ALLOW")}));
  EXPECT_FALSE(seccomp_cache_lookup(dir_, seccomp_cache_key(plan)));
  auto first = compile_seccomp_cached(plan, dir_);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(entries(), 1u);
  EXPECT_EQ(stdfs::status(dir_).permissions() & stdfs::perms::all, stdfs::perms::owner_all);
  auto hit = seccomp_cache_lookup(dir_, seccomp_cache_key(plan));
  ASSERT_TRUE(hit);
  EXPECT_TRUE(same(*hit, first->filter));
  auto second = compile_seccomp_cached(plan, dir_);
  ASSERT_TRUE(second);
  EXPECT_TRUE(same(second->filter, first->filter));
  EXPECT_EQ(second->flags, first->flags);
}

TEST_F(SeccompCache, ABrokenEntryIsAMissAndIsRewritten) {
  const auto plan = plan_of(profile("SCMP_ACT_ERRNO", {call({"read"}, "SCMP_ACT_ALLOW")}));
  const auto good = compile_seccomp(plan);
  ASSERT_TRUE(good);
  ASSERT_TRUE(seccomp_cache_store(dir_, seccomp_cache_key(plan), good->filter));
  const std::string entry = dir_ + "/" + seccomp_cache_key(plan);
  std::ofstream(entry, std::ios::trunc) << "OCIBPF01"
                                        << "abc";  // not whole instructions
  EXPECT_FALSE(seccomp_cache_lookup(dir_, seccomp_cache_key(plan)));
  auto p = compile_seccomp_cached(plan, dir_);
  ASSERT_TRUE(p);
  EXPECT_TRUE(same(p->filter, good->filter));
  EXPECT_TRUE(seccomp_cache_lookup(dir_, seccomp_cache_key(plan)));
}

TEST_F(SeccompCache, ADirectoryOthersCanWriteIsNotTrusted) {
  const auto plan = plan_of(profile("SCMP_ACT_ERRNO", {call({"read"}, "SCMP_ACT_ALLOW")}));
  ASSERT_TRUE(compile_seccomp_cached(plan, dir_));
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  EXPECT_FALSE(seccomp_cache_lookup(dir_, seccomp_cache_key(plan)));
  EXPECT_FALSE(seccomp_cache_store(dir_, "x", {}));
  EXPECT_TRUE(compile_seccomp_cached(plan, dir_));  // still compiles
}

TEST_F(SeccompCache, OnlyTheMostRecentlyUsedEntriesAreKept) {
  const std::vector<sock_filter> prog{BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  ASSERT_TRUE(seccomp_cache_store(dir_, "first", prog));
  const timespec old[2] = {{1000, 0}, {1000, 0}};
  ::utimensat(AT_FDCWD, (dir_ + "/first").c_str(), old, 0);
  for (size_t i = 0; i < kSeccompCacheMaxEntries + 5; ++i) {
    const std::string name = "e" + std::to_string(i);
    ASSERT_TRUE(seccomp_cache_store(dir_, name, prog));
    const timespec t[2] = {{2000 + static_cast<time_t>(i), 0}, {2000 + static_cast<time_t>(i), 0}};
    ::utimensat(AT_FDCWD, (dir_ + "/" + name).c_str(), t, 0);
  }
  // The oldest entries went first; "first" (time 1000) too, unless a hit refreshed it.
  EXPECT_EQ(entries(), kSeccompCacheMaxEntries);
  EXPECT_FALSE(stdfs::exists(dir_ + "/first"));
  EXPECT_FALSE(stdfs::exists(dir_ + "/e0"));
  ASSERT_TRUE(seccomp_cache_lookup(dir_, "e5"));  // a hit makes it the newest
  ASSERT_TRUE(seccomp_cache_store(dir_, "last", prog));
  EXPECT_TRUE(stdfs::exists(dir_ + "/e5"));
  EXPECT_FALSE(stdfs::exists(dir_ + "/e6"));
}

TEST_F(SeccompCache, DockerProfileHitIsMuchFasterThanCompiling) {
  auto s = load_fixture("docker-default.json");
  ASSERT_TRUE(s) << s.error().to_string();
  using Clock = std::chrono::steady_clock;
  const auto time_prepare = [&](const PrepareOptions& options) {
    oci::Linux l;
    l.seccomp = *s;
    oci::Issues w;
    double best = 1e9;
    for (int i = 0; i < 10; ++i) {
      const auto t0 = Clock::now();
      auto sec = prepare_with(oci::Process{}, &l, current_host_facts(), w, options);
      best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      EXPECT_TRUE(sec && sec->seccomp);
    }
    return best;
  };
  const double uncached = time_prepare({});
  const double cached = time_prepare({dir_});
  std::printf("[ timing ] prepare() with docker's profile: compiled %.2f ms, from the cache %.3f ms\n",
              uncached, cached);
  EXPECT_EQ(entries(), 1u);
  EXPECT_LT(cached * 5, uncached);
}

}  // namespace
}  // namespace rt::security
