#include "runtime/container/state_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rt::container {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ocirun-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  ContainerState sample(const std::string& id) {
    ContainerState s;
    s.id = id;
    s.bundle = "/bundle";
    s.rootfs = "/bundle/rootfs";
    s.created = "2026-01-01T00:00:00.000000001Z";
    s.pid = 4242;
    s.pid_start_time = 99;
    s.annotations = {{"a", "b"}};
    s.cgroup.driver = "cgroupfs";
    s.cgroup.dirs = {{"", "/sys/fs/cgroup/ocirun/x"}};
    return s;
  }

  std::string root_;
};

TEST_F(StateStoreTest, StateRoundTripsThroughTheFile) {
  StateStore store(root_ + "/state");
  auto dir = store.create("c1");
  ASSERT_TRUE(dir) << dir.error().to_string();
  ASSERT_TRUE(dir->write_state(sample("c1")));
  auto back = dir->read_state();
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->pid, 4242);
  EXPECT_EQ(back->pid_start_time, 99u);
  EXPECT_EQ(back->annotations.at("a"), "b");
  EXPECT_EQ(back->cgroup.dirs.at(""), "/sys/fs/cgroup/ocirun/x");
  EXPECT_EQ(back->rootfs, "/bundle/rootfs");
}

TEST_F(StateStoreTest, WritesAreAtomicAndLeaveNoTemporaryFile) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  for (int i = 0; i < 20; ++i) {
    auto s = sample("c1");
    s.pid = 1000 + i;
    ASSERT_TRUE(dir->write_state(s));
  }
  EXPECT_FALSE(std::filesystem::exists(root_ + "/c1/.state.json.tmp"));
  EXPECT_EQ(dir->read_state()->pid, 1019);
}

TEST_F(StateStoreTest, DuplicateIdIsRefusedAndTheFirstIsUntouched) {
  StateStore store(root_);
  auto first = store.create("c1");
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->write_state(sample("c1")));
  auto second = store.create("c1");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().to_string(), "container with id exists: c1");
  EXPECT_EQ(first->read_state()->pid, 4242);
}

TEST_F(StateStoreTest, OpeningAMissingContainerSaysDoesNotExist) {
  StateStore store(root_);
  auto dir = store.open("nosuch", Lock::kNone);
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().to_string(), "container \"nosuch\" does not exist");
}

TEST_F(StateStoreTest, TheCreatorsLockIsSeenAndBlocksOtherWriters) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  auto reader = store.open("c1", Lock::kNone);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(store.is_locked(*reader));
  // Another process cannot take the lock while we hold it.
  const pid_t child = fork();
  if (child == 0) {
    int fd = open((root_ + "/c1").c_str(), O_RDONLY | O_DIRECTORY);
    _exit(flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  dir->unlock();
  EXPECT_FALSE(store.is_locked(*reader));
}

TEST_F(StateStoreTest, AWaiterForADeletedContainerSeesItIsGone) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  const pid_t child = fork();
  if (child == 0) {
    auto waiter = StateStore(root_).open("c1", Lock::kExclusive);
    _exit(!waiter && waiter.error().to_string() == "container \"c1\" does not exist" ? 0 : 1);
  }
  usleep(100000);  // let the child block on the lock
  ASSERT_TRUE(dir->remove());
  dir->unlock();
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(StateStoreTest, RemoveDeletesFilesAndSubdirectories) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(dir->write_state(sample("c1")));
  ASSERT_EQ(mkfifoat(dir->fd(), kExecFifo, 0600), 0);
  ASSERT_EQ(mkdirat(dir->fd(), "notify", 0755), 0);
  ASSERT_EQ(close(openat(dir->fd(), "notify/notify.sock", O_CREAT | O_WRONLY, 0600)), 0);
  ASSERT_TRUE(dir->remove());
  EXPECT_FALSE(std::filesystem::exists(root_ + "/c1"));
}

TEST_F(StateStoreTest, ListReturnsSortedValidIds) {
  StateStore store(root_);
  ASSERT_TRUE(store.create("b"));
  ASSERT_TRUE(store.create("a"));
  std::filesystem::create_directory(root_ + "/bad name");
  auto ids = store.list_ids();
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(StateStore(root_ + "/missing").list_ids()->empty());
}

TEST(StateFile, DamagedFilesAreErrorsNotCrashes) {
  for (const char* text : {"", "{", "[]", "{\"id\": 1}", "{\"id\":\"x\",\"bundle\":\"/b\"}",
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":-5}", "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":\"1\"}",
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":4294967296,\"pid_start_time\":1}",
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1.5,\"pid_start_time\":1}",
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":9223372036854775813,\"pid_start_time\":1}",
                           // Found by tests/fuzz/state_fuzzer: a float start time beyond uint64 (UB when cast).
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1,\"pid_start_time\":2499333333333333333333333333333333333333333333790}",
                           "{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1,\"pid_start_time\":-1}"}) {
    EXPECT_FALSE(decode_state(text)) << text;
  }
  EXPECT_TRUE(decode_state("{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1,\"pid_start_time\":7}"));
  // A pid of 0 is a container still being created: no start time yet.
  EXPECT_TRUE(decode_state("{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":0}"));
}

// Found by tests/fuzz/state_fuzzer (seed seeds/state/minimal.json): a state
// without cgroup directories was written with an empty "cgroup" member,
// which the reader then refused.
TEST(StateFile, AStateWithoutCgroupRoundTrips) {
  auto s = decode_state("{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1,\"pid_start_time\":7}");
  ASSERT_TRUE(s);
  auto back = decode_state(encode_state(*s));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(back->cgroup.dirs.empty());
}

// A pid whose start time is unknown could be any process (host init, a
// recycled pid): kill and delete must not act on it.
TEST(StateFile, APidWithoutItsStartTimeIsDamaged) {
  auto s = decode_state("{\"id\":\"x\",\"bundle\":\"/b\",\"pid\":1}");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().to_string(), "state.json is damaged: pid 1 without pid_start_time");
}

TEST_F(StateStoreTest, AStateFileOfAnotherContainerIsDamaged) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(dir->write_state(sample("c2")));
  auto back = dir->read_state();
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().to_string().find("state.json is damaged: it is of container \"c2\""), std::string::npos)
      << back.error().to_string();
}

TEST_F(StateStoreTest, AStateFileThatIsNotARegularFileIsRefusedWithoutBlocking) {
  StateStore store(root_);
  auto dir = store.create("c1");
  ASSERT_TRUE(dir);
  ASSERT_EQ(mkfifoat(dir->fd(), kStateFile, 0600), 0);  // a reader would wait forever for a writer
  auto back = dir->read_state();
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().to_string().find("state.json: not a regular file"), std::string::npos)
      << back.error().to_string();
}

TEST(ContainerId, ValidatedLikeRunc) {
  for (const char* ok : {"a", "abc-DEF_1.2+3", "0123456789abcdef"}) EXPECT_TRUE(validate_id(ok)) << ok;
  for (const char* bad : {"", ".", "..", "a/b", "a b", "a\nb", "ä", "a:b"}) EXPECT_FALSE(validate_id(bad)) << bad;
  EXPECT_TRUE(validate_id(std::string(255, 'x')));
  EXPECT_FALSE(validate_id(std::string(256, 'x')));
  EXPECT_EQ(validate_id("a/b").error().to_string(),
            "invalid container id \"a/b\": only letters, digits, '_', '+', '-' and '.' are allowed");
}

}  // namespace
}  // namespace rt::container

namespace rt::container {
namespace {

// Found by the state.json fuzzer: a float start time converted with UB.
TEST(DecodeState, RefusesAStartTimeThatIsNotAnUnsignedInteger) {
  for (const char* start : {"1.11111e+41", "-5", "\"12\""}) {
    const std::string text = std::string(R"({"id":"x","bundle":"/b","pid":5,"pid_start_time":)") + start + "}";
    auto s = decode_state(text);
    ASSERT_FALSE(s) << start;
    EXPECT_NE(s.error().to_string().find("pid_start_time"), std::string::npos) << s.error().to_string();
  }
}

}  // namespace
}  // namespace rt::container
