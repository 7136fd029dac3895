// The dispatcher; subcommands live in the other files of this directory.
#include "ocitest.hpp"

#include <cstddef>
#include <cstdio>
#include <cstring>

namespace ocitest {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace

Registrar::Registrar(const char* name, const char* usage, Handler handler) {
  registry().push_back({name, usage, handler});
}

sockaddr_un unix_address(const char* path, socklen_t& len) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::strlen(path) + 1);
  return addr;
}

}  // namespace ocitest

int main(int argc, char** argv) {
  const char* cmd = argc > 1 ? argv[1] : "";
  for (const auto& c : ocitest::registry()) {
    if (std::strcmp(c.name, cmd) == 0) return c.handler(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "usage:\n");
  for (const auto& c : ocitest::registry()) std::fprintf(stderr, "  ocitest %s %s\n", c.name, c.usage);
  return 2;
}
