#include "runtime/console/proxy.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace rt::console {
namespace {

bool copy_once(int from, int to) {
  char buf[8192];
  const ssize_t n = ::read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  for (ssize_t off = 0; off < n;) {
    const ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += w;
  }
  return true;
}

}  // namespace

TerminalProxy::TerminalProxy(UniqueFd master) : master_(std::move(master)) {
  termios t{};
  if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &t) == 0) {
    saved_ = t;
    ::cfmakeraw(&t);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
  }
  copy_window_size();
}

TerminalProxy::~TerminalProxy() {
  if (saved_) ::tcsetattr(STDIN_FILENO, TCSANOW, &*saved_);
}

bool TerminalProxy::pump_input() { return copy_once(STDIN_FILENO, master_.get()); }
bool TerminalProxy::pump_output() { return copy_once(master_.get(), STDOUT_FILENO); }

void TerminalProxy::drain_output() {
  ::fcntl(master_.get(), F_SETFL, ::fcntl(master_.get(), F_GETFL) | O_NONBLOCK);
  char buf[8192];
  ssize_t n;
  while ((n = ::read(master_.get(), buf, sizeof buf)) > 0) (void)!::write(STDOUT_FILENO, buf, static_cast<size_t>(n));
}

void TerminalProxy::copy_window_size() {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ::ioctl(master_.get(), TIOCSWINSZ, &ws);
}

}  // namespace rt::console
