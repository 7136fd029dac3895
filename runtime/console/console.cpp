#include "runtime/console/console.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "runtime/base/unix_socket.hpp"

namespace rt::console {

Result<UniqueFd> connect_socket(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Err(ENAMETOOLONG, "console socket ", path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoErr("console socket: socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return ErrnoErr("connecting to console socket ", path);
  return fd;
}

Result<LocalConsoleSocket> local_console_socket() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) return ErrnoErr("socketpair");
  return LocalConsoleSocket{UniqueFd(pair[0]), UniqueFd(pair[1])};
}

Result<Pty> open_container_pty(const std::optional<oci::ConsoleSize>& size, bool bind_dev_console) {
  Pty pty;
  pty.master.reset(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.master) return ErrnoErr("opening /dev/ptmx in the container");
  if (::unlockpt(pty.master.get()) < 0) return ErrnoErr("unlockpt");
  int n = -1;
  if (::ioctl(pty.master.get(), TIOCGPTN, &n) < 0) return ErrnoErr("TIOCGPTN");
  pty.name = cat("/dev/pts/", n);
  // TIOCGPTPEER opens the slave through the master: no path lookup that the
  // image could redirect.
  pty.slave.reset(::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!pty.slave) return ErrnoErr("opening the pty slave");
  if (size && size->height && size->width) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(size->height);
    ws.ws_col = static_cast<unsigned short>(size->width);
    if (::ioctl(pty.master.get(), TIOCSWINSZ, &ws) < 0) return ErrnoErr("setting the console size");
  }
  if (bind_dev_console) {
    // /dev/console must exist as a plain file to be a mount point.
    int fd = ::open("/dev/console", O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_WRONLY, 0600);
    if (fd >= 0) ::close(fd);
    UniqueFd tree(::open_tree(pty.slave.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (!tree || ::move_mount(tree.get(), "", AT_FDCWD, "/dev/console", MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return ErrnoErr("binding ", pty.name, " onto /dev/console");
  }
  return pty;
}

Result<> send_master(int socket_fd, const Pty& pty) {
  const int fds[] = {pty.master.get()};
  TRY_CTX(send_with_fds(socket_fd, pty.name, fds), "sending the pty master to the console socket");
  return {};
}

Result<UniqueFd> receive_master(int socket_fd, std::string* name) {
  char buf[4096];
  TRY_ASSIGN(auto r, with_context(recv_with_fds(socket_fd, buf), "receiving the pty master"));
  if (r.fds.size() != 1) return Err(EPROTO, "console socket: expected exactly one file descriptor");
  if (name) name->assign(buf, r.size);
  return std::move(r.fds[0]);
}

Result<> become_terminal_owner(int slave_fd) {
  if (::setsid() < 0) return ErrnoErr("setsid");
  if (::ioctl(slave_fd, TIOCSCTTY, 0) < 0) return ErrnoErr("making the pty the controlling terminal");
  for (int target = 0; target <= 2; ++target)
    if (::dup2(slave_fd, target) < 0) return ErrnoErr("dup2 pty to ", target);
  return {};
}

}  // namespace rt::console
