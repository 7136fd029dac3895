// Resolution inside a rootfs: symlinks (absolute, relative, dangling) and
// ".." never lead out of it, and what is created for a mount point is
// created inside it. A directory next to the rootfs plays the host.
#include "runtime/rootfs/safe_path.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rt::rootfs {
namespace {

namespace fsys = std::filesystem;

class SafePath : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fsys::temp_directory_path() / ("ocirun-safepath-" + std::to_string(::getpid()));
    root_dir_ = base_ / "rootfs";
    host_ = base_ / "host";
    fsys::create_directories(root_dir_ / "etc");
    fsys::create_directories(host_);
    root_.reset(::open(root_dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_);
  }
  void TearDown() override { fsys::remove_all(base_); }

  void link(const std::string& target, const std::string& at) { fsys::create_symlink(target, root_dir_ / at); }
  bool host_is_empty() const { return fsys::is_empty(host_); }
  // The path an fd really refers to.
  static std::string where(const UniqueFd& fd) { return fsys::read_symlink("/proc/self/fd/" + std::to_string(fd.get())); }

  fsys::path base_, root_dir_, host_;
  UniqueFd root_;
};

TEST_F(SafePath, AbsoluteAndRelativeSymlinksResolveInsideTheRoot) {
  fsys::create_directories(root_dir_ / "real");
  fsys::create_directories(host_ / "real");
  link("/real", "abs");
  link("../../../../../real", "etc/rel");
  for (const char* p : {"/abs", "/etc/rel", "/../../abs", "abs/../abs"}) {
    auto fd = open_in_root(root_.get(), p, O_PATH | O_DIRECTORY);
    ASSERT_TRUE(fd) << p << ": " << fd.error().to_string();
    EXPECT_EQ(where(*fd), (root_dir_ / "real").string()) << p;
  }
}

TEST_F(SafePath, NoSymlinksRefusesALinkAnywhereOnThePath) {
  fsys::create_directories(root_dir_ / "real");
  link("/real", "abs");
  auto fd = open_in_root(root_.get(), "/abs", O_PATH | O_DIRECTORY, kResolveNoSymlinks);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().errnum, ELOOP);
}

TEST_F(SafePath, MkdirThroughADanglingSymlinkToTheHostCreatesInsideTheRoot) {
  link(host_.string() + "/made", "mnt");
  auto fd = mkdir_all_in_root(root_.get(), "/mnt/deeper");
  ASSERT_TRUE(fd) << fd.error().to_string();
  const fsys::path inside = root_dir_ / fsys::path(host_).relative_path() / "made" / "deeper";
  EXPECT_EQ(where(*fd), inside.string());
  EXPECT_TRUE(fsys::is_directory(inside));
  EXPECT_TRUE(host_is_empty());
}

TEST_F(SafePath, CreateFileThroughADanglingRelativeSymlinkCreatesInsideTheRoot) {
  // /etc/resolv.conf -> ../run/resolve/stub.conf, as in many images.
  link("../../../run/resolve/stub.conf", "etc/resolv.conf");
  auto fd = create_file_in_root(root_.get(), "/etc/resolv.conf", 0644);
  ASSERT_TRUE(fd) << fd.error().to_string();
  EXPECT_EQ(where(*fd), (root_dir_ / "run/resolve/stub.conf").string());
  struct stat st {};
  ASSERT_EQ(::stat((root_dir_ / "run/resolve").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0111u) << "directories on the way must be searchable";
  ASSERT_EQ(::stat((root_dir_ / "run/resolve/stub.conf").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(SafePath, ParentOfADeviceBehindASymlinkIsInsideTheRoot) {
  link(host_.string(), "dev");
  auto pn = open_parent_in_root(root_.get(), "/dev/sub/node", true);
  ASSERT_TRUE(pn) << pn.error().to_string();
  EXPECT_EQ(pn->name, "node");
  EXPECT_EQ(where(pn->parent), (root_dir_ / fsys::path(host_).relative_path() / "sub").string());
  EXPECT_TRUE(host_is_empty());
}

TEST_F(SafePath, SymlinkLoopsFail) {
  link("/b", "a");
  link("/a", "b");
  auto fd = mkdir_all_in_root(root_.get(), "/a/x");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().errnum, ELOOP);
  EXPECT_TRUE(host_is_empty());
}

TEST_F(SafePath, ARegularFileOnTheWayIsNotADirectory) {
  std::ofstream(root_dir_ / "etc/file") << "x";
  auto fd = mkdir_all_in_root(root_.get(), "/etc/file/sub");
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().errnum, ENOTDIR);
}

}  // namespace
}  // namespace rt::rootfs
