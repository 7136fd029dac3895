#include "runtime/rootfs/idmap.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

#include "runtime/base/scope_exit.hpp"
#include "runtime/process/namespaces.hpp"

namespace rt::rootfs {

Result<UniqueFd> new_userns_fd(int proc_fd, const std::vector<oci::IdMapping>& uids,
                               const std::vector<oci::IdMapping>& gids) {
  int hold[2];
  if (::pipe2(hold, O_CLOEXEC) < 0) return ErrnoErr("pipe for the id-map holder");
  UniqueFd hold_read(hold[0]), hold_write(hold[1]);
  // The child only waits, in its new user namespace, until we are done.
  const long pid = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return ErrnoErr("creating a user namespace for id-mapped mounts");
  if (pid == 0) {
    hold_write.reset();
    char byte;
    (void)!::read(hold_read.get(), &byte, 1);
    _exit(0);
  }
  ScopeExit release([&] {
    hold_write.reset();  // EOF: the child exits
    while (::waitpid(static_cast<pid_t>(pid), nullptr, 0) < 0 && errno == EINTR) {
    }
  });
  const std::string who = std::to_string(pid);
  UniqueFd dir(::openat(proc_fd, who.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return ErrnoErr("opening /proc/", who);
  TRY_CTX(process::write_id_maps_at(dir.get(), who, uids, gids, false), "id-mapped mounts");
  UniqueFd ns(::openat(dir.get(), "ns/user", O_RDONLY | O_CLOEXEC));
  if (!ns) return ErrnoErr("opening the user namespace of ", who);
  return ns;
}

Result<UniqueFd> open_idmapped_tree(sys::Syscalls& sys, const MountOp& op, int proc_fd) {
  const std::string where = cat(op.json_path, " (", op.destination, ")");
  UniqueFd userns;
  if (!op.idmap_userns_path.empty()) {
    userns.reset(::open(op.idmap_userns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!userns) return ErrnoErr(where, ": opening the user namespace ", op.idmap_userns_path);
  } else {
    TRY_ASSIGN(userns, with_context(new_userns_fd(proc_fd, op.uid_mappings, op.gid_mappings), where));
  }
  const unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (op.options.recursive_bind ? AT_RECURSIVE : 0);
  UniqueFd tree(sys.open_tree(AT_FDCWD, op.source.c_str(), flags));
  if (!tree) return ErrnoErr(where, ": bind source ", op.source);
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<uint64_t>(userns.get());
  const unsigned at = AT_EMPTY_PATH | (op.options.recursive_idmap ? AT_RECURSIVE : 0);
  if (sys.mount_setattr(tree.get(), "", at, &attr) < 0) {
    const int e = errno;
    if (e == EINVAL)
      return Err(e, where, ": the filesystem of ", op.source, " (or of a mount below it) cannot be id-mapped");
    if (e == EPERM)
      return Err(e, where, ": id-mapping ", op.source, " needs privilege over its filesystem");
    return Err(e, where, ": id-mapping ", op.source);
  }
  return tree;
}

Result<> prepare_idmapped_mounts(Plan& plan) {
  UniqueFd proc;
  for (MountOp& op : plan.mounts) {
    if (op.kind != MountKind::kBind || !op.options.idmap) continue;
    if (!proc) {
      proc.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!proc) return ErrnoErr("opening /proc");
    }
    TRY_ASSIGN(auto tree, open_idmapped_tree(sys::linux_syscalls(), op, proc.get()));
    op.idmapped_tree = std::make_shared<UniqueFd>(std::move(tree));
  }
  return {};
}

}  // namespace rt::rootfs
