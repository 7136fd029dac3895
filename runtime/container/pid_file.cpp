#include "runtime/container/pid_file.hpp"

#include "runtime/base/fs.hpp"

namespace rt::container {

Result<> write_pid_file(const std::string& path, pid_t pid) {
  const std::string abs = fs::absolute(path);
  const auto slash = abs.rfind('/');
  TRY_ASSIGN(auto dir, fs::open_dir(slash == 0 ? "/" : abs.substr(0, slash)));
  return with_context(fs::write_file_atomic(dir.get(), abs.substr(slash + 1), std::to_string(pid), 0644),
                      "writing pid file ", abs);
}

}  // namespace rt::container
