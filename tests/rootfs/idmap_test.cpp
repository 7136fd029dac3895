// Id-mapped trees made the way the runtime makes them before clone: a real
// user namespace and mount_setattr, so root and a kernel with idmapped
// mounts are needed (skipped otherwise). Nothing is attached anywhere.
#include "runtime/rootfs/idmap.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rt::rootfs {
namespace {

namespace fsys = std::filesystem;

class IdmappedTree : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    dir_ = fsys::temp_directory_path() / ("ocirun-idmap-" + std::to_string(::getpid()));
    fsys::create_directories(dir_);
    std::ofstream(dir_ / "by-root") << "x";
    std::ofstream(dir_ / "by-1000") << "x";
    ASSERT_EQ(::chown((dir_ / "by-1000").c_str(), 1000, 1000), 0);
  }
  void TearDown() override {
    if (!dir_.empty()) fsys::remove_all(dir_);
  }

  Plan plan_with(MountOp op) {
    op.kind = MountKind::kBind;
    op.source = dir_.string();
    op.destination = "/mapped";
    op.json_path = "$.mounts[0]";
    op.options.bind = op.options.idmap = true;
    Plan p;
    p.mounts = {MountOp{}, std::move(op)};  // a plain mount first: left alone
    return p;
  }

  static uid_t owner(int tree, const char* name) {
    struct stat st {};
    EXPECT_EQ(::fstatat(tree, name, &st, 0), 0) << name;
    return st.st_uid;
  }

  fsys::path dir_;
};

TEST_F(IdmappedTree, TheRuntimeMakesTreesThatShowOwnersThroughTheMaps) {
  MountOp op;
  op.uid_mappings = {{0, 5000, 2000}};
  op.gid_mappings = {{0, 7000, 2000}};
  Plan p = plan_with(op);
  auto made = prepare_idmapped_mounts(p);
  if (!made && made.error().errnum == EINVAL) GTEST_SKIP() << "filesystem without idmapped mounts";
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ(p.mounts[0].idmapped_tree, nullptr);
  ASSERT_TRUE(p.mounts[1].idmapped_tree && *p.mounts[1].idmapped_tree);
  const int tree = p.mounts[1].idmapped_tree->get();
  EXPECT_EQ(p.inherited_fds(), std::vector<int>{tree});
  EXPECT_EQ(owner(tree, "by-root"), 5000u);
  EXPECT_EQ(owner(tree, "by-1000"), 6000u);
  // Close-on-exec: it never reaches the container's process.
  EXPECT_TRUE(::fcntl(tree, F_GETFD) & FD_CLOEXEC);
  // The source itself is unchanged.
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "by-root").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

TEST_F(IdmappedTree, AJoinedUserNamespaceLendsItsMaps) {
  UniqueFd proc(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto userns = new_userns_fd(proc.get(), {{0, 3000, 2000}}, {{0, 3000, 2000}});
  ASSERT_TRUE(userns) << userns.error().to_string();
  MountOp op;
  op.idmap_userns_path = cat("/proc/self/fd/", userns->get());
  Plan p = plan_with(op);
  auto made = prepare_idmapped_mounts(p);
  if (!made && made.error().errnum == EINVAL) GTEST_SKIP() << "filesystem without idmapped mounts";
  ASSERT_TRUE(made) << made.error().to_string();
  EXPECT_EQ(owner(p.mounts[1].idmapped_tree->get(), "by-1000"), 4000u);
}

TEST_F(IdmappedTree, AMissingSourceNamesTheMount) {
  MountOp op;
  op.uid_mappings = op.gid_mappings = {{0, 5000, 10}};
  Plan p = plan_with(op);
  p.mounts[1].source = (dir_ / "missing").string();
  auto made = prepare_idmapped_mounts(p);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().errnum, ENOENT);
  EXPECT_NE(made.error().msg.find("$.mounts[0] (/mapped): bind source"), std::string::npos) << made.error().msg;
}

}  // namespace
}  // namespace rt::rootfs
