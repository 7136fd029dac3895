#include "oci/validate.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "oci/names.hpp"
#include "tests/oci/fixtures.hpp"

namespace oci {
namespace {

using testing::errors_of;
using testing::warnings_of;

// A valid config with its own pid, mount, ipc, uts and network namespaces.
Spec valid_spec() {
  Spec s;
  s.oci_version = "1.3.0";
  s.root = Root{"rootfs", false};
  Process p;
  p.args = {"sh"};
  p.env = {"PATH=/bin"};
  p.cwd = "/";
  s.process = p;
  Linux l;
  for (const char* t : {"pid", "mount", "ipc", "uts", "network"}) l.namespaces.push_back({t, ""});
  s.linux = l;
  return s;
}

std::string first_error(const Spec& s, const ValidateOptions& o = {}) {
  for (const auto& i : validate(s, o))
    if (i.is_error()) return i.to_string();
  return "";
}

struct Case {
  const char* name;
  std::function<void(Spec&)> mutate;
  std::string error;  // the first error; empty: the config must stay valid
};

void run_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    Spec s = valid_spec();
    c.mutate(s);
    EXPECT_EQ(first_error(s), c.error) << c.name;
  }
}

void remove_namespace(Spec& s, const std::string& type) {
  std::erase_if(s.linux->namespaces, [&](const Namespace& n) { return n.type == type; });
}

TEST(Validate, TheBaseSpecIsValid) { EXPECT_EQ(validate(valid_spec()), Issues{}); }

TEST(Validate, OciVersion) {
  for (const char* v :
       {"1.0.0", "1.3.0", "1.0.2-dev", "1.1.0+dev", "1.10.20", "1.0.0-rc.1", "1.2.0-rc.1+build.5"}) {
    Spec s = valid_spec();
    s.oci_version = v;
    EXPECT_EQ(first_error(s), "") << v;
  }
  for (const char* v :
       {"2.0.0", "1.0", "1", "v1.0.0", "1.0.0-", "1.a.0", "0.9.0", "1.0.0 ", "1..0", "1.0.0-a b"}) {
    Spec s = valid_spec();
    s.oci_version = v;
    EXPECT_EQ(first_error(s), "$.ociVersion: unsupported version " + quote(v) + " (expected 1.x.y)") << v;
  }
  Spec s = valid_spec();
  s.oci_version.clear();
  EXPECT_EQ(first_error(s), "$.ociVersion: is required");
}

TEST(Validate, Root) {
  run_cases({
      {"no root", [](Spec& s) { s.root.reset(); }, "$.root: is required"},
      {"empty path", [](Spec& s) { s.root->path.clear(); }, "$.root.path: is required"},
      {"nul", [](Spec& s) { s.root->path = std::string("a\0b", 3); }, "$.root.path: contains a NUL byte"},
      {"absolute", [](Spec& s) { s.root->path = "/var/lib/rootfs"; }, ""},
      {"relative", [](Spec& s) { s.root->path = "../rootfs"; }, ""},
  });
}

TEST(Validate, ProcessIsOptional) {
  Spec s = valid_spec();
  s.process.reset();
  EXPECT_EQ(validate(s), Issues{});
}

TEST(Validate, Process) {
  run_cases({
      {"no args", [](Spec& s) { s.process->args.clear(); }, "$.process.args: must have at least one element"},
      {"nul arg", [](Spec& s) { s.process->args.push_back(std::string("\0", 1)); },
       "$.process.args[1]: contains a NUL byte"},
      {"empty arg is fine", [](Spec& s) { s.process->args.push_back(""); }, ""},
      {"relative cwd", [](Spec& s) { s.process->cwd = "home"; },
       "$.process.cwd: must be an absolute path, got \"home\""},
      {"empty cwd", [](Spec& s) { s.process->cwd = ""; }, "$.process.cwd: must not be empty"},
      {"nul cwd", [](Spec& s) { s.process->cwd = std::string("/a\0", 3); },
       "$.process.cwd: contains a NUL byte"},
      {"env no =",
       [](Spec& s) {
         s.process->env = {"A=1", "B"};
       },
       "$.process.env[1]: invalid environment variable \"B\": missing '='"},
      {"env empty name", [](Spec& s) { s.process->env = {"=1"}; },
       "$.process.env[0]: invalid environment variable \"=1\": empty name"},
      {"env nul", [](Spec& s) { s.process->env = {std::string("A=\0", 3)}; },
       "$.process.env[0]: contains a NUL byte"},
      {"env empty value",
       [](Spec& s) {
         s.process->env = {"A=", "B==", "C=a=b"};
       },
       ""},
      {"oom low", [](Spec& s) { s.process->oom_score_adj = -1001; },
       "$.process.oomScoreAdj: must be in [-1000, 1000], got -1001"},
      {"oom high", [](Spec& s) { s.process->oom_score_adj = 1001; },
       "$.process.oomScoreAdj: must be in [-1000, 1000], got 1001"},
      {"oom edges", [](Spec& s) { s.process->oom_score_adj = -1000; }, ""},
      {"apparmor nul", [](Spec& s) { s.process->apparmor_profile = std::string("a\0", 2); },
       "$.process.apparmorProfile: contains a NUL byte"},
      {"selinux nul", [](Spec& s) { s.process->selinux_label = std::string("a\0", 2); },
       "$.process.selinuxLabel: contains a NUL byte"},
      {"io class",
       [](Spec& s) {
         s.process->io_priority = IoPriority{"IOPRIO_CLASS_NONE", 0};
       },
       "$.process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\""},
      {"io class missing",
       [](Spec& s) {
         s.process->io_priority = IoPriority{"", 0};
       },
       "$.process.ioPriority.class: is required"},
      {"io prio low",
       [](Spec& s) {
         s.process->io_priority = IoPriority{"IOPRIO_CLASS_IDLE", -1};
       },
       "$.process.ioPriority.priority: must be in [0, 7], got -1"},
      {"io prio ok",
       [](Spec& s) {
         s.process->io_priority = IoPriority{"IOPRIO_CLASS_RT", 7};
       },
       ""},
      {"affinity initial",
       [](Spec& s) {
         s.process->exec_cpu_affinity = CpuAffinity{"x", ""};
       },
       "$.process.execCPUAffinity.initial: invalid cpu list \"x\""},
      {"affinity final",
       [](Spec& s) {
         s.process->exec_cpu_affinity = CpuAffinity{"", "0-"};
       },
       "$.process.execCPUAffinity.final: invalid cpu list \"0-\""},
      {"affinity empty", [](Spec& s) { s.process->exec_cpu_affinity = CpuAffinity{}; }, ""},
  });
}

TEST(Validate, CapabilitiesAcceptEveryKnownNameInEverySet) {
  Spec s = valid_spec();
  Capabilities c;
  for (const auto& n : names::capabilities()) c.bounding.emplace_back(n.name);
  c.effective = c.inheritable = c.permitted = c.ambient = c.bounding;
  s.process->capabilities = c;
  EXPECT_EQ(validate(s), Issues{});
}

TEST(Validate, CapabilitiesReportUnknownNamesInEachSet) {
  using Set = std::vector<std::string> Capabilities::*;
  const std::pair<const char*, Set> sets[] = {{"bounding", &Capabilities::bounding},
                                              {"effective", &Capabilities::effective},
                                              {"inheritable", &Capabilities::inheritable},
                                              {"permitted", &Capabilities::permitted},
                                              {"ambient", &Capabilities::ambient}};
  for (const auto& [name, member] : sets) {
    Spec s = valid_spec();
    s.process->capabilities = Capabilities{};
    (*s.process->capabilities).*member = {"CAP_KILL", "KILL"};
    EXPECT_EQ(first_error(s),
              std::string("$.process.capabilities.") + name + "[1]: unknown capability \"KILL\"");
  }
}

TEST(Validate, Rlimits) {
  Spec all = valid_spec();
  for (const auto& r : names::rlimits()) all.process->rlimits.push_back({std::string(r.name), 10, 5});
  EXPECT_EQ(validate(all), Issues{});
  run_cases({
      {"unknown",
       [](Spec& s) {
         s.process->rlimits = {{"RLIMIT_FOO", 1, 1}};
       },
       "$.process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
      {"missing type",
       [](Spec& s) {
         s.process->rlimits = {{"", 1, 1}};
       },
       "$.process.rlimits[0].type: is required"},
      {"duplicate",
       [](Spec& s) {
         s.process->rlimits = {{"RLIMIT_AS", 1, 1}, {"RLIMIT_CPU", 1, 1}, {"RLIMIT_AS", 2, 2}};
       },
       "$.process.rlimits[2].type: duplicate rlimit \"RLIMIT_AS\""},
      {"soft > hard",
       [](Spec& s) {
         s.process->rlimits = {{"RLIMIT_NOFILE", 1024, 1025}};
       },
       "$.process.rlimits[0]: soft limit 1025 exceeds hard limit 1024"},
      {"soft == hard",
       [](Spec& s) {
         s.process->rlimits = {{"RLIMIT_NOFILE", UINT64_MAX, UINT64_MAX}};
       },
       ""},
  });
}

TEST(Validate, Scheduler) {
  auto sched = [](const char* policy, int32_t nice, int32_t prio) {
    return [=](Spec& s) {
      Scheduler sc;
      sc.policy = policy;
      sc.nice = nice;
      sc.priority = prio;
      s.process->scheduler = sc;
    };
  };
  run_cases({
      {"other", sched("SCHED_OTHER", 0, 0), ""},
      {"batch nice", sched("SCHED_BATCH", 19, 0), ""},
      {"idle", sched("SCHED_IDLE", -20, 0), ""},
      {"iso", sched("SCHED_ISO", 0, 0), ""},
      {"fifo 1", sched("SCHED_FIFO", 0, 1), ""},
      {"rr 99", sched("SCHED_RR", 0, 99), ""},
      {"unknown", sched("SCHED_FAIR", 0, 0),
       "$.process.scheduler.policy: unknown scheduler policy \"SCHED_FAIR\""},
      {"missing", sched("", 0, 0), "$.process.scheduler.policy: is required"},
      {"nice low", sched("SCHED_OTHER", -21, 0), "$.process.scheduler.nice: must be in [-20, 19], got -21"},
      {"nice high", sched("SCHED_BATCH", 20, 0), "$.process.scheduler.nice: must be in [-20, 19], got 20"},
      {"fifo 0", sched("SCHED_FIFO", 0, 0),
       "$.process.scheduler.priority: must be in [1, 99] for SCHED_FIFO"},
      {"rr 100", sched("SCHED_RR", 0, 100), "$.process.scheduler.priority: must be in [1, 99] for SCHED_RR"},
      {"other prio", sched("SCHED_OTHER", 0, 5), "$.process.scheduler.priority: must be 0 for SCHED_OTHER"},
      {"deadline prio", sched("SCHED_DEADLINE", 0, 5),
       "$.process.scheduler.priority: must be 0 for SCHED_DEADLINE"},
      {"deadline fields",
       [](Spec& s) {
         s.process->scheduler = Scheduler{"SCHED_DEADLINE", 0, 0, {"SCHED_FLAG_RECLAIM"}, 1, 2, 3};
       },
       ""},
      {"deadline fields elsewhere",
       [](Spec& s) { s.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {}, 0, 0, 3}; },
       "$.process.scheduler: runtime, deadline and period are only valid with SCHED_DEADLINE"},
      {"bad flag",
       [](Spec& s) { s.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {"SCHED_FLAG_X"}, 0, 0, 0}; },
       "$.process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\""},
  });
  for (const auto& flag : names::scheduler_flags()) {
    Spec s = valid_spec();
    s.process->scheduler = Scheduler{"SCHED_OTHER", 0, 0, {std::string(flag)}, 0, 0, 0};
    EXPECT_EQ(first_error(s), "") << flag;
  }
}

TEST(Validate, Mounts) {
  const IdMapping map{0, 1000, 1};
  run_cases({
      {"no destination",
       [](Spec& s) {
         s.mounts = {Mount{"", "tmpfs", "tmpfs", {}, {}, {}}};
       },
       "$.mounts[0].destination: is required"},
      {"nul destination",
       [](Spec& s) {
         s.mounts = {Mount{std::string("/a\0", 3), "tmpfs", "tmpfs", {}, {}, {}}};
       },
       "$.mounts[0].destination: contains a NUL byte"},
      {"nul source",
       [](Spec& s) {
         s.mounts = {Mount{"/a", "bind", std::string("/\0", 2), {}, {}, {}}};
       },
       "$.mounts[0].source: contains a NUL byte"},
      {"nul type",
       [](Spec& s) {
         s.mounts = {Mount{"/a", std::string("x\0", 2), "", {}, {}, {}}};
       },
       "$.mounts[0].type: contains a NUL byte"},
      {"nul option",
       [](Spec& s) {
         s.mounts = {Mount{"/a", "tmpfs", "", {"ro", std::string("x\0", 2)}, {}, {}}};
       },
       "$.mounts[0].options[1]: contains a NUL byte"},
      {"idmap no maps no userns",
       [](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"rbind", "idmap"}, {}, {}}};
       },
       "$.mounts[0].options: idmap needs uidMappings and gidMappings on the mount or a user namespace"},
      {"ridmap no maps no userns",
       [](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"ridmap"}, {}, {}}};
       },
       "$.mounts[0].options: idmap needs uidMappings and gidMappings on the mount or a user namespace"},
      {"idmap no maps in userns",
       [&](Spec& s) {
         s.linux->namespaces.push_back({"user", ""});
         s.linux->uid_mappings = s.linux->gid_mappings = {map};
         s.mounts = {Mount{"/a", "bind", "/b", {"rbind", "idmap"}, {}, {}}};
       },
       ""},
      {"idmap with maps",
       [&](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"idmap"}, {map}, {map}}};
       },
       ""},
      {"uid maps only",
       [&](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"idmap"}, {map}, {}}};
       },
       "$.mounts[0]: id-mapped mounts need both uidMappings and gidMappings"},
      {"gid maps only",
       [&](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"bind"}, {}, {map}}};
       },
       "$.mounts[0]: id-mapped mounts need both uidMappings and gidMappings"},
      {"size 0",
       [&](Spec& s) {
         s.mounts = {Mount{"/a", "bind", "/b", {"idmap"}, {map, {1, 2, 0}}, {map}}};
       },
       "$.mounts[0].uidMappings[1].size: must be greater than 0"},
  });
}

TEST(Validate, RelativeMountDestinationIsOnlyAWarning) {
  Spec s = valid_spec();
  s.mounts = {Mount{"/proc", "proc", "proc", {}, {}, {}}, Mount{"tmp", "tmpfs", "tmpfs", {}, {}, {}}};
  const Issues issues = validate(s);
  EXPECT_FALSE(has_errors(issues));
  EXPECT_EQ(
      warnings_of(issues),
      std::vector<std::string>{"$.mounts[1].destination: relative destination \"tmp\" is deprecated; it is "
                               "taken relative to /"});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, Severity::kWarning);
}

TEST(Validate, HooksOfEveryKindAreCheckedUnderTheirOwnKey) {
  using List = std::vector<Hook> Hooks::*;
  const std::pair<const char*, List> kinds[] = {{"prestart", &Hooks::prestart},
                                                {"createRuntime", &Hooks::create_runtime},
                                                {"createContainer", &Hooks::create_container},
                                                {"startContainer", &Hooks::start_container},
                                                {"poststart", &Hooks::poststart},
                                                {"poststop", &Hooks::poststop}};
  ASSERT_EQ(std::size(kinds), names::hook_kinds().size());
  for (const auto& [name, member] : kinds) {
    SCOPED_TRACE(name);
    const std::string p = std::string("$.hooks.") + name;
    auto with = [&](Hook h) {
      Spec s = valid_spec();
      s.hooks = Hooks{};
      (*s.hooks).*member = {Hook{"/bin/ok", {"ok"}, {"A=1"}, 1}, std::move(h)};
      return first_error(s);
    };
    EXPECT_EQ(with(Hook{"/bin/x", {"x", "y"}, {"B=2"}, 3600}), "");
    EXPECT_EQ(with(Hook{"/bin/x", {}, {}, std::nullopt}), "");
    EXPECT_EQ(with(Hook{"", {}, {}, std::nullopt}), p + "[1].path: must not be empty");
    EXPECT_EQ(with(Hook{"x", {}, {}, std::nullopt}), p + "[1].path: must be an absolute path, got \"x\"");
    EXPECT_EQ(with(Hook{"/x", {std::string("\0", 1)}, {}, std::nullopt}),
              p + "[1].args[0]: contains a NUL byte");
    EXPECT_EQ(with(Hook{"/x", {}, {"B"}, std::nullopt}),
              p + "[1].env[0]: invalid environment variable \"B\": missing '='");
    EXPECT_EQ(with(Hook{"/x", {}, {}, 0}), p + "[1].timeout: must be greater than 0, got 0");
    EXPECT_EQ(with(Hook{"/x", {}, {}, -1}), p + "[1].timeout: must be greater than 0, got -1");
  }
}

TEST(Validate, Annotations) {
  Spec s = valid_spec();
  s.annotations = {{"org.opencontainers.image.title", ""}, {"com.example/unknown", "x"}};
  EXPECT_EQ(first_error(s), "");
  s.annotations[""] = "v";
  EXPECT_EQ(first_error(s), "$.annotations[\"\"]: key must not be empty");
}

TEST(Validate, Namespaces) {
  Spec all = valid_spec();
  all.linux->namespaces.clear();
  for (const auto& t : names::namespace_types()) all.linux->namespaces.push_back({std::string(t), ""});
  all.linux->uid_mappings = all.linux->gid_mappings = {IdMapping{0, 1000, 1}};
  EXPECT_EQ(validate(all), Issues{});
  run_cases({
      {"unknown", [](Spec& s) { s.linux->namespaces[2].type = "net"; },
       "$.linux.namespaces[2].type: unknown namespace \"net\""},
      {"missing type", [](Spec& s) { s.linux->namespaces[0].type = ""; },
       "$.linux.namespaces[0].type: is required"},
      {"duplicate",
       [](Spec& s) {
         s.linux->namespaces.push_back({"uts", "/proc/1/ns/uts"});
       },
       "$.linux.namespaces[5].type: duplicate namespace \"uts\""},
      {"relative path", [](Spec& s) { s.linux->namespaces[4].path = "proc/1/ns/net"; },
       "$.linux.namespaces[4].path: must be an absolute path, got \"proc/1/ns/net\""},
      {"nul path", [](Spec& s) { s.linux->namespaces[4].path = std::string("/proc/1\0", 8); },
       "$.linux.namespaces[4].path: contains a NUL byte"},
      {"no namespaces at all", [](Spec& s) { s.linux->namespaces.clear(); }, ""},
      {"no linux at all", [](Spec& s) { s.linux.reset(); }, ""},
  });
}

TEST(Validate, UserNamespaceAndMappings) {
  const IdMapping map{0, 100000, 65536};
  run_cases({
      {"mappings, no userns", [&](Spec& s) { s.linux->uid_mappings = s.linux->gid_mappings = {map}; },
       "$.linux.uidMappings: id mappings need a user namespace in $.linux.namespaces"},
      {"gid mappings, no userns", [&](Spec& s) { s.linux->gid_mappings = {map}; },
       "$.linux.gidMappings: id mappings need a user namespace in $.linux.namespaces"},
      {"new userns, no mappings",
       [](Spec& s) {
         s.linux->namespaces.push_back({"user", ""});
       },
       "$.linux.uidMappings: is required when a new user namespace is created"},
      {"new userns, uid only",
       [&](Spec& s) {
         s.linux->namespaces.push_back({"user", ""});
         s.linux->uid_mappings = {map};
       },
       "$.linux.gidMappings: is required when a new user namespace is created"},
      {"joined userns, no mappings",
       [](Spec& s) {
         s.linux->namespaces.push_back({"user", "/proc/1/ns/user"});
       },
       ""},
      {"size 0",
       [&](Spec& s) {
         s.linux->namespaces.push_back({"user", ""});
         s.linux->uid_mappings = {map};
         s.linux->gid_mappings = {map, {1, 1, 0}};
       },
       "$.linux.gidMappings[1].size: must be greater than 0"},
  });
}

TEST(Validate, TimeNamespaceAndOffsets) {
  auto offsets = [](std::map<std::string, TimeOffset> o, std::string ns_path = "", bool with_ns = true) {
    return [=](Spec& s) {
      if (with_ns) s.linux->namespaces.push_back({"time", ns_path});
      s.linux->time_offsets = o;
    };
  };
  run_cases({
      {"ok", offsets({{"monotonic", {-5, 999999999}}, {"boottime", {5, 0}}}), ""},
      {"no ns", offsets({{"monotonic", {1, 0}}}, "", false),
       "$.linux.timeOffsets: needs a time namespace in $.linux.namespaces"},
      {"joined ns", offsets({{"monotonic", {1, 0}}}, "/proc/1/ns/time"),
       "$.linux.timeOffsets: cannot be set when joining an existing time namespace"},
      {"joined ns no offsets", offsets({}, "/proc/1/ns/time"), ""},
      {"bad clock", offsets({{"realtime", {1, 0}}}),
       "$.linux.timeOffsets[\"realtime\"]: unknown clock (expected \"monotonic\" or \"boottime\")"},
      {"nanosecs", offsets({{"boottime", {0, 1000000000}}}),
       "$.linux.timeOffsets[\"boottime\"].nanosecs: must be below 1000000000"},
  });
}

TEST(Validate, HostnameAndDomainname) {
  run_cases({
      {"hostname", [](Spec& s) { s.hostname = "box"; }, ""},
      {"hostname, joined uts",
       [](Spec& s) {
         s.hostname = "box";
         s.linux->namespaces[3].path = "/proc/1/ns/uts";
       },
       ""},
      {"hostname, no uts",
       [](Spec& s) {
         s.hostname = "box";
         remove_namespace(s, "uts");
       },
       "$.hostname: cannot be set without a uts namespace in $.linux.namespaces"},
      {"domainname, no linux",
       [](Spec& s) {
         s.domainname = "example.org";
         s.linux.reset();
       },
       "$.domainname: cannot be set without a uts namespace in $.linux.namespaces"},
      {"nul", [](Spec& s) { s.domainname = std::string("a\0", 2); }, "$.domainname: contains a NUL byte"},
  });
}

struct SysctlCase {
  std::string key;
  std::vector<std::string> without;  // namespaces removed from the base spec
  std::string error;                 // message after "$.linux.sysctl[<key>]: "; empty: allowed
};

TEST(Validate, SysctlsMustBeScopedByAnOwnNamespace) {
  const SysctlCase cases[] = {
      {"net.ipv4.ip_forward", {}, ""},
      {"net/ipv4/conf/eth0.100/rp_filter", {}, ""},
      {"net.ipv4.ip_forward",
       {"network"},
       "sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"},
      {"net/ipv4/conf/eth0.100/rp_filter",
       {"network"},
       "sysctl \"net.ipv4.conf.eth0/100.rp_filter\" is not allowed in the host's network namespace"},
      {"kernel.msgmax", {}, ""},
      {"kernel.msgmnb", {}, ""},
      {"kernel.msgmni", {}, ""},
      {"kernel.sem", {}, ""},
      {"kernel.shmall", {}, ""},
      {"kernel.shmmax", {}, ""},
      {"kernel.shmmni", {}, ""},
      {"kernel.shm_rmid_forced", {}, ""},
      {"fs.mqueue.queues_max", {}, ""},
      {"kernel.sem", {"ipc"}, "sysctl \"kernel.sem\" is not allowed in the host's ipc namespace"},
      {"fs.mqueue.msg_max",
       {"ipc"},
       "sysctl \"fs.mqueue.msg_max\" is not allowed in the host's ipc namespace"},
      {"kernel.domainname", {}, ""},
      {"kernel.domainname", {"uts"}, "sysctl \"kernel.domainname\" is not in a separate kernel namespace"},
      {"kernel.hostname", {}, "sysctl \"kernel.hostname\" conflicts with $.hostname; set the hostname there"},
      {"kernel.hostname", {"uts"}, "sysctl \"kernel.hostname\" is not in a separate kernel namespace"},
      {"user.max_user_namespaces",
       {},
       "sysctl \"user.max_user_namespaces\" is not allowed without a user namespace"},
      {"kernel.panic", {}, "sysctl \"kernel.panic\" is not in a separate kernel namespace"},
      {"vm.swappiness", {}, "sysctl \"vm.swappiness\" is not in a separate kernel namespace"},
      {"fs.file-max", {}, "sysctl \"fs.file-max\" is not in a separate kernel namespace"},
      {"kernel.shmmax.x", {}, "sysctl \"kernel.shmmax.x\" is not in a separate kernel namespace"},
      {"", {}, "invalid sysctl"},
      {std::string("net.a\0", 6), {}, "invalid sysctl"},
  };
  for (const auto& c : cases) {
    Spec s = valid_spec();
    for (const auto& ns : c.without) remove_namespace(s, ns);
    s.linux->sysctl = {{c.key, "1"}};
    EXPECT_EQ(first_error(s), c.error.empty() ? "" : "$.linux.sysctl[" + quote(c.key) + "]: " + c.error)
        << c.key;
  }
  Spec user = valid_spec();
  user.linux->namespaces.push_back({"user", "/proc/1/ns/user"});
  user.linux->sysctl = {{"user.max_user_namespaces", "0"}};
  EXPECT_EQ(first_error(user), "");
  Spec nul_value = valid_spec();
  nul_value.linux->sysctl = {{"net.core.somaxconn", std::string("1\0", 2)}};
  EXPECT_EQ(first_error(nul_value), "$.linux.sysctl[\"net.core.somaxconn\"]: invalid sysctl");
}

TEST(Validate, MaskedAndReadonlyPaths) {
  run_cases({
      {"ok",
       [](Spec& s) {
         s.linux->masked_paths = {"/proc/kcore"};
         s.linux->readonly_paths = {"/proc/sys"};
       },
       ""},
      {"relative masked",
       [](Spec& s) {
         s.linux->masked_paths = {"/a", "b"};
       },
       "$.linux.maskedPaths[1]: must be an absolute path, got \"b\""},
      {"empty readonly", [](Spec& s) { s.linux->readonly_paths = {""}; },
       "$.linux.readonlyPaths[0]: must not be empty"},
      {"nul readonly", [](Spec& s) { s.linux->readonly_paths = {std::string("/a\0", 3)}; },
       "$.linux.readonlyPaths[0]: contains a NUL byte"},
      {"no mount ns",
       [](Spec& s) {
         s.linux->readonly_paths = {"/proc/sys"};
         remove_namespace(s, "mount");
       },
       "$.linux: maskedPaths and readonlyPaths need a mount namespace"},
  });
}

TEST(Validate, Devices) {
  auto dev = [](Device d) { return [=](Spec& s) { s.linux->devices = {d}; }; };
  run_cases({
      {"char", dev({"/dev/fuse", "c", 10, 229, 0666, 0, 0}), ""},
      {"block", dev({"/dev/sda", "b", 8, 0, std::nullopt, std::nullopt, std::nullopt}), ""},
      {"unbuffered", dev({"/dev/x", "u", 1, 2, std::nullopt, std::nullopt, std::nullopt}), ""},
      {"fifo", dev({"/dev/f", "p", 0, 0, 07777, std::nullopt, std::nullopt}), ""},
      {"type", dev({"/dev/f", "s", 0, 0, std::nullopt, std::nullopt, std::nullopt}),
       "$.linux.devices[0].type: unknown device type \"s\" (expected c, b, u or p)"},
      {"no type", dev({"/dev/f", "", 0, 0, std::nullopt, std::nullopt, std::nullopt}),
       "$.linux.devices[0].type: is required"},
      {"path", dev({"dev/f", "c", 1, 1, std::nullopt, std::nullopt, std::nullopt}),
       "$.linux.devices[0].path: must be an absolute path, got \"dev/f\""},
      {"negative", dev({"/dev/f", "c", -1, 1, std::nullopt, std::nullopt, std::nullopt}),
       "$.linux.devices[0]: major and minor must not be negative"},
      {"mode with the type bits (podman)", dev({"/dev/null", "c", 1, 3, 020666, std::nullopt, std::nullopt}), ""},
      {"mode", dev({"/dev/f", "c", 1, 1, 0200000, std::nullopt, std::nullopt}),
       "$.linux.devices[0].fileMode: must be a file mode (permission bits, optionally with the file type bits)"},
  });
}

TEST(Validate, DeviceCgroupRules) {
  auto rule = [](std::string type, std::string access) {
    return [=](Spec& s) {
      s.linux->resources = Resources{};
      s.linux->resources->devices = {DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "rwm"},
                                     DeviceCgroupRule{true, type, 1, std::nullopt, access}};
    };
  };
  run_cases({
      {"all", rule("a", ""), ""},
      {"c rw", rule("c", "rw"), ""},
      {"b m", rule("b", "m"), ""},
      {"default type", rule("", "r"), ""},
      {"type u", rule("u", "r"),
       "$.linux.resources.devices[1].type: unknown device type \"u\" (expected a, c or b)"},
      {"access x", rule("c", "rwx"),
       "$.linux.resources.devices[1].access: invalid access \"rwx\" (expected letters from \"rwm\")"},
      {"access upper", rule("c", "R"),
       "$.linux.resources.devices[1].access: invalid access \"R\" (expected letters from \"rwm\")"},
  });
}

TEST(Validate, SeccompAcceptsEveryKnownName) {
  for (const auto& action : names::seccomp_actions()) {
    Spec s = valid_spec();
    Seccomp sc;
    sc.default_action = action == "SCMP_ACT_NOTIFY" ? "SCMP_ACT_ALLOW" : std::string(action);
    sc.listener_path = "/run/agent.sock";
    for (const auto& arch : names::seccomp_architectures()) sc.architectures.emplace_back(arch);
    for (const auto& flag : names::seccomp_flags()) sc.flags.emplace_back(flag);
    SeccompSyscall call{{"read"}, std::string(action), std::nullopt, {}};
    uint32_t index = 0;
    for (const auto& op : names::seccomp_operators())
      call.args.push_back({index++ % 6, 1, 2, std::string(op)});
    sc.syscalls = {call};
    s.linux->seccomp = sc;
    EXPECT_EQ(first_error(s), "") << action;
  }
}

TEST(Validate, Seccomp) {
  auto seccomp = [](std::function<void(Seccomp&)> f) {
    return [=](Spec& s) {
      Seccomp sc;
      sc.default_action = "SCMP_ACT_ERRNO";
      sc.syscalls = {SeccompSyscall{{"read", "write"}, "SCMP_ACT_ALLOW", std::nullopt, {}}};
      f(sc);
      s.linux->seccomp = sc;
    };
  };
  const std::string p = "$.linux.seccomp";
  run_cases({
      {"base", seccomp([](Seccomp&) {}), ""},
      {"default unknown", seccomp([](Seccomp& s) { s.default_action = "ALLOW"; }),
       p + ".defaultAction: unknown seccomp action \"ALLOW\""},
      {"default missing", seccomp([](Seccomp& s) { s.default_action = ""; }),
       p + ".defaultAction: is required"},
      {"default notify", seccomp([](Seccomp& s) {
         s.default_action = "SCMP_ACT_NOTIFY";
         s.listener_path = "/a";
       }),
       p + ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
      {"default errno ret", seccomp([](Seccomp& s) { s.default_errno_ret = 38; }), ""},
      {"default errno ret, trace", seccomp([](Seccomp& s) {
         s.default_action = "SCMP_ACT_TRACE";
         s.default_errno_ret = 1;
       }),
       ""},
      {"default errno ret, kill", seccomp([](Seccomp& s) {
         s.default_action = "SCMP_ACT_KILL_PROCESS";
         s.default_errno_ret = 1;
       }),
       p + ".defaultErrnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
           "\"SCMP_ACT_KILL_PROCESS\""},
      {"errno ret, log", seccomp([](Seccomp& s) {
         s.syscalls[0] = {{"read"}, "SCMP_ACT_LOG", 1, {}};
       }),
       p + ".syscalls[0].errnoRet: is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not "
           "\"SCMP_ACT_LOG\""},
      {"arch", seccomp([](Seccomp& s) {
         s.architectures = {"SCMP_ARCH_X86_64", "x86_64"};
       }),
       p + ".architectures[1]: unknown seccomp architecture \"x86_64\""},
      {"flag", seccomp([](Seccomp& s) { s.flags = {"SECCOMP_FILTER_FLAG_NEW_LISTENER"}; }),
       p + ".flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\""},
      {"action", seccomp([](Seccomp& s) { s.syscalls[0].action = "SCMP_ACT_KILL_ALL"; }),
       p + ".syscalls[0].action: unknown seccomp action \"SCMP_ACT_KILL_ALL\""},
      {"action missing", seccomp([](Seccomp& s) { s.syscalls[0].action = ""; }),
       p + ".syscalls[0].action: is required"},
      {"no names", seccomp([](Seccomp& s) { s.syscalls[0].names.clear(); }),
       p + ".syscalls[0].names: must have at least one element"},
      {"empty name", seccomp([](Seccomp& s) {
         s.syscalls[0].names = {"read", ""};
       }),
       p + ".syscalls[0].names[1]: invalid syscall name"},
      {"index 5", seccomp([](Seccomp& s) {
         s.syscalls[0].args = {{5, 0, 0, "SCMP_CMP_EQ"}};
       }),
       ""},
      {"index 6", seccomp([](Seccomp& s) {
         s.syscalls[0].args = {{0, 0, 0, "SCMP_CMP_EQ"}, {6, 0, 0, "SCMP_CMP_EQ"}};
       }),
       p + ".syscalls[0].args[1].index: must be in [0, 5], got 6"},
      {"op", seccomp([](Seccomp& s) {
         s.syscalls[0].args = {{0, 0, 0, "EQ"}};
       }),
       p + ".syscalls[0].args[0].op: unknown seccomp operator \"EQ\""},
      {"op missing", seccomp([](Seccomp& s) {
         s.syscalls[0].args = {{0, 0, 0, ""}};
       }),
       p + ".syscalls[0].args[0].op: is required"},
      {"notify, no listener", seccomp([](Seccomp& s) {
         s.syscalls.push_back({{"mount"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});
       }),
       p + ".listenerPath: is required when a syscall uses SCMP_ACT_NOTIFY"},
      {"notify, relative listener", seccomp([](Seccomp& s) {
         s.syscalls.push_back({{"mount"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});
         s.listener_path = "agent.sock";
       }),
       p + ".listenerPath: must be an absolute path, got \"agent.sock\""},
      {"listener without notify is ignored", seccomp([](Seccomp& s) { s.listener_path = "/run/agent.sock"; }),
       ""},
      {"metadata without listener", seccomp([](Seccomp& s) { s.listener_metadata = "m"; }),
       p + ".listenerMetadata: must not be set without listenerPath"},
  });
}

TEST(Validate, SystemdCgroupsPath) {
  const std::pair<std::string, bool> cases[] = {
      {"system.slice:ocirun:abc", true},
      {":ocirun:abc", true},
      {"machine.slice:libpod:0123", true},
      {"", true},
      {"/kubepods/pod1/abc", false},
      {"a:b", false},
      {"a:b:c:d", false},
      {"relative/path", false},
  };
  for (const auto& [path, ok] : cases) {
    Spec s = valid_spec();
    s.linux->cgroups_path = path;
    EXPECT_EQ(first_error(s), "") << path << " without --systemd-cgroup";
    EXPECT_EQ(
        first_error(s, {.systemd_cgroup = true}),
        ok ? ""
           : "$.linux.cgroupsPath: expected \"slice:prefix:name\" with --systemd-cgroup, got " + quote(path))
        << path;
  }
  Spec nul = valid_spec();
  nul.linux->cgroups_path = std::string("/a\0", 3);
  EXPECT_EQ(first_error(nul), "$.linux.cgroupsPath: contains a NUL byte");
}

TEST(Validate, RootfsPropagationAndPersonality) {
  for (const auto& prop : names::rootfs_propagations()) {
    Spec s = valid_spec();
    s.linux->rootfs_propagation = prop;
    EXPECT_EQ(first_error(s), "") << prop;
  }
  for (const auto& domain : names::personality_domains()) {
    Spec s = valid_spec();
    s.linux->personality = Personality{std::string(domain), {}};
    EXPECT_EQ(first_error(s), "") << domain;
  }
  run_cases({
      {"propagation", [](Spec& s) { s.linux->rootfs_propagation = "recursive"; },
       "$.linux.rootfsPropagation: unknown rootfs propagation \"recursive\""},
      {"domain",
       [](Spec& s) {
         s.linux->personality = Personality{"linux", {}};
       },
       "$.linux.personality.domain: unknown personality domain \"linux\""},
      {"domain missing", [](Spec& s) { s.linux->personality = Personality{}; },
       "$.linux.personality.domain: is required"},
  });
}

struct PolicyCase {
  std::string mode, nodes;
  std::string error;  // after "$.linux.memoryPolicy."
};

TEST(Validate, MemoryPolicy) {
  const PolicyCase cases[] = {
      {"MPOL_DEFAULT", "", ""},
      {"MPOL_LOCAL", "", ""},
      {"MPOL_PREFERRED", "", ""},
      {"MPOL_PREFERRED", "1", ""},
      {"MPOL_BIND", "0-1", ""},
      {"MPOL_INTERLEAVE", "0,2", ""},
      {"MPOL_WEIGHTED_INTERLEAVE", "0-3", ""},
      {"MPOL_PREFERRED_MANY", "1", ""},
      {"MPOL_DEFAULT", "0", "nodes: must be empty for MPOL_DEFAULT"},
      {"MPOL_LOCAL", "0", "nodes: must be empty for MPOL_LOCAL"},
      {"MPOL_BIND", "", "nodes: must name at least one node for MPOL_BIND"},
      {"MPOL_INTERLEAVE", "", "nodes: must name at least one node for MPOL_INTERLEAVE"},
      {"MPOL_WEIGHTED_INTERLEAVE", "", "nodes: must name at least one node for MPOL_WEIGHTED_INTERLEAVE"},
      {"MPOL_PREFERRED_MANY", "", "nodes: must name at least one node for MPOL_PREFERRED_MANY"},
      {"MPOL_BIND", "0-", "nodes: invalid node list \"0-\""},
      {"MPOL_NONE", "", "mode: unknown memory policy mode \"MPOL_NONE\""},
      {"", "", "mode: is required"},
  };
  for (const auto& c : cases) {
    Spec s = valid_spec();
    s.linux->memory_policy = MemoryPolicy{c.mode, c.nodes, {}};
    EXPECT_EQ(first_error(s), c.error.empty() ? "" : "$.linux.memoryPolicy." + c.error)
        << c.mode << " " << c.nodes;
  }
  Spec flags = valid_spec();
  flags.linux->memory_policy = MemoryPolicy{"MPOL_BIND", "0", {}};
  for (const auto& f : names::memory_policy_flags()) flags.linux->memory_policy->flags.emplace_back(f);
  EXPECT_EQ(first_error(flags), "");
  flags.linux->memory_policy->flags.push_back("MPOL_F_NODE");
  EXPECT_EQ(first_error(flags), "$.linux.memoryPolicy.flags[3]: unknown memory policy flag \"MPOL_F_NODE\"");
}

TEST(Validate, IntelRdt) {
  auto rdt = [](IntelRdt r) { return [=](Spec& s) { s.linux->intel_rdt = r; }; };
  run_cases({
      {"empty", rdt({}), ""},
      {"name", rdt({"clos1", {}, "", "", false}), ""},
      {"root clos", rdt({"/", {}, "", "", false}), ""},
      {"dot", rdt({".", {}, "", "", false}), "$.linux.intelRdt.closID: invalid closID \".\""},
      {"dotdot", rdt({"..", {}, "", "", false}), "$.linux.intelRdt.closID: invalid closID \"..\""},
      {"slash", rdt({"a/b", {}, "", "", false}), "$.linux.intelRdt.closID: invalid closID \"a/b\""},
      {"leading slash", rdt({"/a", {}, "", "", false}), "$.linux.intelRdt.closID: invalid closID \"/a\""},
      {"schemas", rdt({"", {"L3:0=f", "MB:0=10"}, "L3:0=ff;1=f", "MB:0=20", true}), ""},
      {"mb prefix", rdt({"", {}, "", "0=20", false}),
       "$.linux.intelRdt.memBwSchema: must start with \"MB:\", got \"0=20\""},
      {"l3 newline", rdt({"", {}, "L3:0=f\nMB:0=1", "", false}),
       "$.linux.intelRdt.l3CacheSchema: must be a single line"},
      {"mb newline", rdt({"", {}, "", "MB:0=1\n", false}),
       "$.linux.intelRdt.memBwSchema: must be a single line"},
      {"schemata newline", rdt({"", {"L3:0=f", "MB:0=1\rL3:0=1"}, "", "", false}),
       "$.linux.intelRdt.schemata[1]: must be a single line"},
  });
}

TEST(Validate, NetDevices) {
  auto net = [](std::map<std::string, NetDevice> m) { return [=](Spec& s) { s.linux->net_devices = m; }; };
  run_cases({
      {"ok", net({{"eth1", {}}, {"enp0s1", {"ctr0"}}, {"abcdefghijklmno", {"abcdefghijklmno"}}}), ""},
      {"no netns",
       [](Spec& s) {
         s.linux->net_devices = {{"eth1", {}}};
         remove_namespace(s, "network");
       },
       "$.linux.netDevices: needs a network namespace in $.linux.namespaces"},
      {"key too long", net({{"abcdefghijklmnop", {}}}),
       "$.linux.netDevices[\"abcdefghijklmnop\"]: invalid network device name"},
      {"key dot", net({{".", {}}}), "$.linux.netDevices[\".\"]: invalid network device name"},
      {"key colon", net({{"eth0:1", {}}}), "$.linux.netDevices[\"eth0:1\"]: invalid network device name"},
      {"name space", net({{"eth0", {"a b"}}}),
       "$.linux.netDevices[\"eth0\"].name: invalid network device name \"a b\""},
      {"name dotdot", net({{"eth0", {".."}}}),
       "$.linux.netDevices[\"eth0\"].name: invalid network device name \"..\""},
  });
}

TEST(Validate, Resources) {
  auto res = [](std::function<void(Resources&)> f) {
    return [=](Spec& s) {
      s.linux->resources = Resources{};
      f(*s.linux->resources);
    };
  };
  const std::string p = "$.linux.resources";
  run_cases({
      {"empty", res([](Resources&) {}), ""},
      {"cpus", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->cpus = "0-3,5";
         r.cpu->mems = "0";
       }),
       ""},
      {"bad cpus", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->cpus = "0-3;5";
       }),
       p + ".cpu.cpus: invalid cpu list \"0-3;5\""},
      {"bad mems", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->mems = "-1";
       }),
       p + ".cpu.mems: invalid node list \"-1\""},
      {"burst == quota", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->quota = 100;
         r.cpu->burst = 100;
       }),
       ""},
      {"burst, unlimited quota", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->quota = -1;
         r.cpu->burst = 100;
       }),
       ""},
      {"burst > quota", res([](Resources& r) {
         r.cpu = CpuResources{};
         r.cpu->quota = 100;
         r.cpu->burst = 101;
       }),
       p + ".cpu.burst: must not exceed quota 100, got 101"},
      {"swappiness 100", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->swappiness = 100;
       }),
       ""},
      {"swappiness 101", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->swappiness = 101;
       }),
       p + ".memory.swappiness: must be in [0, 100], got 101"},
      {"swap == limit", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->limit = r.memory->swap = 4096;
       }),
       ""},
      {"swap unlimited", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->limit = 4096;
         r.memory->swap = -1;
       }),
       ""},
      {"limit unlimited", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->limit = -1;
         r.memory->swap = 4096;
       }),
       ""},
      {"swap < limit", res([](Resources& r) {
         r.memory = MemoryResources{};
         r.memory->limit = 4096;
         r.memory->swap = 4095;
       }),
       p + ".memory.swap: memory+swap limit 4095 is below memory limit 4096"},
      {"blkio weight 0 means unset", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->weight = 0;
       }),
       ""},
      {"blkio weight 9", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->weight = 9;
       }),
       p + ".blockIO.weight: must be in [10, 1000], got 9"},
      {"blkio leaf 1001", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->leaf_weight = 1001;
       }),
       p + ".blockIO.leafWeight: must be in [10, 1000], got 1001"},
      {"weight device", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->weight_device = {{8, 0, 10, std::nullopt}, {8, 1, std::nullopt, 1000}};
       }),
       ""},
      {"weight device empty", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->weight_device = {{8, 0, 10, std::nullopt}, {8, 1, std::nullopt, std::nullopt}};
       }),
       p + ".blockIO.weightDevice[1]: needs weight or leafWeight"},
      {"weight device leaf", res([](Resources& r) {
         r.block_io = BlockIoResources{};
         r.block_io->weight_device = {{8, 0, std::nullopt, 2000}};
       }),
       p + ".blockIO.weightDevice[0].leafWeight: must be in [10, 1000], got 2000"},
      {"rdma", res([](Resources& r) {
         r.rdma = {{"mlx5_0", {1, std::nullopt}}, {"mlx5_1", {std::nullopt, 2}}};
       }),
       ""},
      {"rdma empty", res([](Resources& r) {
         r.rdma = {{"mlx5_0", {}}};
       }),
       p + ".rdma[\"mlx5_0\"]: needs hcaHandles or hcaObjects"},
      {"unified", res([](Resources& r) {
         r.unified = {{"memory.max", "max"}, {"io.weight", "default 100"}};
       }),
       ""},
      {"unified no dot", res([](Resources& r) {
         r.unified = {{"cgroup", "x"}};
       }),
       p + ".unified[\"cgroup\"]: invalid cgroup v2 file name"},
      {"unified slash", res([](Resources& r) {
         r.unified = {{"a/memory.max", "x"}};
       }),
       p + ".unified[\"a/memory.max\"]: invalid cgroup v2 file name"},
      {"unified nul value", res([](Resources& r) {
         r.unified = {{"memory.max", std::string("1\0", 2)}};
       }),
       p + ".unified[\"memory.max\"]: contains a NUL byte"},
  });
}

TEST(Validate, ReportsEveryProblemNotJustTheFirst) {
  Spec s = valid_spec();
  s.oci_version = "2.0.0";
  s.process->cwd = "rel";
  s.process->rlimits = {{"RLIMIT_X", 1, 2}};
  s.mounts = {Mount{"rel", "", "", {}, {}, {}}};
  s.linux->namespaces.push_back({"pid", ""});
  const Issues issues = validate(s);
  EXPECT_EQ(errors_of(issues), (std::vector<std::string>{
                                   "$.ociVersion: unsupported version \"2.0.0\" (expected 1.x.y)",
                                   "$.process.cwd: must be an absolute path, got \"rel\"",
                                   "$.process.rlimits[0].type: unknown rlimit \"RLIMIT_X\"",
                                   "$.process.rlimits[0]: soft limit 2 exceeds hard limit 1",
                                   "$.linux.namespaces[5].type: duplicate namespace \"pid\"",
                               }));
  EXPECT_EQ(warnings_of(issues).size(), 1u);
  EXPECT_TRUE(has_errors(issues));
}

// ---- validate_process / validate_resources -----------------------------------------------

TEST(ValidateProcess, UsesPathsRootedAtTheDocument) {
  Process p;
  p.args = {"sh"};
  p.cwd = "/";
  EXPECT_EQ(validate_process(p), Issues{});
  p.args.clear();
  p.cwd = "x";
  p.env = {"NOEQ"};
  p.capabilities = Capabilities{{"CAP_NOPE"}, {}, {}, {}, {}};
  p.rlimits = {{"RLIMIT_NOFILE", 1, 1}, {"RLIMIT_NOFILE", 1, 1}};
  p.oom_score_adj = 5000;
  p.scheduler = Scheduler{"SCHED_RR", 0, 0, {}, 0, 0, 0};
  p.io_priority = IoPriority{"IOPRIO_CLASS_BE", 9};
  p.exec_cpu_affinity = CpuAffinity{"1-0", ""};
  EXPECT_EQ(errors_of(validate_process(p)),
            (std::vector<std::string>{
                "$.args: must have at least one element",
                "$.env[0]: invalid environment variable \"NOEQ\": missing '='",
                "$.cwd: must be an absolute path, got \"x\"",
                "$.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"",
                "$.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"",
                "$.oomScoreAdj: must be in [-1000, 1000], got 5000",
                "$.scheduler.priority: must be in [1, 99] for SCHED_RR",
                "$.ioPriority.priority: must be in [0, 7], got 9",
                "$.execCPUAffinity.initial: invalid cpu list \"1-0\"",
            }));
}

TEST(ValidateResources, UsesPathsRootedAtTheDocument) {
  Resources r;
  EXPECT_EQ(validate_resources(r), Issues{});
  r.devices = {DeviceCgroupRule{true, "x", std::nullopt, std::nullopt, "q"}};
  r.cpu = CpuResources{};
  r.cpu->cpus = "a";
  r.memory = MemoryResources{};
  r.memory->swappiness = 200;
  r.block_io = BlockIoResources{};
  r.block_io->weight = 1;
  r.rdma = {{"hca", {}}};
  r.unified = {{"x", "1"}};
  EXPECT_EQ(errors_of(validate_resources(r)),
            (std::vector<std::string>{
                "$.devices[0].type: unknown device type \"x\" (expected a, c or b)",
                "$.devices[0].access: invalid access \"q\" (expected letters from \"rwm\")",
                "$.cpu.cpus: invalid cpu list \"a\"",
                "$.memory.swappiness: must be in [0, 100], got 200",
                "$.blockIO.weight: must be in [10, 1000], got 1",
                "$.rdma[\"hca\"]: needs hcaHandles or hcaObjects",
                "$.unified[\"x\"]: invalid cgroup v2 file name",
            }));
}

// ---- cpu lists ----------------------------------------------------------------------------

TEST(CpuList, Syntax) {
  const std::pair<const char*, bool> cases[] = {
      {"0", true},
      {"7", true},
      {"0-3", true},
      {"0-0", true},
      {"0-3,7", true},
      {"0,1,2", true},
      {"9-10,12-15", true},
      {"123456789", true},
      {"1,0", true},
      {"0-999999999", true},
      {"", false},
      {",", false},
      {"0,", false},
      {",0", false},
      {"0,,1", false},
      {"0-", false},
      {"-1", false},
      {"-", false},
      {"3-1", false},
      {"a", false},
      {"0x1", false},
      {"+1", false},
      {"0 - 3", false},
      {" 0", false},
      {"0 ", false},
      {"0--3", false},
      {"1-2-3", false},
      {"1234567890", false},
      {"0-1234567890", false},
      {"0;1", false},
      {"1.5", false},
      {"0-3,a", false},
  };
  for (const auto& [list, ok] : cases) EXPECT_EQ(is_valid_cpu_list(list), ok) << '"' << list << '"';
}

}  // namespace
}  // namespace oci
