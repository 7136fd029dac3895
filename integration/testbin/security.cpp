// Process security subcommands: what the container's process may do and
// which attributes it runs with, printed for security.bats to compare.
//   caps                      the five capability sets as hex masks
//   syscall NAME|NR [ARG...]  makes one raw syscall: "ok RET" or "errno N"
//   sched                     policy, priority, nice (sched_getattr)
//   affinity                  the CPUs this process may run on ("0,1")
//   ioprio                    "class C data D" (ioprio_get)
//   mempolicy                 "mode M flags F nodes N" (get_mempolicy)
//   personality               the persona as hex
//   keyring                   the session keyring's serial and description
//   seccomp-agent SOCKET OUT  (on the host) a seccomp notify agent
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ocitest.hpp"
#include "runtime/base/unix_socket.hpp"

namespace {

// linux/sched/types.h clashes with glibc's sched.h: the v1 layout (48 bytes).
struct sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

// The capability sets straight from capget(2), version 3 (two 32-bit words).
int caps(const std::vector<std::string>&) {
  struct {
    uint32_t version;
    int pid;
  } header{0x20080522, 0};
  struct {
    uint32_t effective, permitted, inheritable;
  } data[2] = {};
  if (syscall(SYS_capget, &header, data) < 0) return perror("capget"), 1;
  auto mask = [&](uint32_t lo, uint32_t hi) { return (uint64_t{hi} << 32) | lo; };
  uint64_t bounding = 0, ambient = 0;
  for (int c = 0; c < 64; ++c) {
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) bounding |= 1ull << c;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1) ambient |= 1ull << c;
  }
  std::printf("bounding %016llx\n", static_cast<unsigned long long>(bounding));
  std::printf("effective %016llx\n",
              static_cast<unsigned long long>(mask(data[0].effective, data[1].effective)));
  std::printf("permitted %016llx\n",
              static_cast<unsigned long long>(mask(data[0].permitted, data[1].permitted)));
  std::printf("inheritable %016llx\n",
              static_cast<unsigned long long>(mask(data[0].inheritable, data[1].inheritable)));
  std::printf("ambient %016llx\n", static_cast<unsigned long long>(ambient));
  return 0;
}

struct SyscallName {
  const char* name;
  long nr;
};

// Calls without lasting effects for the tests (unshare excepted: it is the
// call docker's profile blocks, and it only affects this short-lived process).
constexpr SyscallName kSyscalls[] = {
    {"getpid", SYS_getpid}, {"umask", SYS_umask},     {"lseek", SYS_lseek},
    {"unshare", SYS_unshare}, {"getppid", SYS_getppid}, {"getpriority", SYS_getpriority},
    {"uname", SYS_uname},   {"chroot", SYS_chroot},   {"mkdir", SYS_mkdir},
};

int raw_syscall(const std::vector<std::string>& args) {
  if (args.empty()) return 2;
  long nr = -1;
  for (const auto& s : kSyscalls)
    if (args[0] == s.name) nr = s.nr;
  // A number is made as is (a syscall newer than any profile, say).
  if (nr < 0 && !args[0].empty() && args[0].find_first_not_of("0123456789") == std::string::npos)
    nr = std::strtol(args[0].c_str(), nullptr, 10);
  if (nr < 0) return std::fprintf(stderr, "unknown syscall %s\n", args[0].c_str()), 2;
  long a[6] = {};
  for (size_t i = 1; i < args.size() && i <= 6; ++i) a[i - 1] = std::strtol(args[i].c_str(), nullptr, 0);
  // A string argument (mkdir, chroot): pass its address instead.
  if ((nr == SYS_mkdir || nr == SYS_chroot) && args.size() > 1) a[0] = reinterpret_cast<long>(args[1].c_str());
  errno = 0;
  const long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (ret < 0) std::printf("errno %d\n", errno);
  else std::printf("ok %ld\n", ret);
  return 0;
}

int sched(const std::vector<std::string>&) {
  sched_attr attr{};
  attr.size = sizeof attr;
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) < 0) return perror("sched_getattr"), 1;
  std::printf("policy %u priority %u nice %d flags %llx runtime %llu deadline %llu period %llu\n",
              attr.sched_policy, attr.sched_priority, attr.sched_nice,
              static_cast<unsigned long long>(attr.sched_flags),
              static_cast<unsigned long long>(attr.sched_runtime),
              static_cast<unsigned long long>(attr.sched_deadline),
              static_cast<unsigned long long>(attr.sched_period));
  return 0;
}

int affinity(const std::vector<std::string>&) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) < 0) return perror("sched_getaffinity"), 1;
  const char* sep = "";
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &set)) continue;
    std::printf("%s%d", sep, c);
    sep = ",";
  }
  std::printf("\n");
  return 0;
}

int ioprio(const std::vector<std::string>&) {
  const long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  if (v < 0) return perror("ioprio_get"), 1;
  std::printf("class %ld data %ld\n", v >> 13, v & 0x1fff);
  return 0;
}

int mempolicy(const std::vector<std::string>&) {
  int mode = 0;
  unsigned long nodes[16] = {};
  if (syscall(SYS_get_mempolicy, &mode, nodes, sizeof nodes * 8, 0, 0) < 0) return perror("get_mempolicy"), 1;
  // The mode flags (MPOL_F_STATIC_NODES 1<<15, MPOL_F_RELATIVE_NODES 1<<14,
  // MPOL_F_NUMA_BALANCING 1<<13) come back ORed into the mode.
  std::printf("mode %d flags %x nodes %lx\n", mode & 0xff, mode & ~0xff, nodes[0]);
  return 0;
}

int personality_now(const std::vector<std::string>&) {
  std::printf("%lx\n", syscall(SYS_personality, 0xffffffffUL));
  return 0;
}

int keyring(const std::vector<std::string>&) {
  constexpr long kSession = -3, kGetId = 0, kDescribe = 6;
  const long id = syscall(SYS_keyctl, kGetId, kSession, 0);
  if (id < 0) return std::printf("errno %d\n", errno), 0;
  char desc[256] = {};
  const long n = syscall(SYS_keyctl, kDescribe, id, desc, sizeof desc - 1);
  // "type;uid;gid;perm;description": keep only the description.
  const char* name = n > 0 ? std::strrchr(desc, ';') : nullptr;
  std::printf("%ld %s\n", id, name ? name + 1 : "?");
  return 0;
}

// Receives the runtime's message: the JSON state and the notify fd.
int receive_listener(int conn, std::string& state) {
  char buf[65536];
  auto received = rt::recv_with_fds(conn, buf);
  if (!received) return std::fprintf(stderr, "%s\n", received.error().to_string().c_str()), -1;
  const int fd = received->fds.empty() ? -1 : received->fds.back().release();
  state.assign(buf, received->size);
  ssize_t n;
  // The rest of a long payload may follow in plain sends.
  while ((n = recv(conn, buf, sizeof buf, 0)) > 0) state.append(buf, static_cast<size_t>(n));
  return fd;
}

// seccomp-agent SOCKET OUT: accepts one runtime connection, writes the state
// it sent to OUT ("state <json>"), then answers every notification with
// errno 120 plus the syscall's first argument ("notify NR" in OUT) until the
// container's filter goes away.
int seccomp_agent(const std::vector<std::string>& args) {
  if (args.size() != 2) return 2;
  const int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, args[0].c_str(), sizeof addr.sun_path - 1);
  unlink(args[0].c_str());
  if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(sock, 1) < 0)
    return perror("bind/listen"), 1;
  FILE* out = std::fopen(args[1].c_str(), "a");
  if (!out) return perror(args[1].c_str()), 1;
  const int conn = accept4(sock, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return perror("accept"), 1;
  std::string state;
  const int notify_fd = receive_listener(conn, state);
  std::fprintf(out, "state %s\nfd %s\n", state.c_str(), notify_fd >= 0 ? "received" : "missing");
  std::fflush(out);
  if (notify_fd < 0) return 1;
  for (;;) {
    pollfd p{notify_fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!(p.revents & POLLIN)) break;  // POLLHUP: the filter's last user is gone
    seccomp_notif req{};
    if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    std::fprintf(out, "notify %d arg0 %llu\n", req.data.nr, static_cast<unsigned long long>(req.data.args[0]));
    std::fflush(out);
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.error = -static_cast<int>(120 + (req.data.args[0] % 8));
    ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  }
  return 0;
}

OCITEST_COMMAND("caps", "", caps);
OCITEST_COMMAND("syscall", "NAME|NR [ARG...]", raw_syscall);
OCITEST_COMMAND("sched", "", sched);
OCITEST_COMMAND("affinity", "", affinity);
OCITEST_COMMAND("ioprio", "", ioprio);
OCITEST_COMMAND("mempolicy", "", mempolicy);
OCITEST_COMMAND("personality", "", personality_now);
OCITEST_COMMAND("keyring", "", keyring);
OCITEST_COMMAND("seccomp-agent", "SOCKET OUT", seccomp_agent);

}  // namespace
