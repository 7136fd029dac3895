#include "runtime/security/lsm.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <filesystem>
#include <fstream>

#include "runtime/base/fs.hpp"
#include "tests/security/child.hpp"

namespace rt::security {
namespace {

namespace stdfs = std::filesystem;

TEST(LsmCheck, RequestedLabelsNeedTheLsmEnabled) {
  oci::Process p;
  p.apparmor_profile = "docker-default";
  EXPECT_EQ(check_lsm_labels(p, false, false).error().msg,
            "$.process.apparmorProfile: AppArmor is not enabled on this host");
  EXPECT_TRUE(check_lsm_labels(p, true, false));
  p.apparmor_profile.clear();
  p.selinux_label = "system_u:system_r:container_t:s0";
  EXPECT_EQ(check_lsm_labels(p, true, false).error().msg,
            "$.process.selinuxLabel: SELinux is not enabled on this host");
  EXPECT_TRUE(check_lsm_labels(p, false, true));
  EXPECT_TRUE(check_lsm_labels(oci::Process{}, false, false));
}

TEST(LsmLabels, EveryRequestedLabelTheHostCannotApplyIsListed) {
  oci::Spec spec;
  spec.process.emplace();
  spec.process->apparmor_profile = "p";
  spec.process->selinux_label = "system_u:system_r:container_t:s0";
  spec.linux.emplace();
  spec.linux->mount_label = "system_u:object_r:container_file_t:s0";
  const auto none = lsm_label_issues(spec, false, false);
  ASSERT_EQ(none.size(), 3u);
  EXPECT_EQ(none[0].to_string(), "$.process.apparmorProfile: AppArmor is not enabled on this host");
  EXPECT_EQ(none[1].to_string(), "$.process.selinuxLabel: SELinux is not enabled on this host");
  EXPECT_EQ(none[2].to_string(), "$.linux.mountLabel: SELinux is not enabled on this host");
  const auto apparmor_only = lsm_label_issues(spec, true, false);
  ASSERT_EQ(apparmor_only.size(), 2u);
  EXPECT_EQ(apparmor_only[0].path, "$.process.selinuxLabel");
  EXPECT_TRUE(lsm_label_issues(spec, true, true).empty());
}

// A fake procfs: thread-self -> 123/task/123, with attr/exec and
// attr/apparmor/exec under it.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ocirun-fakeproc-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    attr_ = root_ + "/123/task/123/attr";
    stdfs::create_directories(attr_ + "/apparmor");
    stdfs::create_directory_symlink("123/task/123", root_ + "/thread-self");
    touch(attr_ + "/exec");
    touch(attr_ + "/apparmor/exec");
    struct statfs sfs {};
    ASSERT_EQ(::statfs(root_.c_str(), &sfs), 0);
    proc_ = ProcFs{root_, static_cast<int64_t>(sfs.f_type)};
  }
  void TearDown() override { stdfs::remove_all(root_); }
  static void touch(const std::string& p) { std::ofstream(p).flush(); }
  static std::string read(const std::string& p) { return fs::read_file(p).value_or("<missing>"); }

  std::string root_, attr_;
  ProcFs proc_;
};

TEST_F(FakeProc, AppArmorWritesExecProfileToTheApparmorDirectory) {
  auto r = set_apparmor_exec_profile("my-profile", proc_);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(read(attr_ + "/apparmor/exec"), "exec my-profile");
  EXPECT_EQ(read(attr_ + "/exec"), "");
}

TEST_F(FakeProc, AppArmorFallsBackToAttrExecOnOlderKernels) {
  stdfs::remove_all(attr_ + "/apparmor");
  auto r = set_apparmor_exec_profile("my-profile", proc_);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(read(attr_ + "/exec"), "exec my-profile");
}

TEST_F(FakeProc, SelinuxWritesTheLabelToAttrExec) {
  auto r = set_selinux_exec_label("system_u:system_r:container_t:s0:c1,c2", proc_);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(read(attr_ + "/exec"), "system_u:system_r:container_t:s0:c1,c2");
}

TEST_F(FakeProc, ASymlinkInsideTheTreeIsNotFollowed) {
  // The CVE-2019-16884 shape: attr redirected to a directory the image controls.
  stdfs::create_directories(root_ + "/elsewhere");
  touch(root_ + "/elsewhere/exec");
  stdfs::rename(attr_, root_ + "/real-attr");
  stdfs::create_directory_symlink("../../../elsewhere", attr_);
  auto r = set_selinux_exec_label("label", proc_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errnum, ELOOP) << r.error().to_string();
  EXPECT_EQ(read(root_ + "/elsewhere/exec"), "");
}

TEST_F(FakeProc, AProcRootThatIsNotProcfsIsRefused) {
  auto r = set_selinux_exec_label("label", ProcFs{root_});  // expects PROC_SUPER_MAGIC
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().msg.find(root_ + " is not on procfs"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(read(attr_ + "/exec"), "");
}

TEST_F(FakeProc, AProcRootThatIsASymlinkIsRefused) {
  const std::string link = root_ + "-link";
  stdfs::create_directory_symlink(root_, link);
  auto r = set_selinux_exec_label("label", ProcFs{link, proc_.fs_magic});
  stdfs::remove(link);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errnum, ENOTDIR) << r.error().to_string();  // O_NOFOLLOW|O_DIRECTORY on a symlink
}

TEST(LsmRealProc, TheWriteReachesTheRealAttributeFile) {
  // With no LSM active the kernel refuses the write itself; reaching that
  // point proves /proc passed the procfs, root-inode and path checks.
  auto r = testing::run_in_child([](int out) {
    auto w = set_selinux_exec_label("system_u:system_r:container_t:s0");
    testing::put(out, w ? std::string("written") : w.error().to_string());
    return 0;
  });
  ASSERT_TRUE(r.exited_ok());
  if (r.output == "written") GTEST_SKIP() << "an LSM accepted the label";
  EXPECT_NE(r.output.find("write /proc/"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/attr/exec"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace rt::security
