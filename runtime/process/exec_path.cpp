#include "runtime/process/exec_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

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

// exec: "NAME": no such file or directory. Engines turn these texts into the
// shell's exit codes by matching Go's lower-case errno strings ("no such file
// or directory" -> 127, "permission denied" -> 126; docker's CLI is
// case-sensitive), so the errno text is spelled that way here.
Unexpected<Error> exec_error(const std::string& name, int errnum) {
  std::string text = std::strerror(errnum);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Err(0, "exec: \"", name, "\": ", text);
}

}  // namespace

Result<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.empty()) return Err(ENOENT, "exec: empty executable name");
  if (name.find('/') != std::string::npos) {
    if (int e = check_executable(name)) return exec_error(name, e);
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
  if (first_error) return exec_error(name, first_error);
  return Err(0, "exec: \"", name, "\": executable file not found in $PATH");
}

}  // namespace rt::process
