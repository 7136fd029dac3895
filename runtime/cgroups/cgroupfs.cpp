#include "runtime/cgroups/cgroupfs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/base/fs.hpp"

namespace rt::cgroups {

Result<std::string> CgroupFs::read(const std::string& path) const { return fs::read_file(path); }

Result<> CgroupFs::write(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return ErrnoErr("open ", path);
  // cgroupfs parses each write(2) as one value; never split it.
  const ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0) return ErrnoErr("write \"", value, "\" to ", path);
  if (static_cast<size_t>(n) != value.size()) return Err(EIO, "short write of \"", value, "\" to ", path);
  return {};
}

bool CgroupFs::exists(const std::string& path) const { return fs::exists(path); }

Result<bool> CgroupFs::mkdir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) == 0) return true;
  if (errno != EEXIST) return ErrnoErr("mkdir ", path);
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return ErrnoErr("stat ", path);
  if (!S_ISDIR(st.st_mode)) return Err(ENOTDIR, "mkdir ", path);
  return false;
}

Result<> CgroupFs::rmdir(const std::string& path) {
  if (::rmdir(path.c_str()) < 0 && errno != ENOENT) return ErrnoErr("rmdir ", path);
  return {};
}

Result<std::vector<std::string>> CgroupFs::child_dirs(const std::string& path) const {
  DIR* d = ::opendir(path.c_str());
  if (!d) return ErrnoErr("opendir ", path);
  std::vector<std::string> out;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bool dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      dir = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (dir) out.push_back(name);
  }
  ::closedir(d);
  return out;
}

Result<UniqueFd> CgroupFs::open_dir(const std::string& path) const {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoErr("open ", path);
  return fd;
}

Result<> CgroupFs::attach_device_filter(const std::string& path, const BpfProgram& program) {
  TRY_ASSIGN(UniqueFd dir, open_dir(path));
  TRY_ASSIGN(UniqueFd prog, load_device_program(program));
  TRY_CTX(replace_device_programs(dir.get(), prog.get()), path);
  return {};
}

std::shared_ptr<CgroupFs> host_cgroupfs() {
  static const auto fs = std::make_shared<CgroupFs>();
  return fs;
}

}  // namespace rt::cgroups
