// Cgroup subcommands: things a limit must stop (memory hog, fork bomb),
// device access, and a ticker that shows whether a process runs.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ocitest.hpp"

namespace {

// memhog MIB: maps MIB MiB and touches every page, so the memory is really
// charged; prints "allocated MIB" when it got all of it.
int memhog(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  const long mib = std::atol(args[0].c_str());
  const size_t chunk = 1u << 20;
  for (long i = 0; i < mib; ++i) {
    void* p = mmap(nullptr, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return std::printf("mmap after %ld MiB: %s\n", i, strerror(errno)), 1;
    std::memset(p, 0x5a, chunk);
  }
  std::printf("allocated %ld\n", mib);
  std::fflush(stdout);
  return 0;
}

// forkbomb N: tries to start N sleeping children (a bounded bomb), prints
// "forked A failed B", then kills and reaps them all.
int forkbomb(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  const int n = std::atoi(args[0].c_str());
  std::vector<pid_t> kids;
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      for (;;) pause();
    }
    if (pid < 0) ++failed;
    else kids.push_back(pid);
  }
  std::printf("forked %zu failed %d\n", kids.size(), failed);
  std::fflush(stdout);
  for (pid_t p : kids) kill(p, SIGKILL);
  for (pid_t p : kids) waitpid(p, nullptr, 0);
  return 0;
}

// open PATH r|w|rw: opens PATH (a device) and prints "ok" or the error.
int open_path(const std::vector<std::string>& args) {
  if (args.size() != 2) return 2;
  const int flags = args[1] == "rw" ? O_RDWR : args[1] == "w" ? O_WRONLY : O_RDONLY;
  const int fd = open(args[0].c_str(), flags | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::printf("%s: %s\n", args[0].c_str(), strerror(errno)), 1;
  close(fd);
  std::printf("ok\n");
  return 0;
}

// ticker FILE: writes an increasing counter to FILE every 10 ms, forever.
int ticker(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  for (unsigned long n = 1;; ++n) {
    const int fd = open(args[0].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return std::printf("%s: %s\n", args[0].c_str(), strerror(errno)), 1;
    char buf[32];
    const int len = std::snprintf(buf, sizeof buf, "%lu\n", n);
    if (write(fd, buf, len) != len) return 1;
    close(fd);
    timespec ts{0, 10 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
}

OCITEST_COMMAND("memhog", "MIB", memhog);
OCITEST_COMMAND("forkbomb", "N", forkbomb);
OCITEST_COMMAND("open", "PATH r|w|rw", open_path);
OCITEST_COMMAND("ticker", "FILE", ticker);

}  // namespace
