// `run` in the foreground with a terminal: the caller's terminal is put in
// raw mode and bytes are copied between it and the container's pty.
#pragma once

#include <termios.h>

#include <optional>

#include "runtime/base/unique_fd.hpp"

namespace rt::console {

class TerminalProxy {
 public:
  explicit TerminalProxy(UniqueFd master);
  ~TerminalProxy();  // restores the caller's terminal

  int master_fd() const { return master_.get(); }
  // Copies what is readable; false once the side is closed.
  bool pump_input();   // stdin -> pty
  bool pump_output();  // pty -> stdout
  void drain_output();
  void copy_window_size();

 private:
  UniqueFd master_;
  std::optional<termios> saved_;
};

}  // namespace rt::console
