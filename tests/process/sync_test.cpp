#include "runtime/process/sync.hpp"

#include <gtest/gtest.h>

#include "runtime/process/channel.hpp"

namespace rt::process {
namespace {

TEST(SyncSequence, MinimalConfigNeedsOnlyReady) {
  SyncSequence seq({});
  EXPECT_TRUE(seq.accept(Msg::kReady));
  EXPECT_TRUE(seq.ready());
}

TEST(SyncSequence, AllOptionalStepsInOrder) {
  SyncSequence seq({true, true, true, true});
  for (Msg m : {Msg::kUsernsReady, Msg::kInitPid, Msg::kMountsReady, Msg::kSeccompFd, Msg::kReady})
    EXPECT_TRUE(seq.accept(m)) << msg_name(m);
  EXPECT_TRUE(seq.ready());
}

TEST(SyncSequence, RejectsOutOfOrderAndUnexpectedFrames) {
  SyncSequence seq({false, true, true, false});
  auto r = seq.accept(Msg::kMountsReady);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().msg, "protocol error: expected init-pid from container init, got mounts-ready");
  SyncSequence no_hooks({});
  EXPECT_FALSE(no_hooks.accept(Msg::kMountsReady));
  SyncSequence done({});
  ASSERT_TRUE(done.accept(Msg::kReady));
  EXPECT_FALSE(done.accept(Msg::kReady));
}

TEST(SyncSequence, SkippedStepsMayNotComeLater) {
  SyncSequence seq({false, false, true, false});
  ASSERT_TRUE(seq.accept(Msg::kMountsReady));
  EXPECT_FALSE(seq.accept(Msg::kInitPid));
}

TEST(Channel, FramesCarryTypeErrnoPayloadAndFds) {
  auto pair = Channel::make_pair();
  ASSERT_TRUE(pair);
  auto& [a, b] = *pair;
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  ASSERT_TRUE(a.send(static_cast<uint32_t>(Msg::kError), EPERM, "boom", {pipefd[1]}));
  close(pipefd[1]);
  auto f = b.recv();
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_EQ(f->type, static_cast<uint32_t>(Msg::kError));
  EXPECT_EQ(f->err, EPERM);
  EXPECT_EQ(f->payload, "boom");
  ASSERT_EQ(f->fds.size(), 1u);
  // The passed fd is a working copy of the pipe's write end.
  ASSERT_EQ(write(f->fds[0].get(), "x", 1), 1);
  char c;
  EXPECT_EQ(read(pipefd[0], &c, 1), 1);
  close(pipefd[0]);
}

TEST(Channel, EmptyPayloadAndEof) {
  auto pair = Channel::make_pair();
  ASSERT_TRUE(pair);
  auto& [a, b] = *pair;
  ASSERT_TRUE(a.send(static_cast<uint32_t>(Msg::kGo)));
  auto f = b.recv();
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->payload.empty());
  a.close();
  auto eof = b.recv();
  ASSERT_FALSE(eof);
  EXPECT_EQ(eof.error().errnum, EPIPE);
}

}  // namespace
}  // namespace rt::process
