// The mount plan as data: option parsing and flag tables, the order of the
// mounts, propagation, the default devices and links, masked and read-only
// paths, and where the rootfs and relative bind sources are taken from. No
// mounting happens here.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "runtime/container/bundle.hpp"
#include "runtime/rootfs/mount_plan.hpp"

namespace rt::rootfs {
namespace {

oci::Spec spec_with(std::vector<oci::Mount> mounts, std::vector<oci::Namespace> ns = {{"mount", ""}}) {
  oci::Spec s;
  s.root = oci::Root{"rootfs", false};
  s.mounts = std::move(mounts);
  s.linux.emplace();
  s.linux->namespaces = std::move(ns);
  return s;
}

Plan plan_of(const oci::Spec& s, PlanContext ctx = {"/bundle", false}) {
  auto plan = make_plan(s, "/bundle/rootfs", ctx);
  EXPECT_TRUE(plan) << plan.error().to_string();
  return plan ? *plan : Plan{};
}

std::string plan_error(const oci::Spec& s) {
  auto plan = make_plan(s, "/bundle/rootfs", {"/bundle", false});
  return plan ? "" : plan.error().to_string();
}

// --- option parsing and the flag tables ---------------------------------

TEST(MountOptions, FlagsSetAndLaterOptionsOverrideEarlierOnes) {
  auto o = parse_mount_options({"ro", "nosuid", "nodev", "noexec", "rw", "suid"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->attr_set, uint64_t{MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC});
  EXPECT_EQ(o->attr_clr, uint64_t{MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID});
  EXPECT_FALSE(o->readonly());
}

TEST(MountOptions, AtimeModesAreOneSettingNotFlags) {
  auto o = parse_mount_options({"noatime", "strictatime"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->attr_set & MOUNT_ATTR__ATIME, uint64_t{MOUNT_ATTR_STRICTATIME});
  EXPECT_EQ(o->attr_clr & MOUNT_ATTR__ATIME, uint64_t{MOUNT_ATTR__ATIME});
  // "atime" goes back to the filesystem default: neither set nor cleared.
  o = parse_mount_options({"relatime", "atime"});
  ASSERT_TRUE(o);
  EXPECT_EQ((o->attr_set | o->attr_clr) & MOUNT_ATTR__ATIME, 0u);
}

TEST(MountOptions, RecursiveAttributesAreKeptApartFromTheMountsOwn) {
  auto o = parse_mount_options({"rbind", "rro", "rnosuid", "rnoexec", "rrelatime", "nodev"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->bind);
  EXPECT_TRUE(o->recursive_bind);
  EXPECT_EQ(o->rec_attr_set, uint64_t{MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RELATIME});
  EXPECT_EQ(o->rec_attr_clr, uint64_t{MOUNT_ATTR__ATIME});
  EXPECT_EQ(o->attr_set, uint64_t{MOUNT_ATTR_NODEV});
  EXPECT_TRUE(o->readonly());
  o = parse_mount_options({"rro", "rrw", "rsymfollow"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->rec_attr_set, 0u);
  EXPECT_EQ(o->rec_attr_clr, uint64_t{MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSYMFOLLOW});
}

TEST(MountOptions, PropagationIsKeptInOrder) {
  auto o = parse_mount_options({"rprivate", "shared", "runbindable", "slave"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->propagation, (std::vector<Propagation>{
                                {MS_PRIVATE, true}, {MS_SHARED, false}, {MS_UNBINDABLE, true}, {MS_SLAVE, false}}));
}

TEST(MountOptions, SuperblockFlagsUseFsconfigNamesAndNegationsRemoveThem) {
  auto o = parse_mount_options({"sync", "acl", "lazytime", "async", "noacl", "dirsync", "silent", "loud"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->sb_flags, (std::vector<std::string>{"lazytime", "dirsync"}));
  o = parse_mount_options({"acl"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->sb_flags, (std::vector<std::string>{"posixacl"}));
}

TEST(MountOptions, UnknownOptionsAreFilesystemDataInOrder) {
  auto o = parse_mount_options({"mode=755", "size=64k", "nosuid", "uid=5", "defaults", "tmpcopyup"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->data, (std::vector<std::string>{"mode=755", "size=64k", "uid=5"}));
  EXPECT_TRUE(o->tmpcopyup);
  EXPECT_EQ(o->attr_set, uint64_t{MOUNT_ATTR_NOSUID});
}

TEST(MountOptions, IdmapAndRidmap) {
  auto o = parse_mount_options({"bind", "idmap"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->idmap);
  EXPECT_FALSE(o->recursive_idmap);
  o = parse_mount_options({"rbind", "ridmap"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->idmap);
  EXPECT_TRUE(o->recursive_idmap);
}

// --- the plan ----------------------------------------------------------

TEST(MountPlan, MountsKeepTheConfigOrderWithKindsAndCleanDestinations) {
  auto s = spec_with({{"/proc", "proc", "proc", {}},
                      {"/data/../data//x/", "bind", "/host/x", {"rbind", "ro"}},
                      {"/dev", "tmpfs", "tmpfs", {"mode=755", "nosuid"}},
                      {"sys/fs/cgroup", "cgroup", "cgroup", {}},
                      {"/etc/hosts", "none", "hosts", {"bind"}}});
  Plan p = plan_of(s);
  ASSERT_EQ(p.mounts.size(), 5u);
  EXPECT_EQ(p.mounts[0].kind, MountKind::kFilesystem);
  EXPECT_EQ(p.mounts[0].destination, "/proc");
  EXPECT_TRUE(p.mounts[0].no_symlink_destination);
  EXPECT_EQ(p.mounts[1].kind, MountKind::kBind);
  EXPECT_EQ(p.mounts[1].destination, "/data/x");
  EXPECT_EQ(p.mounts[1].source, "/host/x");
  EXPECT_TRUE(p.mounts[1].options.recursive_bind);
  EXPECT_EQ(p.mounts[2].kind, MountKind::kFilesystem);
  EXPECT_EQ(p.mounts[2].options.data, (std::vector<std::string>{"mode=755"}));
  EXPECT_FALSE(p.mounts[2].no_symlink_destination);
  // A relative destination is relative to "/".
  EXPECT_EQ(p.mounts[3].kind, MountKind::kCgroup);
  EXPECT_EQ(p.mounts[3].destination, "/sys/fs/cgroup");
  // "bind" in the options makes a bind whatever the type says; a relative
  // source is relative to the bundle.
  EXPECT_EQ(p.mounts[4].kind, MountKind::kBind);
  EXPECT_EQ(p.mounts[4].source, "/bundle/hosts");
  for (size_t i = 0; i < p.mounts.size(); ++i) EXPECT_EQ(p.mounts[i].json_path, cat("$.mounts[", i, "]"));
}

TEST(MountPlan, DotDotInADestinationCannotClimbAboveTheRoot) {
  Plan p = plan_of(spec_with({{"/../../../etc/x/../y", "tmpfs", "tmpfs", {}}}));
  ASSERT_EQ(p.mounts.size(), 1u);
  EXPECT_EQ(p.mounts[0].destination, "/etc/y");
  EXPECT_EQ(plan_error(spec_with({{"/a/../..", "tmpfs", "tmpfs", {}}})),
            "$.mounts[0].destination: mounting over the container's root is not supported");
}

TEST(MountPlan, RefusedMountsNameTheirJsonPath) {
  EXPECT_EQ(plan_error(spec_with({{"/x", "tmpfs", "t", {}}, {"/y", "bind", "", {"bind"}}})),
            "$.mounts[1].source: a bind mount needs a source");
  EXPECT_EQ(plan_error(spec_with({{"/x", "", "t", {}}})),
            "$.mounts[0].type: required for a mount that is not a bind mount");
  oci::Mount idmapped_tmpfs{"/x", "tmpfs", "tmpfs", {"idmap"}, {{0, 1000, 1}}, {{0, 1000, 1}}};
  EXPECT_EQ(plan_error(spec_with({idmapped_tmpfs})), "$.mounts[0]: id-mapped mounts are only supported for bind mounts");
}

TEST(MountPlan, CgroupMountsAreReadOnlyUnlessRwIsAsked) {
  Plan p = plan_of(spec_with({{"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid"}},
                              {"/cg2", "cgroup2", "cgroup2", {"rw"}}}));
  ASSERT_EQ(p.mounts.size(), 2u);
  EXPECT_TRUE(p.mounts[0].options.readonly());
  EXPECT_FALSE(p.mounts[1].options.readonly());
}

TEST(MountPlan, SysfsIsReadOnlyWhenTheNetworkNamespaceIsTheHosts) {
  oci::Mount sys{"/sys", "sysfs", "sysfs", {"nosuid"}};
  EXPECT_TRUE(plan_of(spec_with({sys})).mounts[0].options.readonly());
  EXPECT_FALSE(plan_of(spec_with({sys}, {{"mount", ""}, {"network", ""}})).mounts[0].options.readonly());
  // A joined network namespace is not the host's either.
  EXPECT_FALSE(plan_of(spec_with({sys}, {{"mount", ""}, {"network", "/proc/1/ns/net"}})).mounts[0].options.readonly());
}

TEST(MountPlan, DevptsGetsAPrivateInstanceWithAUsablePtmx) {
  Plan p = plan_of(spec_with({{"/dev/pts", "devpts", "devpts", {"gid=5", "ptmxmode=0600"}}}));
  EXPECT_EQ(p.mounts[0].options.data, (std::vector<std::string>{"gid=5", "ptmxmode=0600", "newinstance"}));
}

TEST(MountPlan, RootPropagationDefaultsToRecursiveSlave) {
  Plan p = plan_of(spec_with({}));
  EXPECT_EQ(p.root_propagation, static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(p.final_propagation, 0u);
}

TEST(MountPlan, PrivateAndSlaveModesApplyToTheRootBeforeMounting) {
  for (auto [name, flags] : std::vector<std::pair<std::string, unsigned long>>{
           {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC}}) {
    auto s = spec_with({});
    s.linux->rootfs_propagation = name;
    Plan p = plan_of(s);
    EXPECT_EQ(p.root_propagation, flags) << name;
    EXPECT_EQ(p.final_propagation, 0u) << name;
  }
}

TEST(MountPlan, SharedAndUnbindableModesApplyBeforeMountingAndAgainAfterPivot) {
  for (auto [name, flags] : std::vector<std::pair<std::string, unsigned long>>{
           {"shared", MS_SHARED}, {"rshared", MS_SHARED | MS_REC}, {"unbindable", MS_UNBINDABLE},
           {"runbindable", MS_UNBINDABLE | MS_REC}}) {
    auto s = spec_with({});
    s.linux->rootfs_propagation = name;
    Plan p = plan_of(s);
    EXPECT_EQ(p.root_propagation, flags) << name;
    EXPECT_EQ(p.final_propagation, flags) << name;
  }
}

TEST(MountPlan, DefaultDevicesAndLinksWhenDevIsOurs) {
  Plan p = plan_of(spec_with({{"/dev", "tmpfs", "tmpfs", {}}}));
  EXPECT_TRUE(p.setup_dev);
  EXPECT_EQ(p.devices, default_devices());
  std::vector<std::string> paths;
  for (const auto& d : p.devices) paths.push_back(d.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                             "/dev/tty"}));
  for (const auto& d : p.devices) {
    EXPECT_EQ(d.type, 'c') << d.path;
    EXPECT_EQ(d.mode, 0666u) << d.path;
  }
  const auto has_link = [&](const Symlink& l) { return std::find(p.symlinks.begin(), p.symlinks.end(), l) != p.symlinks.end(); };
  EXPECT_TRUE(has_link({"/proc/self/fd", "/dev/fd"}));
  EXPECT_TRUE(has_link({"/proc/self/fd/0", "/dev/stdin"}));
  EXPECT_TRUE(has_link({"/proc/self/fd/1", "/dev/stdout"}));
  EXPECT_TRUE(has_link({"/proc/self/fd/2", "/dev/stderr"}));
  EXPECT_TRUE(has_link({"pts/ptmx", "/dev/ptmx"}));
}

TEST(MountPlan, ABindOfTheHostsDevBringsItsOwnNodes) {
  Plan p = plan_of(spec_with({{"/dev", "bind", "/dev", {"rbind"}}}));
  EXPECT_FALSE(p.setup_dev);
  EXPECT_TRUE(p.devices.empty());
  EXPECT_TRUE(p.symlinks.empty());
}

TEST(MountPlan, ConfiguredDevicesReplaceDefaultsAndKeepTheirAttributes) {
  auto s = spec_with({{"/dev", "tmpfs", "tmpfs", {}}});
  s.linux->devices = {{"/dev/null", "c", 1, 3, 0600, 5, 6},
                      {"/dev/./sda", "b", 8, 0, std::nullopt, std::nullopt, std::nullopt},
                      {"/dev/fifo", "p", 0, 0, 010644, 1, 1},
                      {"/dev/unbuffered", "u", 4, 64, 0620, std::nullopt, 7}};
  Plan p = plan_of(s);
  ASSERT_EQ(p.devices.size(), default_devices().size() + 3);
  const auto find = [&](const std::string& path) {
    auto it = std::find_if(p.devices.begin(), p.devices.end(), [&](const DeviceNode& d) { return d.path == path; });
    return it == p.devices.end() ? DeviceNode{} : *it;
  };
  EXPECT_EQ(std::count_if(p.devices.begin(), p.devices.end(), [](const DeviceNode& d) { return d.path == "/dev/null"; }), 1);
  EXPECT_EQ(find("/dev/null"), (DeviceNode{"/dev/null", 'c', 1, 3, 0600, 5, 6}));
  EXPECT_EQ(find("/dev/sda"), (DeviceNode{"/dev/sda", 'b', 8, 0, 0666, 0, 0}));
  // The file type bits of fileMode are not permission bits.
  EXPECT_EQ(find("/dev/fifo"), (DeviceNode{"/dev/fifo", 'p', 0, 0, 0644, 1, 1}));
  EXPECT_EQ(find("/dev/unbuffered"), (DeviceNode{"/dev/unbuffered", 'c', 4, 64, 0620, 0, 7}));
}

TEST(MountPlan, InAUserNamespaceDevicesAreBoundNotCreated) {
  EXPECT_FALSE(plan_of(spec_with({})).bind_devices);
  EXPECT_TRUE(plan_of(spec_with({}, {{"mount", ""}, {"user", ""}})).bind_devices);
  EXPECT_TRUE(plan_of(spec_with({}, {{"mount", ""}, {"user", "/proc/1/ns/user"}})).bind_devices);
}

TEST(MountPlan, MaskedAndReadonlyPathsAreCleanedAndKeptInOrder) {
  auto s = spec_with({});
  s.linux->masked_paths = {"/proc/kcore", "/proc//keys/", "/sys/../sys/firmware"};
  s.linux->readonly_paths = {"/proc/sys", "/proc/bus/"};
  Plan p = plan_of(s);
  EXPECT_EQ(p.masked_paths, (std::vector<std::string>{"/proc/kcore", "/proc/keys", "/sys/firmware"}));
  EXPECT_EQ(p.readonly_paths, (std::vector<std::string>{"/proc/sys", "/proc/bus"}));
}

TEST(MountPlan, NamespaceDrivenSwitches) {
  Plan own = plan_of(spec_with({}, {{"mount", ""}, {"cgroup", ""}}));
  EXPECT_TRUE(own.own_mount_namespace);
  EXPECT_TRUE(own.cgroup_namespace);
  Plan shared = plan_of(spec_with({}, {{"cgroup", "/proc/1/ns/cgroup"}}));
  EXPECT_FALSE(shared.own_mount_namespace);
  // Only a new cgroup namespace makes cgroupfs show our cgroup as its root.
  EXPECT_FALSE(shared.cgroup_namespace);
}

TEST(MountPlan, RootAndProcessSettings) {
  auto s = spec_with({});
  s.root->readonly = true;
  s.process.emplace();
  s.process->terminal = true;
  Plan p = plan_of(s, {"/bundle", true});
  EXPECT_TRUE(p.readonly_root);
  EXPECT_TRUE(p.console);
  EXPECT_TRUE(p.no_pivot);
  EXPECT_EQ(p.rootfs, "/bundle/rootfs");
}

TEST(MountPlan, IdmapTakesTheMountsMapsOrElseTheUserNamespaces) {
  const std::vector<oci::IdMapping> own{{0, 5000, 10}}, container{{0, 100000, 65536}};
  oci::Mount with_maps{"/a", "bind", "/src", {"bind", "idmap"}, own, own};
  oci::Mount without{"/b", "bind", "/src", {"rbind", "ridmap"}};
  auto s = spec_with({with_maps, without}, {{"mount", ""}, {"user", ""}});
  s.linux->uid_mappings = container;
  s.linux->gid_mappings = container;
  Plan p = plan_of(s);
  EXPECT_TRUE(p.mounts[0].options.idmap);
  EXPECT_EQ(p.mounts[0].uid_mappings, own);
  EXPECT_TRUE(p.mounts[1].options.recursive_idmap);
  EXPECT_EQ(p.mounts[1].uid_mappings, container);
  EXPECT_EQ(p.mounts[1].gid_mappings, container);
  EXPECT_TRUE(p.mounts[1].idmap_userns_path.empty());
  // A joined user namespace: its maps, through its path.
  Plan joined = plan_of(spec_with({without}, {{"mount", ""}, {"user", "/proc/7/ns/user"}}));
  EXPECT_TRUE(joined.mounts[0].uid_mappings.empty());
  EXPECT_EQ(joined.mounts[0].idmap_userns_path, "/proc/7/ns/user");
  // Neither: nothing to map with.
  EXPECT_EQ(plan_error(spec_with({without})),
            "$.mounts[0].options: idmap needs uidMappings and gidMappings or a user namespace");
  // Nothing is opened while planning.
  EXPECT_TRUE(p.inherited_fds().empty());
}

// root.path, relative to the bundle or absolute, is what the plan mounts.
class BundleRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ocirun-plan-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "rootfs");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<Plan> plan_for_root(const std::string& root_path) {
    std::ofstream(dir_ / "config.json")
        << R"({"ociVersion": "1.0.2", "root": {"path": ")" << root_path
        << R"("}, "process": {"args": ["sh"], "cwd": "/"}, "linux": {"namespaces": [{"type": "mount"}]},
             "mounts": [{"destination": "/x", "type": "bind", "source": "data", "options": ["bind"]}]})";
    TRY_ASSIGN(auto bundle, container::load_bundle(dir_.string(), {}));
    return make_plan(bundle.spec, bundle.rootfs, {bundle.dir, false});
  }

  std::filesystem::path dir_;
};

TEST_F(BundleRoot, RelativeRootPathIsTakenFromTheBundle) {
  auto p = plan_for_root("rootfs");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->rootfs, (dir_ / "rootfs").string());
  EXPECT_EQ(p->mounts[0].source, (dir_ / "data").string());
}

TEST_F(BundleRoot, AbsoluteRootPathIsKept) {
  const std::string abs = (dir_ / "rootfs").string();
  auto p = plan_for_root(abs + "/./");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->rootfs, abs);
}

}  // namespace
}  // namespace rt::rootfs
