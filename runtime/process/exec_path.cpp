#include "runtime/process/exec_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace rt::process {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// 0 when path is an executable regular file, else the errno explaining why not.
int check_executable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (::eaccess(path.c_str(), X_OK) < 0) return errno;
  return 0;
}

}  // namespace

Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.empty()) return Err(ENOENT, "exec: empty executable name");
  if (name.find('/') != std::string::npos) {
    if (int e = check_executable(name)) return Err(e, "exec: \"", name, "\"");
    return name;
  }
  std::string path_var = kDefaultPath;
  for (const auto& kv : env)
    if (kv.rfind("PATH=", 0) == 0) path_var = kv.substr(5);
  int first_error = 0;
  for (const auto& dir : split(path_var, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    const int e = check_executable(candidate);
    if (e == 0) return candidate;
    if (e != ENOENT && e != ENOTDIR && !first_error) first_error = e;
  }
  if (first_error) return Err(first_error, "exec: \"", name, "\"");
  return Err(0, "exec: \"", name, "\": executable file not found in $PATH");
}

}  // namespace rt::process
