#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/cgroups/manager.hpp"
#include "runtime/cgroups/paths.hpp"

namespace rt::cgroups {
namespace {

// This VM's own /proc/self/mountinfo (cgroup lines plus noise).
constexpr const char* kHybridMountinfo =
    "22 1 253:1 / / rw,relatime - ext4 /dev/vda1 rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

constexpr const char* kHybridSelfCgroup =
    "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
    "4:memory:/process_api/094e\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";

Layout parse_ok(const std::string& text) {
  auto r = parse_layout(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
  return r ? *r : Layout{};
}

TEST(Layout, DetectsThisHostsHybridLayout) {
  const Layout l = parse_ok(kHybridMountinfo);
  EXPECT_EQ(l.mode, Mode::kHybrid);
  EXPECT_EQ(l.unified_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(l.v1_mounts.size(), 9u);
  EXPECT_EQ(l.v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(l.v1_mounts.at("name=systemd"), "/sys/fs/cgroup/systemd");
  EXPECT_EQ(l.v1_mounts.count("hugetlb"), 0u);
  EXPECT_EQ(l.mount_roots.at(""), "/");
}

TEST(Layout, DetectsUnifiedAndIgnoresNamedV1Hierarchies) {
  const Layout l = parse_ok(
      "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
      "50 30 0:40 / /run/sd rw - cgroup cgroup rw,name=systemd\n");
  EXPECT_EQ(l.mode, Mode::kUnified);
  EXPECT_EQ(l.unified_mount, "/sys/fs/cgroup");
  EXPECT_TRUE(l.v1_mounts.empty());
}

TEST(Layout, DetectsLegacyWithCoMountedControllersAndOptions) {
  const Layout l = parse_ok(
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
      "33 31 0:30 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset,clone_children\n"
      "34 31 0:31 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,release_agent=/x,name=systemd\n");
  EXPECT_EQ(l.mode, Mode::kLegacy);
  EXPECT_EQ(l.v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(l.v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(l.v1_mounts.count("clone_children"), 0u);
  EXPECT_EQ(l.v1_mounts.count("xattr"), 0u);
  EXPECT_EQ(l.v1_mounts.size(), 4u);
}

TEST(Layout, KeepsMountRootAndUnescapesMountPoints) {
  const Layout l = parse_ok("41 31 0:38 /docker/abc /sys/fs/cgroup\\040x rw shared:5 - cgroup2 cgroup2 rw\n");
  EXPECT_EQ(l.unified_mount, "/sys/fs/cgroup x");
  EXPECT_EQ(l.mount_roots.at(""), "/docker/abc");
}

TEST(Layout, FailsWithoutAnyCgroupMountOrOnGarbage) {
  EXPECT_FALSE(parse_layout("22 1 253:1 / / rw - ext4 /dev/vda1 rw\n").has_value());
  EXPECT_FALSE(parse_layout("garbage\n").has_value());
}

TEST(Layout, ParsesProcSelfCgroup) {
  auto r = parse_proc_cgroup("4:memory:/a/b\n2:cpu,cpuacct:/c\n1:name=systemd:/d\n0::/e\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->at("memory"), "/a/b");
  EXPECT_EQ(r->at("cpu"), "/c");
  EXPECT_EQ(r->at("cpuacct"), "/c");
  EXPECT_EQ(r->at("name=systemd"), "/d");
  EXPECT_EQ(r->at(""), "/e");
  EXPECT_FALSE(parse_proc_cgroup("nonsense\n").has_value());
}

std::map<std::string, std::string> dirs_ok(const Layout& l, const Config& c, const std::string& self = kHybridSelfCgroup) {
  auto r = resolve_dirs(l, c, self);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
  return r ? *r : std::map<std::string, std::string>{};
}

TEST(Paths, EmptyPathDefaultsToOcirunSlashId) {
  const auto d = dirs_ok(parse_ok(kHybridMountinfo), {"c1", "", false, false, {}});
  EXPECT_EQ(d.size(), 10u);  // 9 v1 hierarchies + unified
  EXPECT_EQ(d.at("memory"), "/sys/fs/cgroup/memory/ocirun/c1");
  EXPECT_EQ(d.at(""), "/sys/fs/cgroup/unified/ocirun/c1");
  EXPECT_EQ(d.at("name=systemd"), "/sys/fs/cgroup/systemd/ocirun/c1");
}

TEST(Paths, AbsolutePathIsBelowEachMountAndCleaned) {
  const auto d = dirs_ok(parse_ok(kHybridMountinfo), {"c1", "/a/../b//c/", false, false, {}});
  EXPECT_EQ(d.at("pids"), "/sys/fs/cgroup/pids/b/c");
}

TEST(Paths, RelativePathIsBelowOwnCgroupPerHierarchy) {
  const auto d = dirs_ok(parse_ok(kHybridMountinfo), {"c1", "../../x/y", false, false, {}});
  EXPECT_EQ(d.at("memory"), "/sys/fs/cgroup/memory/process_api/094e/x/y");  // ".." cannot climb out
  EXPECT_EQ(d.at("cpu"), "/sys/fs/cgroup/cpu/x/y");
  EXPECT_EQ(d.at(""), "/sys/fs/cgroup/unified/x/y");
}

TEST(Paths, RelativePathOnPureV2UsesTheParentOfOwnCgroup) {
  Layout l;
  l.unified_mount = "/sys/fs/cgroup";
  l.mount_roots[""] = "/";
  const auto d = dirs_ok(l, {"c1", "ctr", false, false, {}}, "0::/user.slice/session-1.scope\n");
  EXPECT_EQ(d.at(""), "/sys/fs/cgroup/user.slice/ctr");
}

TEST(Paths, RelativePathHonoursTheMountRoot) {
  Layout l;
  l.unified_mount = "/sys/fs/cgroup";
  l.mount_roots[""] = "/docker/abc";
  const auto d = dirs_ok(l, {"c1", "ctr", false, false, {}}, "0::/docker/abc/init\n");
  EXPECT_EQ(d.at(""), "/sys/fs/cgroup/ctr");
}

TEST(Paths, RejectsTheRootCgroupAndBadIds) {
  const Layout l = parse_ok(kHybridMountinfo);
  auto root = resolve_dirs(l, {"c1", "/", false, false, {}}, "");
  ASSERT_FALSE(root.has_value());
  EXPECT_NE(root.error().msg.find("$.linux.cgroupsPath"), std::string::npos);
  EXPECT_FALSE(resolve_dirs(l, {"a/b", "", false, false, {}}, "").has_value());
  EXPECT_FALSE(resolve_dirs(l, {"..", "", false, false, {}}, "").has_value());
}

TEST(Paths, SubCgroupMustBeCleanAndRelative) {
  EXPECT_TRUE(check_sub_cgroup("exec/one").has_value());
  EXPECT_FALSE(check_sub_cgroup("/abs").has_value());
  EXPECT_FALSE(check_sub_cgroup("../up").has_value());
  EXPECT_FALSE(check_sub_cgroup("a//b").has_value());
  EXPECT_FALSE(check_sub_cgroup("").has_value());
}

TEST(Paths, ExpandsSlices) {
  EXPECT_EQ(*expand_slice("system.slice"), "/system.slice");
  EXPECT_EQ(*expand_slice("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
  EXPECT_EQ(*expand_slice("-.slice"), "/");
  EXPECT_FALSE(expand_slice("a--b.slice").has_value());
  EXPECT_FALSE(expand_slice("-a.slice").has_value());
  EXPECT_FALSE(expand_slice("foo").has_value());
  EXPECT_FALSE(expand_slice("a/b.slice").has_value());
}

TEST(Paths, SystemdUnitFromSlicePrefixName) {
  auto u = systemd_unit({"c1", "machine.slice:docker:abc", true, false, {}});
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->unit, "docker-abc.scope");
  EXPECT_EQ(u->path, "/machine.slice/docker-abc.scope");
  auto d = systemd_unit({"c1", "", true, false, {}});
  EXPECT_EQ(d->unit, "ocirun-c1.scope");
  EXPECT_EQ(d->path, "/system.slice/ocirun-c1.scope");
  auto s = systemd_unit({"c1", "a.slice::b.slice", true, false, {}});
  EXPECT_EQ(s->path, "/a.slice/b.slice");
  auto bad = systemd_unit({"c1", "/not/systemd", true, false, {}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().msg.find("slice:prefix:name"), std::string::npos);
}

TEST(Paths, JsonRoundTripAndValidation) {
  Paths p{"cgroupfs", {{"", "/sys/fs/cgroup/unified/ocirun/c1"}}, {{"", "/sys/fs/cgroup/unified/ocirun"}}, ""};
  auto back = paths_from_json(to_json(p));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->dirs, p.dirs);
  EXPECT_EQ(back->created, p.created);
  EXPECT_FALSE(paths_from_json(nlohmann::json{{"driver", "weird"}, {"dirs", {{"", "/x"}}}}).has_value());
  EXPECT_FALSE(paths_from_json(nlohmann::json{{"driver", 1}}).has_value());
}

}  // namespace
}  // namespace rt::cgroups
