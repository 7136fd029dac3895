// --trace: phases recorded only when enabled, the init's events carried as
// text over the sync channel, and Chrome trace-event JSON written out.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runtime/base/fs.hpp"
#include "runtime/base/trace.hpp"

namespace rt::trace {
namespace {

class TraceTest : public ::testing::Test {
 protected:
  void TearDown() override { disable(); }
};

TEST_F(TraceTest, RecordsNothingWhenOff) {
  {
    Span span("off");
    Phases phases("a");
    phases.next("b");
  }
  record("direct", 1, 2);
  EXPECT_FALSE(enabled());
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(serialize(), "");
  EXPECT_TRUE(write_file());  // no file, no error
}

TEST_F(TraceTest, SpansAndPhasesRecordInOrder) {
  enable("/nonexistent/trace.json", "run");
  {
    Span outer("outer");
    Phases phases("first");
    phases.next("second");
  }
  ASSERT_EQ(events().size(), 3u);
  EXPECT_EQ(events()[0].name, "first");
  EXPECT_EQ(events()[1].name, "second");
  EXPECT_EQ(events()[2].name, "outer");
  EXPECT_LE(events()[0].end_us, events()[1].begin_us);
  EXPECT_LE(events()[2].begin_us, events()[0].begin_us);
  EXPECT_GE(events()[2].end_us, events()[1].end_us);
  for (const Event& e : events()) {
    EXPECT_EQ(e.pid, ::getpid());
    EXPECT_FALSE(e.from_init);
  }
}

TEST_F(TraceTest, InitEventsRoundTripThroughText) {
  enable("/nonexistent/trace.json", "create");
  record("init: mounts", 100, 250);
  record("init: pivot_root", 250, 300);
  const std::string text = serialize();
  EXPECT_EQ(text, "100 250 " + std::to_string(::getpid()) + " init: mounts\n250 300 " +
                      std::to_string(::getpid()) + " init: pivot_root\n");
  disable();
  enable("/nonexistent/trace.json", "create");
  ASSERT_TRUE(import_init_events(text));
  ASSERT_EQ(events().size(), 2u);
  EXPECT_EQ(events()[0].name, "init: mounts");
  EXPECT_EQ(events()[0].begin_us, 100);
  EXPECT_EQ(events()[0].end_us, 250);
  EXPECT_TRUE(events()[0].from_init);
  // Imported events are not sent on again.
  EXPECT_EQ(serialize(), "");
}

TEST_F(TraceTest, RejectsMalformedInitEvents) {
  enable("/nonexistent/trace.json", "create");
  for (const char* bad : {"1 2 3\n", "x 2 3 name\n", "5 4 3 name\n", "1 2 3 \n", "1 2\n"}) {
    auto r = import_init_events(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().to_string().find("bad trace line"), std::string::npos);
  }
  EXPECT_TRUE(events().empty());
}

TEST_F(TraceTest, WritesChromeTraceJson) {
  char dir[] = "/tmp/ocirun-trace-test.XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string file = std::string(dir) + "/t.json";
  enable(file, "run");
  record("create: cgroup", 1000, 1500);
  ASSERT_TRUE(import_init_events("1200 1400 1 init: mounts\n"));
  ASSERT_TRUE(write_file());
  auto text = fs::read_file(file);
  ASSERT_TRUE(text);
  const auto json = nlohmann::json::parse(*text);
  const auto& ev = json.at("traceEvents");
  ASSERT_EQ(ev.size(), 4u);  // two phases, two process names
  EXPECT_EQ(ev[0].at("name"), "create: cgroup");
  EXPECT_EQ(ev[0].at("ph"), "X");
  EXPECT_EQ(ev[0].at("ts"), 1000);
  EXPECT_EQ(ev[0].at("dur"), 500);
  EXPECT_EQ(ev[0].at("pid"), ::getpid());
  EXPECT_EQ(ev[1].at("name"), "init: mounts");
  EXPECT_EQ(ev[1].at("dur"), 200);
  EXPECT_NE(ev[1].at("pid"), ev[0].at("pid"));  // a track of its own
  EXPECT_EQ(ev[1].at("tid"), 1);
  EXPECT_EQ(ev[2].at("ph"), "M");
  EXPECT_EQ(ev[2].at("args").at("name"), "ocirun run");
  EXPECT_EQ(ev[3].at("args").at("name"), "container init");
  ::unlink(file.c_str());
  ::rmdir(dir);
}

TEST_F(TraceTest, WriteFailureNamesTheFile) {
  enable("/nonexistent-dir/t.json", "run");
  record("x", 1, 2);
  auto r = write_file();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("/nonexistent-dir/t.json"), std::string::npos);
}

}  // namespace
}  // namespace rt::trace
