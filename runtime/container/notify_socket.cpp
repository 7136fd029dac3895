#include "runtime/container/notify_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/base/unix_socket.hpp"

namespace rt::container {
namespace {

// "@name" is an abstract socket, as sd_notify understands it.
Result<socklen_t> make_address(const std::string& path, sockaddr_un& addr) {
  addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return Err(EINVAL, "invalid notify socket ", path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (path[0] == '@') addr.sun_path[0] = '\0';
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path[0] == '@' ? 0 : 1));
}

Result<> send_datagram(int fd, std::string_view text, std::span<const int> fds = {}) {
  TRY_CTX(send_with_fds(fd, text, fds), "writing to the notify socket");
  return {};
}

// READY, then MAINPID, then a BARRIER: systemd closes the pipe we pass once
// it has processed what came before (sd_notify_barrier).
Result<> notify_host(const std::string& host, std::string_view ready_line, pid_t main_pid) {
  UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return ErrnoErr("notify socket");
  sockaddr_un addr;
  TRY_ASSIGN(socklen_t len, make_address(host, addr));
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) < 0)
    return ErrnoErr("connecting to NOTIFY_SOCKET ", host);
  TRY(send_datagram(sock.get(), cat(ready_line, "\n")));
  TRY(send_datagram(sock.get(), cat("MAINPID=", main_pid, "\n")));
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) < 0) return ErrnoErr("pipe");
  UniqueFd r(pipefd[0]), w(pipefd[1]);
  const int barrier_fds[] = {w.get()};
  TRY(send_datagram(sock.get(), "BARRIER=1", barrier_fds));
  w.reset();
  pollfd p{r.get(), POLLIN, 0};
  if (::poll(&p, 1, 30000) == 0) log::warn("no reply to BARRIER=1 on NOTIFY_SOCKET after 30s; ignored");
  return {};
}

}  // namespace

std::string host_notify_socket() {
  const char* s = std::getenv("NOTIFY_SOCKET");
  return s ? std::string(s) : std::string();
}

Result<std::optional<NotifyProxy>> NotifyProxy::bind(const ContainerDir& dir) {
  const std::string host = host_notify_socket();
  if (host.empty() || ::faccessat(dir.fd(), kNotifyDir, F_OK, 0) < 0) return std::optional<NotifyProxy>();
  UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return ErrnoErr("notify socket");
  const std::string path = cat(dir.path(), "/", kNotifyDir, "/notify.sock");
  ::unlink(path.c_str());
  sockaddr_un addr;
  TRY_ASSIGN(socklen_t len, make_address(path, addr));
  if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) < 0) return ErrnoErr("binding ", path);
  // Any user of the container may notify.
  if (::chmod(path.c_str(), 0777) < 0) return ErrnoErr("chmod ", path);
  return std::optional<NotifyProxy>(NotifyProxy(std::move(sock), host));
}

Result<bool> NotifyProxy::forward_if_ready(pid_t main_pid) {
  char buf[4096];
  const ssize_t n = ::recv(socket_.get(), buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? Result<bool>(false) : ErrnoErr("reading the notify socket");
  for (const auto& line : split(std::string_view(buf, static_cast<size_t>(n)), '\n')) {
    if (line.rfind("READY=", 0) == 0) {
      TRY(notify_host(host_, line, main_pid));
      return true;
    }
  }
  return false;
}

Result<> NotifyProxy::wait(pid_t init_pid, uint64_t start_time) {
  while (proc::alive(init_pid, start_time)) {
    pollfd p{socket_.get(), POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      TRY_ASSIGN(bool ready, forward_if_ready(init_pid));
      if (ready) return {};
    }
  }
  return {};
}

}  // namespace rt::container
