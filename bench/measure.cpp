// bench_measure: runs one or more commands one after another and prints
// "WALL_US CPU_US MAXRSS_KB" for the whole sequence. Commands are separated
// by a ':::' argument. CPU is user+system time of the reaped children and
// peak RSS the largest child's ru_maxrss, both from wait4() (the numbers
// /usr/bin/time -v prints, but with microsecond resolution where time(1)
// rounds to 10 ms). The commands' stdout goes to /dev/null. Exits 1 when a
// command fails, naming it on stderr.
// A command written "@until-ok CMD..." is run again (every 0.2 ms, for at
// most 2 s) until it succeeds; every attempt counts (e.g. delete polling for
// a container to stop).
// usage: bench_measure CMD [ARG...] [::: CMD [ARG...]]...
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

long long now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

long long tv_us(const timeval& tv) { return tv.tv_sec * 1000000LL + tv.tv_usec; }

std::string joined(const std::vector<char*>& argv) {
  std::string text;
  for (char* arg : argv) {
    if (arg == nullptr) break;
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::vector<char*>> commands(1);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], ":::") == 0) {
      commands.emplace_back();
    } else {
      commands.back().push_back(argv[i]);
    }
  }
  for (auto& command : commands) {
    if (command.empty()) {
      std::fprintf(stderr, "usage: bench_measure CMD [ARG...] [::: CMD [ARG...]]...\n");
      return 2;
    }
    command.push_back(nullptr);
  }
  long long wall = 0, cpu = 0, rss = 0;
  for (auto& command : commands) {
    const bool until_ok = std::strcmp(command[0], "@until-ok") == 0;
    char** argv_run = command.data() + (until_ok ? 1 : 0);
    if (argv_run[0] == nullptr) {
      std::fprintf(stderr, "bench_measure: @until-ok needs a command\n");
      return 2;
    }
    const long long start = now_us();
    for (;;) {
      pid_t pid = fork();
      if (pid < 0) {
        std::perror("bench_measure: fork");
        return 1;
      }
      if (pid == 0) {
        // Only the numbers go to stdout: the command's output is dropped.
        const int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null_fd < 0 || dup2(null_fd, 1) < 0) _exit(127);
        if (until_ok) {
          // Its complaints while the condition does not hold yet are noise.
          if (std::freopen("/dev/null", "w", stderr) == nullptr) _exit(127);
        }
        execvp(argv_run[0], argv_run);
        std::fprintf(stderr, "bench_measure: exec %s: %s\n", argv_run[0], std::strerror(errno));
        _exit(127);
      }
      int status = 0;
      rusage usage{};
      while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
          std::perror("bench_measure: wait4");
          return 1;
        }
      }
      cpu += tv_us(usage.ru_utime) + tv_us(usage.ru_stime);
      if (usage.ru_maxrss > rss) rss = usage.ru_maxrss;
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (ok) break;
      if (!until_ok || now_us() - start > 2000000) {
        std::fprintf(stderr, "bench_measure: '%s' failed (wait status %d)\n", joined(command).c_str(), status);
        return 1;
      }
      const timespec pause{0, 200000};
      nanosleep(&pause, nullptr);
    }
    wall += now_us() - start;
  }
  std::printf("%lld %lld %lld\n", wall, cpu, rss);
  return 0;
}
