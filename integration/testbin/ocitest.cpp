// ocitest: a static helper copied into the test rootfs. It reports what the
// container's process sees, for the Bats tests to assert on:
//   ocitest fds            open file descriptors (one per line: fd -> target)
//   ocitest sleep          sleep until killed
//   ocitest write-check P  exit 0 if P can be opened for writing
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int list_fds() {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return perror("opendir /proc/self/fd"), 1;
  const int own = dirfd(d);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (atoi(e->d_name) == own) continue;
    char target[4096] = {};
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    std::printf("%s -> %s\n", e->d_name, n > 0 ? target : "?");
  }
  closedir(d);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "fds") return list_fds();
  if (cmd == "sleep") {
    for (;;) pause();
  }
  if (cmd == "write-check" && argc > 2) {
    int fd = open(argv[2], O_WRONLY);
    if (fd < 0) return std::printf("%s: %s\n", argv[2], strerror(errno)), 1;
    close(fd);
    return 0;
  }
  std::fprintf(stderr, "usage: ocitest fds | sleep | write-check PATH\n");
  return 2;
}
