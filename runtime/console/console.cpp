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
  iovec iov{const_cast<char*>(pty.name.data()), pty.name.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  const int fd = pty.master.get();
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  while (::sendmsg(socket_fd, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return ErrnoErr("sending the pty master to the console socket");
  }
  return {};
}

Result<UniqueFd> receive_master(int socket_fd, std::string* name) {
  char buf[4096];
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR) return ErrnoErr("receiving the pty master");
  }
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    return Err(EPROTO, "console socket: expected exactly one file descriptor");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  if (name) name->assign(buf, static_cast<size_t>(n));
  return UniqueFd(fd);
}

Result<> become_terminal_owner(int slave_fd) {
  if (::setsid() < 0) return ErrnoErr("setsid");
  if (::ioctl(slave_fd, TIOCSCTTY, 0) < 0) return ErrnoErr("making the pty the controlling terminal");
  for (int target = 0; target <= 2; ++target)
    if (::dup2(slave_fd, target) < 0) return ErrnoErr("dup2 pty to ", target);
  return {};
}

}  // namespace rt::console
