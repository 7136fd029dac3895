// bench_measure: runs one or more commands one after another and prints
// "WALL_US CPU_US MAXRSS_KB" for the whole sequence. Commands are separated
// by a ':::' argument. CPU is user+system time of the reaped children and
// peak RSS the largest child's ru_maxrss, both from wait4() (the numbers
// /usr/bin/time -v prints, but with microsecond resolution where time(1)
// rounds to 10 ms). Exits 1 when a command fails, naming it on stderr.
// usage: bench_measure CMD [ARG...] [::: CMD [ARG...]]...
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
    long long start = now_us();
    pid_t pid = fork();
    if (pid < 0) {
      std::perror("bench_measure: fork");
      return 1;
    }
    if (pid == 0) {
      execvp(command[0], command.data());
      std::fprintf(stderr, "bench_measure: exec %s: %s\n", command[0], std::strerror(errno));
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
    wall += now_us() - start;
    cpu += tv_us(usage.ru_utime) + tv_us(usage.ru_stime);
    if (usage.ru_maxrss > rss) rss = usage.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "bench_measure: '%s' failed (wait status %d)\n",
                   joined(command).c_str(), status);
      return 1;
    }
  }
  std::printf("%lld %lld %lld\n", wall, cpu, rss);
  return 0;
}
