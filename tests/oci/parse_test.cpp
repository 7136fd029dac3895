#include "oci/parse.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/oci/fixtures.hpp"

namespace oci {
namespace {

// A config around a fragment: {"ociVersion": "1.3.0", <fragment>}.
std::string config_with(const std::string& fragment) {
  return R"({"ociVersion": "1.3.0", "root": {"path": "rootfs"})" + (fragment.empty() ? "" : ", " + fragment) +
         "}";
}

std::string parse_error(std::string_view text) {
  auto r = parse_config(text);
  return r ? "(parsed)" : r.error().to_string();
}

Spec parse_ok(std::string_view text) {
  auto r = parse_config(text);
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
  return r ? *r : Spec{};
}

struct PathCase {
  std::string fragment;
  std::string error;
};

TEST(Parse, ReportsPathOfWrongType) {
  const PathCase cases[] = {
      {R"("process": {"args": [1]})", "$.process.args[0]: expected string, got number"},
      {R"("process": {"args": ["sh", true]})", "$.process.args[1]: expected string, got boolean"},
      {R"("process": {"args": "sh"})", "$.process.args: expected array, got string"},
      {R"("process": {"user": {"additionalGids": [1, "2"]}})",
       "$.process.user.additionalGids[1]: expected integer, got string"},
      {R"("process": {"capabilities": {"bounding": [["CAP_KILL"]]}})",
       "$.process.capabilities.bounding[0]: expected string, got array"},
      {R"("process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": {}}]})",
       "$.process.rlimits[0].hard: expected integer, got object"},
      {R"("mounts": [{"destination": "/a"}, {"destination": "/b", "options": [1]}])",
       "$.mounts[1].options[0]: expected string, got number"},
      {R"("mounts": [{"destination": "/a", "uidMappings": [{"size": "1"}]}])",
       "$.mounts[0].uidMappings[0].size: expected integer, got string"},
      {R"("hooks": {"poststop": [{"path": "/x", "args": [null]}]})",
       "$.hooks.poststop[0].args[0]: expected string, got null"},
      {R"("hooks": [])", "$.hooks: expected object, got array"},
      {R"("annotations": ["a"])", "$.annotations: expected object, got array"},
      {R"("linux": {"resources": {"blockIO": {"throttleReadBpsDevice": [{"rate": -1}]}}})",
       "$.linux.resources.blockIO.throttleReadBpsDevice[0].rate: expected integer in [0, "
       "18446744073709551615], "
       "got -1"},
      {R"("linux": {"resources": {"hugepageLimits": [{"pageSize": 2}]}})",
       "$.linux.resources.hugepageLimits[0].pageSize: expected string, got number"},
      {R"("linux": {"resources": {"network": {"priorities": [{"name": "eth0", "priority": -1}]}}})",
       "$.linux.resources.network.priorities[0].priority: expected integer in [0, 4294967295], got -1"},
      {R"("linux": {"seccomp": {"syscalls": [{"names": ["read"], "args": [{"index": "0"}]}]}})",
       "$.linux.seccomp.syscalls[0].args[0].index: expected integer, got string"},
      {R"("linux": {"timeOffsets": {"monotonic": {"secs": "1"}}})",
       R"($.linux.timeOffsets["monotonic"].secs: expected integer, got string)"},
      {R"("linux": {"netDevices": {"eth0": {"name": 0}}})",
       R"($.linux.netDevices["eth0"].name: expected string, got number)"},
      {R"("linux": {"resources": {"rdma": {"mlx5_0": {"hcaHandles": true}}}})",
       R"($.linux.resources.rdma["mlx5_0"].hcaHandles: expected integer, got boolean)"},
      {R"("linux": {"resources": {"unified": {"memory.max": 5}}})",
       R"($.linux.resources.unified["memory.max"]: expected string, got number)"},
      {R"("linux": {"intelRdt": {"enableMonitoring": "yes"}})",
       "$.linux.intelRdt.enableMonitoring: expected boolean, got string"},
      {R"("linux": {"namespaces": {"type": "pid"}})", "$.linux.namespaces: expected array, got object"},
      {R"("linux": "x")", "$.linux: expected object, got string"},
      {R"("ociVersion": 1)", "$.ociVersion: expected string, got number"},
  };
  // In the last case ociVersion appears twice: the last one wins.
  for (const auto& c : cases) {
    EXPECT_EQ(parse_error(config_with(c.fragment)), c.error) << c.fragment;
  }
}

TEST(Parse, QuotesMapKeysInPaths) {
  EXPECT_EQ(parse_error(config_with(R"("linux": {"sysctl": {"net.ipv4.ip_forward": 1}})")),
            R"($.linux.sysctl["net.ipv4.ip_forward"]: expected string, got number)");
  // null is not absent inside a map (nor inside an array).
  EXPECT_EQ(parse_error(config_with(R"("annotations": {"a\"b\\c": null, "x": 1})")),
            R"($.annotations["a\"b\\c"]: expected string, got null)");
  EXPECT_EQ(parse_error(config_with(R"("annotations": {"a\"b\\c\n": 1})")),
            R"($.annotations["a\"b\\c\n"]: expected string, got number)");
  EXPECT_EQ(parse_error(config_with(R"("annotations": {"nul\u0000key": 1})")),
            R"($.annotations["nul\u0000key"]: expected string, got number)");
  EXPECT_EQ(parse_error(config_with(R"("annotations": {"ünï ✓": 1})")),
            R"($.annotations["ünï ✓"]: expected string, got number)");
}

TEST(Parse, NullIsTreatedAsAbsent) {
  const Spec s = parse_ok(config_with(
      R"("process": {"args": null, "env": null, "cwd": null, "terminal": null, "oomScoreAdj": null,
                     "capabilities": null, "scheduler": null, "user": null},
         "hostname": null, "mounts": null, "hooks": null, "annotations": null,
         "linux": {"seccomp": null, "resources": {"memory": {"limit": null, "swappiness": null}},
                   "namespaces": null, "sysctl": null, "timeOffsets": null})"));
  ASSERT_TRUE(s.process);
  EXPECT_TRUE(s.process->args.empty());
  EXPECT_EQ(s.process->cwd, "");
  EXPECT_FALSE(s.process->terminal);
  EXPECT_FALSE(s.process->oom_score_adj);
  EXPECT_FALSE(s.process->capabilities);
  EXPECT_FALSE(s.process->scheduler);
  EXPECT_EQ(s.hostname, "");
  EXPECT_FALSE(s.hooks);
  ASSERT_TRUE(s.linux);
  EXPECT_FALSE(s.linux->seccomp);
  ASSERT_TRUE(s.linux->resources && s.linux->resources->memory);
  EXPECT_FALSE(s.linux->resources->memory->limit);
  EXPECT_FALSE(s.linux->resources->memory->swappiness);
  // A null member of an object counts as absent: process itself, too.
  EXPECT_FALSE(parse_ok(config_with(R"("process": null, "linux": null)")).process);
}

TEST(Parse, NullInsideAnArrayIsAnError) {
  EXPECT_EQ(parse_error(config_with(R"("process": {"env": ["A=1", null]})")),
            "$.process.env[1]: expected string, got null");
  EXPECT_EQ(parse_error(config_with(R"("mounts": [null])")), "$.mounts[0]: expected object, got null");
}

TEST(Parse, IgnoresUnknownMembersAtEveryLevel) {
  const Spec s = parse_ok(config_with(
      R"("future": {"a": [1, 2, {"b": null}]}, "windows": {"layerFolders": []},
         "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 5, "username": "x"}, "extra": 1},
         "mounts": [{"destination": "/m", "newField": [true]}],
         "linux": {"resources": {"futureController": {"x": 1}, "pids": {"limit": 5, "y": "z"}},
                   "namespaces": [{"type": "pid", "flags": 3}]})"));
  ASSERT_TRUE(s.process);
  EXPECT_EQ(s.process->user.uid, 5u);
  ASSERT_EQ(s.mounts.size(), 1u);
  EXPECT_EQ(s.mounts[0].destination, "/m");
  ASSERT_TRUE(s.linux && s.linux->resources && s.linux->resources->pids);
  EXPECT_EQ(s.linux->resources->pids->limit, 5);
  EXPECT_EQ(s.linux->namespaces.size(), 1u);
}

TEST(Parse, KeepsUnknownAnnotationKeysVerbatim) {
  const Spec s = parse_ok(config_with(R"("annotations": {"com.example/x": "1", "": "", "k": ""})"));
  EXPECT_EQ(s.annotations, (std::map<std::string, std::string>{{"", ""}, {"com.example/x", "1"}, {"k", ""}}));
}

TEST(Parse, DecodesEveryMember) {
  // Spot checks of names that are easy to get wrong (the round trip over the
  // fixtures covers the rest).
  const Spec s = parse_ok(config_with(
      R"("process": {"ioPriority": {"class": "IOPRIO_CLASS_RT", "priority": 3},
                     "execCPUAffinity": {"initial": "0", "final": "1-2"}, "oomScoreAdj": -5,
                     "consoleSize": {"height": 1, "width": 2}, "noNewPrivileges": true},
         "linux": {"resources": {"memory": {"kernelTCP": 7, "disableOOMKiller": false,
                                            "checkBeforeUpdate": true},
                                 "cpu": {"realtimeRuntime": -1, "idle": 1},
                                 "blockIO": {"throttleWriteIOPSDevice": [{"major": 8, "minor": 1, "rate": 9}]},
                                 "network": {"classID": 42}},
                   "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                               "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW",
                                             "args": [{"index": 1, "value": 2, "valueTwo": 3,
                                                       "op": "SCMP_CMP_MASKED_EQ"}]}]},
                   "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=f", "memBwSchema": "MB:0=1"},
                   "timeOffsets": {"boottime": {"secs": -1, "nanosecs": 2}}})"));
  ASSERT_TRUE(s.process && s.linux && s.linux->resources);
  EXPECT_EQ(s.process->io_priority->klass, "IOPRIO_CLASS_RT");
  EXPECT_EQ(s.process->io_priority->priority, 3);
  EXPECT_EQ(s.process->exec_cpu_affinity->final, "1-2");
  EXPECT_EQ(s.process->oom_score_adj, -5);
  EXPECT_EQ(s.process->console_size->width, 2u);
  EXPECT_TRUE(s.process->no_new_privileges);
  const auto& r = *s.linux->resources;
  EXPECT_EQ(r.memory->kernel_tcp, 7);
  EXPECT_EQ(r.memory->disable_oom_killer, false);
  EXPECT_EQ(r.memory->check_before_update, true);
  EXPECT_EQ(r.cpu->realtime_runtime, -1);
  EXPECT_EQ(r.cpu->idle, 1);
  EXPECT_EQ(r.block_io->throttle_write_iops_device.at(0).rate, 9u);
  EXPECT_EQ(r.network->class_id, 42u);
  const auto& sc = *s.linux->seccomp;
  EXPECT_EQ(sc.default_errno_ret, 38u);
  EXPECT_EQ(sc.syscalls.at(0).args.at(0).value_two, 3u);
  EXPECT_EQ(sc.syscalls.at(0).args.at(0).op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(s.linux->intel_rdt->mem_bw_schema, "MB:0=1");
  EXPECT_EQ(s.linux->time_offsets.at("boottime").secs, -1);
  EXPECT_EQ(s.linux->time_offsets.at("boottime").nanosecs, 2u);
}

// ---- integer widths ------------------------------------------------------------------

struct WidthCase {
  const char* width;
  std::string fragment_prefix;  // the value is appended, then fragment_suffix
  std::string fragment_suffix;
  std::string path;
  std::string min, max, below, above;
};

TEST(Parse, EnforcesTheRangeOfEveryIntegerWidth) {
  const WidthCase cases[] = {
      {"uint16", R"("linux": {"resources": {"blockIO": {"weight": )", "}}}",
       "$.linux.resources.blockIO.weight", "0", "65535", "-1", "65536"},
      {"uint32", R"("process": {"user": {"uid": )", "}}", "$.process.user.uid", "0", "4294967295", "-1",
       "4294967296"},
      {"int32", R"("process": {"scheduler": {"policy": "SCHED_OTHER", "nice": )", "}}",
       "$.process.scheduler.nice", "-2147483648", "2147483647", "-2147483649", "2147483648"},
      {"int64", R"("linux": {"resources": {"memory": {"limit": )", "}}}", "$.linux.resources.memory.limit",
       "-9223372036854775808", "9223372036854775807", "-9223372036854775809", "9223372036854775808"},
      {"uint64", R"("process": {"rlimits": [{"type": "RLIMIT_CORE", "hard": )", "}]}",
       "$.process.rlimits[0].hard", "0", "18446744073709551615", "-1", "18446744073709551616"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.width);
    const std::string range = "expected integer in [" + c.min + ", " + c.max + "], got ";
    for (const auto& ok : {c.min, c.max})
      EXPECT_EQ(parse_error(config_with(c.fragment_prefix + ok + c.fragment_suffix)), "(parsed)") << ok;
    // Beyond 64 bits nlohmann keeps only a double, and that is what is shown.
    auto shown = [](const std::string& v) {
      if (v == "-9223372036854775809") return std::string("-9.223372036854776e+18");
      if (v == "18446744073709551616") return std::string("1.8446744073709552e+19");
      return v;
    };
    for (const auto& bad : {c.below, c.above})
      EXPECT_EQ(parse_error(config_with(c.fragment_prefix + bad + c.fragment_suffix)),
                c.path + ": " + range + shown(bad));
  }
}

TEST(Parse, KeepsExtremeValuesExactly) {
  const Spec s = parse_ok(config_with(
      R"("process": {"user": {"uid": 4294967295}, "scheduler": {"policy": "SCHED_OTHER", "nice": -2147483648},
                     "rlimits": [{"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0}]},
         "linux": {"resources": {"memory": {"limit": -9223372036854775808, "swap": 9223372036854775807}}})"));
  EXPECT_EQ(s.process->user.uid, 4294967295u);
  EXPECT_EQ(s.process->scheduler->nice, INT32_MIN);
  EXPECT_EQ(s.process->rlimits[0].hard, UINT64_MAX);
  EXPECT_EQ(s.linux->resources->memory->limit, INT64_MIN);
  EXPECT_EQ(s.linux->resources->memory->swap, INT64_MAX);
}

TEST(Parse, RejectsNumbersThatAreNotIntegers) {
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": 1.5}})")),
            "$.process.user.uid: expected integer, got fractional number 1.5");
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": -0.25}})")),
            "$.process.user.uid: expected integer, got fractional number -0.25");
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": 1.0}})")),
            "$.process.user.uid: expected integer without fraction or exponent, got 1.0");
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": 1e3}})")),
            "$.process.user.uid: expected integer without fraction or exponent, got 1000.0");
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": 1e300}})")),
            "$.process.user.uid: expected integer in [0, 4294967295], got 1e+300");
  EXPECT_EQ(parse_error(config_with(R"("process": {"user": {"uid": "1"}})")),
            "$.process.user.uid: expected integer, got string");
}

// ---- documents that are not configs ----------------------------------------------------------

TEST(Parse, RejectsTextThatIsNotAJsonObject) {
  EXPECT_EQ(parse_error("[]"), "$: expected object, got array");
  EXPECT_EQ(parse_error("\"config\""), "$: expected object, got string");
  EXPECT_EQ(parse_error("42"), "$: expected object, got number");
  EXPECT_EQ(parse_error("null"), "$: expected object, got null");
  for (const char* text : {"", " ", "{", "{\"a\"", "{\"a\":}", "{} {}", "nul", "{'a': 1}", "\xff"}) {
    const std::string err = parse_error(text);
    EXPECT_TRUE(err.starts_with("$: invalid JSON: parse error at line ")) << text << " -> " << err;
  }
}

TEST(Parse, KeepsSyntaxErrorMessagesPrintable) {
  EXPECT_EQ(
      parse_error("{\"a\": \"\xff\"}"),
      "$: invalid JSON: parse error at line 1, column 8: syntax error while parsing value - invalid string: "
      "ill-formed UTF-8 byte; last read: '\"<FF>'");
  EXPECT_EQ(
      parse_error("{\"a\": \"\x01\"}"),
      "$: invalid JSON: parse error at line 1, column 8: syntax error while parsing value - invalid string: "
      "control character U+0001 (SOH) must be escaped to \\u0001; last read: '\"<U+0001>'");
  // Well-formed UTF-8 in the bytes last read is kept.
  EXPECT_EQ(
      parse_error("{\"a\": \"\xc3\xa9\xff\"}"),
      "$: invalid JSON: parse error at line 1, column 10: syntax error while parsing value - invalid string: "
      "ill-formed UTF-8 byte; last read: '\"\xc3\xa9<FF>'");
}

TEST(Parse, ParsesProcessAndResourcesDocumentsRootedAtDollar) {
  auto p = parse_process(R"({"args": ["sh", 1]})");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().to_string(), "$.args[1]: expected string, got number");
  auto ok = parse_process(R"({"args": ["sh"], "cwd": "/", "env": ["A=1"], "user": {"uid": 3}})");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->user.uid, 3u);

  auto r = parse_resources(R"({"memory": {"limit": "1G"}})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().to_string(), "$.memory.limit: expected integer, got string");
  auto rok = parse_resources(R"({"pids": {"limit": 10}, "cpu": {"cpus": "0-1"}})");
  ASSERT_TRUE(rok.has_value());
  EXPECT_EQ(rok->pids->limit, 10);
  EXPECT_EQ(parse_resources("[]").error().to_string(), "$: expected object, got array");
  EXPECT_EQ(parse_process("").error().path, "$");
}

// ---- robustness: nothing escapes, nothing crashes --------------------------------------------

TEST(Parse, SurvivesDeeplyNestedArrays) {
  const std::string open(100000, '[');
  const std::string close(100000, ']');
  EXPECT_TRUE(parse_error(open).starts_with("$: invalid JSON: ")) << parse_error(open).substr(0, 200);
  EXPECT_EQ(parse_error(open + close), "$: expected object, got array");
  EXPECT_EQ(parse_error(config_with("\"process\": " + open + close)),
            "$.process: expected object, got array");
  EXPECT_EQ(parse_error(config_with("\"process\": {\"args\": " + open + close + "}")),
            "$.process.args[0]: expected string, got array");
}

TEST(Parse, IgnoresADeeplyNestedUnknownMember) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1";
  deep += std::string(100000, '}');
  EXPECT_EQ(parse_error(config_with("\"unknown\": " + deep)), "(parsed)");
}

TEST(Parse, SurvivesEveryTruncationOfARealConfig) {
  const std::string text = testing::read_text(testing::fixtures_dir() / "valid/hooks.json");
  ASSERT_GT(text.size(), 100u);
  for (size_t n = 0; n + 1 < text.size(); ++n) {
    auto r = parse_config(std::string_view(text).substr(0, n));
    // The trailing newline is the only thing that may be cut off.
    EXPECT_FALSE(r.has_value()) << "prefix of " << n << " bytes parsed";
    if (!r) {
      EXPECT_EQ(r.error().path, "$");
    }
  }
}

TEST(Parse, SurvivesRandomGarbageAndMutations) {
  std::mt19937 rng(20240607);
  const std::string alphabet = "{}[]\":,0123456789-+.eEtruefalsn \\/u\x01\xc3\xa9\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 200, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    auto r = parse_config(text);  // must return, whatever it returns
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  const std::string base = testing::read_text(testing::fixtures_dir() / "valid/linux-everything.json");
  for (int i = 0; i < 500; ++i) {
    std::string text = base;
    for (int k = 0; k < 5; ++k) text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    auto r = parse_config(text);
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace oci
