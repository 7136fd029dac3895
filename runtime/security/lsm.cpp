#include "runtime/security/lsm.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdio>

#include "runtime/base/fs.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::security {
namespace {

constexpr ino_t kProcRootIno = 1;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

Result<> check_fs(int fd, const ProcFs& proc, const std::string& what) {
  struct statfs sfs {};
  if (::fstatfs(fd, &sfs) < 0) return ErrnoErr("fstatfs ", what);
  if (static_cast<int64_t>(sfs.f_type) != proc.fs_magic)
    return Err(EXDEV, what, " is not on procfs (filesystem magic ", hex(static_cast<uint64_t>(sfs.f_type)),
               "); refusing to write a security label there");
  return {};
}

Result<UniqueFd> open_proc_root(const ProcFs& proc) {
  UniqueFd fd(::open(proc.root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return ErrnoErr("open ", proc.root);
  TRY(check_fs(fd.get(), proc, proc.root));
  if (proc.fs_magic == PROC_SUPER_MAGIC) {
    // A procfs subdirectory bind-mounted over /proc passes the magic check.
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) return ErrnoErr("stat ", proc.root);
    if (st.st_ino != kProcRootIno) return Err(EXDEV, proc.root, " is not the root of a procfs mount");
  }
  return fd;
}

// Kernels before 5.6 have no openat2: walk the components without following
// symlinks (the final fstatfs still proves the file is on procfs).
Result<UniqueFd> open_beneath_fallback(int root, const std::string& rel, int flags) {
  UniqueFd cur(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  if (!cur) return ErrnoErr("dup");
  const auto parts = split(rel, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() || parts[i] == "..") return Err(EINVAL, "bad path ", rel);
    UniqueFd next(::openat(cur.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return ErrnoErr("open ", parts[i]);
    cur = std::move(next);
  }
  UniqueFd fd(::openat(cur.get(), parts.back().c_str(), flags | O_NOFOLLOW));
  if (!fd) return ErrnoErr("open ", rel);
  return fd;
}

Result<UniqueFd> open_beneath(int root, const std::string& rel, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  const int fd = sys::openat2(root, rel.c_str(), &how);
  if (fd < 0 && errno == ENOSYS) return open_beneath_fallback(root, rel, flags);
  if (fd < 0) return ErrnoErr("open ", rel);
  return UniqueFd(fd);
}

// "<pid>/task/<tid>" as this procfs names the calling thread; thread-self
// itself is a symlink, which open_beneath() refuses to follow.
Result<std::string> thread_dir(int root, const ProcFs& proc) {
  char buf[64];
  const ssize_t n = ::readlinkat(root, "thread-self", buf, sizeof buf - 1);
  if (n < 0) return ErrnoErr("readlink ", proc.root, "/thread-self");
  return std::string(buf, static_cast<size_t>(n));
}

Result<> write_attr(const ProcFs& proc, const std::vector<std::string>& candidates, std::string_view value) {
  TRY_ASSIGN(UniqueFd root, open_proc_root(proc));
  TRY_ASSIGN(const std::string dir, thread_dir(root.get(), proc));
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string rel = dir + "/" + candidates[i];
    const std::string shown = proc.root + "/" + rel;
    auto fd = open_beneath(root.get(), rel, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (!fd && fd.error().errnum == ENOENT && i + 1 < candidates.size()) continue;
    if (!fd) return ErrFrom(std::move(fd).error().context("writing ", shown));
    TRY(check_fs(fd->get(), proc, shown));
    const ssize_t n = ::write(fd->get(), value.data(), value.size());
    if (n < 0) return ErrnoErr("write ", shown);
    if (static_cast<size_t>(n) != value.size()) return Err(EIO, "short write to ", shown);
    return {};
  }
  return Err(ENOENT, "no attribute file under ", proc.root, "/", dir);
}

}  // namespace

namespace {

constexpr const char* kNoAppArmor = "AppArmor is not enabled on this host";
constexpr const char* kNoSelinux = "SELinux is not enabled on this host";

void process_label_issues(const oci::Process& process, bool apparmor_enabled, bool selinux_enabled,
                          const std::string& base, oci::Issues& out) {
  if (!process.apparmor_profile.empty() && !apparmor_enabled) out.push_back({base + ".apparmorProfile", kNoAppArmor});
  if (!process.selinux_label.empty() && !selinux_enabled) out.push_back({base + ".selinuxLabel", kNoSelinux});
}

}  // namespace

oci::Issues lsm_label_issues(const oci::Spec& spec, bool apparmor_enabled, bool selinux_enabled) {
  oci::Issues out;
  if (spec.process) process_label_issues(*spec.process, apparmor_enabled, selinux_enabled, "$.process", out);
  if (spec.linux && !spec.linux->mount_label.empty() && !selinux_enabled)
    out.push_back({"$.linux.mountLabel", kNoSelinux});
  return out;
}

Result<> check_lsm_labels(const oci::Process& process, bool apparmor_enabled, bool selinux_enabled,
                          const std::string& base) {
  oci::Issues issues;
  process_label_issues(process, apparmor_enabled, selinux_enabled, base, issues);
  if (!issues.empty()) return Err(0, issues.front().to_string());
  return {};
}

Result<> set_apparmor_exec_profile(const std::string& profile, const ProcFs& proc) {
  return with_context(write_attr(proc, {"attr/apparmor/exec", "attr/exec"}, "exec " + profile),
                      "setting AppArmor profile ", oci::quote(profile));
}

Result<> set_selinux_exec_label(const std::string& label, const ProcFs& proc) {
  return with_context(write_attr(proc, {"attr/exec"}, label), "setting SELinux label ", oci::quote(label));
}

}  // namespace rt::security
