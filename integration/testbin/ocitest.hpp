// ocitest: a static helper copied into the test rootfs, which reports what
// the container's process sees for the Bats tests to assert on. Each area
// adds its subcommands in its own file with OCITEST_COMMAND.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <functional>
#include <string>
#include <vector>

namespace ocitest {

using Handler = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* usage;
  Handler handler;
};

// Registers a subcommand at static-initialisation time.
struct Registrar {
  Registrar(const char* name, const char* usage, Handler handler);
};

// A unix socket address for a filesystem path, and its length.
sockaddr_un unix_address(const char* path, socklen_t& len);

}  // namespace ocitest

#define OCITEST_CONCAT_(a, b) a##b
#define OCITEST_CONCAT(a, b) OCITEST_CONCAT_(a, b)
#define OCITEST_COMMAND(name, usage, handler) \
  static ::ocitest::Registrar OCITEST_CONCAT(ocitest_registrar_, __LINE__)(name, usage, handler)
