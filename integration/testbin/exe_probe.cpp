// CVE-2019-5736 probe: what a process in the container can reach of other
// processes' executables (the runtime's init is a clone of the runtime
// binary until it executes the container's process).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ocitest.hpp"

namespace {

// exe-probe GO_FILE: waits until GO_FILE exists, then for every other pid
// prints "PID read=<dev:ino|errno> write=<ok|errno>". Opening for writing
// does not truncate; nothing is ever written.
int exe_probe(const std::vector<std::string>& args) {
  if (args.size() != 1) return 2;
  while (access(args[0].c_str(), F_OK) != 0) usleep(20000);
  DIR* d = opendir("/proc");
  if (!d) return perror("opendir /proc"), 1;
  const int self = getpid();
  while (dirent* e = readdir(d)) {
    const int pid = atoi(e->d_name);
    if (pid <= 0 || pid == self) continue;
    const std::string exe = "/proc/" + std::string(e->d_name) + "/exe";
    std::string read_result, write_result;
    const int fd = open(exe.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      read_result = strerror(errno);
    } else {
      struct stat st {};
      fstat(fd, &st);
      read_result = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
      close(fd);
    }
    const int wfd = open(exe.c_str(), O_WRONLY | O_CLOEXEC);
    if (wfd < 0) {
      write_result = strerror(errno);
    } else {
      write_result = "ok";
      close(wfd);
    }
    std::printf("%d read=%s write=%s\n", pid, read_result.c_str(), write_result.c_str());
  }
  closedir(d);
  std::fflush(stdout);
  return 0;
}

OCITEST_COMMAND("exe-probe", "GO_FILE", exe_probe);

}  // namespace
