#include "runtime/container/status.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include "runtime/container/lifecycle.hpp"

namespace rt::container {
namespace {

TEST(Status, DerivedFromFacts) {
  struct Case {
    StatusFacts facts;
    Status want;
  };
  const Case cases[] = {
      {{false, true, false, false, false}, Status::kCreating},
      {{false, false, false, false, false}, Status::kStopped},  // its creator died
      {{true, false, false, true, false}, Status::kStopped},    // init dead, fifo left
      {{true, false, true, true, false}, Status::kCreated},
      {{true, false, true, false, false}, Status::kRunning},
      {{true, false, true, false, true}, Status::kPaused},
      {{true, false, true, true, true}, Status::kPaused},
  };
  for (const auto& c : cases) EXPECT_EQ(derive_status(c.facts), c.want) << status_name(c.want);
}

TEST(Status, LifecyclePredicates) {
  EXPECT_TRUE(can_start(Status::kCreated));
  EXPECT_FALSE(can_start(Status::kRunning));
  EXPECT_FALSE(can_start(Status::kStopped));
  EXPECT_TRUE(can_kill(Status::kCreated));
  EXPECT_TRUE(can_kill(Status::kRunning));
  EXPECT_FALSE(can_kill(Status::kStopped));
  EXPECT_TRUE(can_delete(Status::kStopped));
  EXPECT_TRUE(can_delete(Status::kCreated));
  EXPECT_FALSE(can_delete(Status::kRunning));
  EXPECT_TRUE(can_resume(Status::kPaused));
  EXPECT_FALSE(can_resume(Status::kRunning));
}

TEST(Signals, ParsedLikeRunc) {
  EXPECT_EQ(*parse_signal("9"), SIGKILL);
  EXPECT_EQ(*parse_signal("KILL"), SIGKILL);
  EXPECT_EQ(*parse_signal("SIGKILL"), SIGKILL);
  EXPECT_EQ(*parse_signal("sigterm"), SIGTERM);
  EXPECT_EQ(*parse_signal("HUP"), SIGHUP);
  EXPECT_EQ(*parse_signal("SIGRTMIN"), SIGRTMIN);
  EXPECT_EQ(*parse_signal("RTMIN+3"), SIGRTMIN + 3);
  EXPECT_EQ(*parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
  for (const char* bad : {"0", "-1", "65", "BOGUS", "SIGBOGUS", "", "RTMIN+99", "9x"})
    EXPECT_FALSE(parse_signal(bad)) << bad;
  EXPECT_EQ(parse_signal("BOGUS").error().to_string(), "invalid signal \"BOGUS\"");
}

}  // namespace
}  // namespace rt::container
