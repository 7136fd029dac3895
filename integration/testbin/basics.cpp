// General subcommands: open fds, sleeping, write access.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ocitest.hpp"

namespace {

// Each open fd as "N -> target" (the fd of the listing itself excluded).
int list_fds(const std::vector<std::string>&) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return perror("opendir /proc/self/fd"), 1;
  const int own = dirfd(d);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == own) continue;
    char target[4096] = {};
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    std::printf("%s -> %s\n", e->d_name, n > 0 ? target : "?");
  }
  closedir(d);
  return 0;
}

int sleep_forever(const std::vector<std::string>&) {
  for (;;) pause();
}

int write_check(const std::vector<std::string>& args) {
  if (args.empty()) return 2;
  const int fd = open(args[0].c_str(), O_WRONLY);
  if (fd < 0) return std::printf("%s: %s\n", args[0].c_str(), strerror(errno)), 1;
  close(fd);
  return 0;
}

OCITEST_COMMAND("fds", "", list_fds);
OCITEST_COMMAND("sleep", "", sleep_forever);
OCITEST_COMMAND("write-check", "PATH", write_check);

}  // namespace
