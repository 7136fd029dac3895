// Shared helpers of the seccomp tests: building programs from profiles.
#pragma once

#include <gtest/gtest.h>
#include <sys/prctl.h>

#include "oci/parse.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/security/seccomp.hpp"
#include "tests/security/child.hpp"

namespace rt::security::testing {

inline oci::SeccompSyscall call(std::vector<std::string> names, std::string action,
                                std::vector<oci::SeccompArg> args = {},
                                std::optional<uint32_t> errno_ret = std::nullopt) {
  return oci::SeccompSyscall{std::move(names), std::move(action), errno_ret, std::move(args)};
}

inline oci::Seccomp profile(std::string default_action, std::vector<oci::SeccompSyscall> calls = {}) {
  oci::Seccomp s;
  s.default_action = std::move(default_action);
  s.syscalls = std::move(calls);
  return s;
}

inline Result<SeccompProgram> build_program(const oci::Seccomp& s) {
  oci::Issues warnings;
  TRY_ASSIGN(const SeccompPlan plan, plan_seccomp(s, warnings));
  TRY(check_seccomp_support(plan));
  return compile_seccomp(plan);
}

inline SeccompProgram program_ok(const oci::Seccomp& s) {
  auto p = build_program(s);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().to_string());
  return p ? *p : SeccompProgram{};
}

// In the child: no_new_privs (so no CAP_SYS_ADMIN is needed), then the filter.
inline UniqueFd install_or_die(int out, const SeccompProgram& p) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    put_error(out, Error{errno, "prctl(PR_SET_NO_NEW_PRIVS)"});
  auto fd = load_seccomp_program(p);
  if (!fd) put_error(out, fd.error());
  return std::move(*fd);
}

// " <errno>" of a raw syscall's failure, or " ok".
inline std::string outcome(long rc) { return rc < 0 ? " " + std::to_string(errno) : std::string(" ok"); }

inline Result<oci::Seccomp> load_fixture(const std::string& name) {
  TRY_ASSIGN(const std::string text,
             fs::read_file(std::string(OCIRUN_SOURCE_DIR) + "/spec-fixtures/seccomp/" + name));
  // The fixture is a linux.seccomp object; the parser takes whole configs.
  auto spec = oci::parse_config(R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"linux":{"seccomp":)" +
                                text + "}}");
  if (!spec) return Err(0, name, ": ", spec.error().to_string());
  return *spec->linux->seccomp;
}

}  // namespace rt::security::testing
