// The device filter against the real kernel (root only): the verifier takes
// our programs, attaching replaces the old filter, and the filter decides.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "runtime/base/fs.hpp"
#include "runtime/cgroups/bpf.hpp"
#include "runtime/cgroups/cgroupfs.hpp"
#include "runtime/cgroups/devices.hpp"
#include "tests/cgroups/kernel_helpers.hpp"

namespace rt::cgroups {
namespace {

using testing::in_private_cgroup2;

DeviceState state_of(const std::vector<oci::DeviceCgroupRule>& oci_rules) {
  auto rules = device_rules_from_oci(oci_rules);
  auto s = DeviceState::from_rules(*rules);
  return *s;
}

TEST(BpfKernel, VerifierAcceptsOurPrograms) {
  if (!testing::is_root()) GTEST_SKIP() << "needs root";
  std::vector<oci::DeviceCgroupRule> defaults = default_device_rules();
  defaults.insert(defaults.begin(), {false, "a", std::nullopt, std::nullopt, "rwm"});
  const DeviceState states[] = {DeviceState::deny_all(), DeviceState::allow_all(), state_of(defaults),
                                state_of({{true, "a", {}, {}, "rwm"}, {false, "b", 8, 0, "w"}, {false, "c", {}, 7, "r"}})};
  for (const auto& s : states) {
    auto fd = load_device_program(device_filter_program(s));
    EXPECT_TRUE(fd.has_value()) << (fd ? "" : fd.error().to_string());
  }
}

// In the child: a cgroup with deny-all + /dev/null; a process in it may open
// /dev/null but not /dev/zero.
std::string enforce(const std::string& mount) {
  const std::string dir = mount + "/ocirun-bpftest-" + std::to_string(::getpid());
  if (::mkdir(dir.c_str(), 0755) < 0) return "mkdir " + dir + " failed";
  std::string err;
  CgroupFs fs;
  const DeviceState s = state_of({{false, "a", {}, {}, "rwm"}, {true, "c", 1, 3, "rw"}});
  for (int round = 0; round < 2 && err.empty(); ++round)  // the second attach replaces the first
    if (auto r = fs.attach_device_filter(dir, device_filter_program(s)); !r) err = r.error().to_string();
  auto dfd = fs.open_dir(dir);
  auto ids = dfd ? query_device_programs(dfd->get()) : Result<std::vector<uint32_t>>(ErrFrom(dfd.error()));
  if (err.empty() && (!ids || ids->size() != 1))
    err = "expected one attached program, got " + (ids ? std::to_string(ids->size()) : ids.error().to_string());
  const pid_t child = err.empty() ? ::fork() : -1;
  if (child == 0) {
    if (!fs::write_file(dir + "/cgroup.procs", "0")) ::_exit(10);
    const int null_fd = ::open("/dev/null", O_RDWR);
    const int zero_fd = ::open("/dev/zero", O_RDONLY);
    ::_exit(null_fd < 0 ? 11 : (zero_fd >= 0 ? 12 : (errno == EPERM ? 0 : 13)));
  }
  if (child > 0) {
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      err = "filter did not decide as expected (child status " + std::to_string(WEXITSTATUS(status)) + ")";
  }
  if (::rmdir(dir.c_str()) < 0 && err.empty()) err = "rmdir " + dir + " failed";
  return err;
}

TEST(BpfKernel, AttachedFilterAllowsAndDenies) {
  if (!testing::is_root()) GTEST_SKIP() << "needs root";
  const std::string r = in_private_cgroup2(enforce);
  if (r.rfind("SKIP", 0) == 0) GTEST_SKIP() << r;
  EXPECT_EQ(r, "");
}

}  // namespace
}  // namespace rt::cgroups
