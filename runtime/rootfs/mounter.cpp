#include "runtime/rootfs/mounter.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "oci/issue.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/rootfs/copy_tree.hpp"
#include "runtime/rootfs/safe_path.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::rootfs {
namespace {

constexpr uint64_t kFsmountAttrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                   MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW;

std::string where(const MountOp& op) { return cat(op.json_path, " (", op.destination, ")"); }

// The kernel explains fsconfig failures on the fs context fd ("e ..." lines).
std::string fs_context_messages(int fsfd) {
  std::string out;
  char buf[512];
  for (int i = 0; i < 8; ++i) {
    ssize_t n = ::read(fsfd, buf, sizeof buf - 1);
    if (n <= 0) break;
    std::string_view line(buf, static_cast<size_t>(n));
    if (line.size() > 2 && line[1] == ' ') line.remove_prefix(2);
    if (!out.empty()) out += "; ";
    out += trim(line);
  }
  return out;
}

Result<uint64_t> mount_id(int fd, const std::string& what) {
  struct statx stx {};
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0) return ErrnoErr("statx ", what);
  return stx.stx_mnt_id;
}

// The root directory of the mount that holds fd's directory: walk up while
// ".." is on the same mount (at a mount's root ".." crosses into the parent
// mount).
Result<UniqueFd> mount_root_of(int fd, const std::string& what) {
  TRY_ASSIGN(const uint64_t id, mount_id(fd, what));
  UniqueFd current(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!current) return ErrnoErr("dup ", what);
  for (;;) {
    UniqueFd up(::openat(current.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!up) return ErrnoErr("finding the mount holding ", what);
    struct stat here {}, above {};
    if (::fstat(current.get(), &here) < 0 || ::fstat(up.get(), &above) < 0) return ErrnoErr("stat ", what);
    if (here.st_dev == above.st_dev && here.st_ino == above.st_ino) return current;  // "/"
    TRY_ASSIGN(const uint64_t up_id, mount_id(up.get(), what));
    if (up_id != id) return current;
    current = std::move(up);
  }
}

bool device_matches(const DeviceNode& dev, const struct stat& st) {
  if (dev.type == 'p') return S_ISFIFO(st.st_mode);
  const bool type_ok = dev.type == 'b' ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode);
  return type_ok && major(st.st_rdev) == static_cast<unsigned>(dev.major) &&
         minor(st.st_rdev) == static_cast<unsigned>(dev.minor);
}

}  // namespace

Result<> Mounter::prepare_root() {
  if (!plan_.own_mount_namespace) {
    root_.reset(::open(plan_.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_) return ErrnoErr("opening rootfs ", plan_.rootfs);
    return {};
  }
  if (sys_.mount(nullptr, "/", nullptr, plan_.root_propagation, nullptr) < 0)
    return ErrnoErr("setting the propagation of /");
  // The mount holding the rootfs may still be shared with the host ("/" made
  // shared, or not recursively slave): made private, neither the bind below
  // nor anything mounted inside the rootfs can propagate out, and pivot_root
  // accepts it.
  TRY(make_rootfs_parent_private());
  // pivot_root needs the rootfs to be a mount point: bind it on itself.
  UniqueFd tree(sys_.open_tree(AT_FDCWD, plan_.rootfs.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!tree) return ErrnoErr("bind mounting rootfs ", plan_.rootfs);
  if (sys_.move_mount(tree.get(), "", AT_FDCWD, plan_.rootfs.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return ErrnoErr("bind mounting rootfs ", plan_.rootfs);
  root_.reset(::open(plan_.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_) return ErrnoErr("opening rootfs ", plan_.rootfs);
  return {};
}

Result<> Mounter::make_rootfs_parent_private() {
  UniqueFd dir(::open(plan_.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return ErrnoErr("opening rootfs ", plan_.rootfs);
  TRY_ASSIGN(auto mount_root, mount_root_of(dir.get(), plan_.rootfs));
  struct mount_attr attr {};
  attr.propagation = MS_PRIVATE;
  if (sys_.mount_setattr(mount_root.get(), "", AT_EMPTY_PATH, &attr) < 0)
    return ErrnoErr("making the mount holding ", plan_.rootfs, " private");
  return {};
}

Result<> Mounter::mount_all() {
  for (const MountOp& op : plan_.mounts) TRY(mount_one(op));
  return {};
}

Result<UniqueFd> Mounter::make_filesystem(const MountOp& op, const std::string& fstype, const std::string& source,
                                          const std::vector<std::string>& data) {
  UniqueFd fsfd(sys_.fsopen(fstype.c_str(), FSOPEN_CLOEXEC));
  if (!fsfd) {
    if (errno == ENODEV) return Err(ENODEV, where(op), ": unknown filesystem type ", oci::quote(fstype));
    return ErrnoErr(where(op), ": fsopen ", fstype);
  }
  auto config = [&](unsigned cmd, const char* key, const char* value, const std::string& shown) -> Result<> {
    if (sys_.fsconfig(fsfd.get(), cmd, key, value, 0) == 0) return {};
    const int e = errno;
    std::string detail = fs_context_messages(fsfd.get());
    return Err(e, where(op), ": mounting ", fstype, shown.empty() ? "" : " with option ", shown,
               detail.empty() ? "" : ": ", detail);
  };
  if (!source.empty()) TRY(config(FSCONFIG_SET_STRING, "source", source.c_str(), ""));
  for (const std::string& d : data) {
    const auto eq = d.find('=');
    if (eq == std::string::npos) {
      TRY(config(FSCONFIG_SET_FLAG, d.c_str(), nullptr, d));
    } else {
      const std::string key = d.substr(0, eq), value = d.substr(eq + 1);
      TRY(config(FSCONFIG_SET_STRING, key.c_str(), value.c_str(), d));
    }
  }
  for (const std::string& f : op.options.sb_flags) TRY(config(FSCONFIG_SET_FLAG, f.c_str(), nullptr, f));
  TRY(config(FSCONFIG_CMD_CREATE, nullptr, nullptr, ""));
  UniqueFd mnt(sys_.fsmount(fsfd.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(op.options.attr_set & kFsmountAttrs)));
  if (!mnt) return ErrnoErr(where(op), ": fsmount ", fstype);
  return mnt;
}

Result<UniqueFd> Mounter::make_bind(const MountOp& op) {
  if (op.options.idmap) {
    // Made by the runtime before clone (prepare_idmapped_mounts): inside a
    // user namespace we would have no privilege over the source's
    // filesystem. Taken over close-on-exec.
    if (!op.idmapped_tree || !*op.idmapped_tree)
      return Err(EINVAL, where(op), ": the id-mapped tree was not prepared before clone");
    UniqueFd tree(::fcntl(op.idmapped_tree->get(), F_DUPFD_CLOEXEC, 0));
    if (!tree) return ErrnoErr(where(op), ": the id-mapped tree");
    return tree;
  }
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (op.options.recursive_bind ? AT_RECURSIVE : 0);
  UniqueFd tree(sys_.open_tree(AT_FDCWD, op.source.c_str(), flags));
  if (!tree) return ErrnoErr(where(op), ": bind source ", op.source);
  return tree;
}

Result<> Mounter::set_attrs(int mount_fd, uint64_t set, uint64_t clr, bool recursive, const std::string& what) {
  if (!set && !clr) return {};
  struct mount_attr attr {};
  attr.attr_set = set;
  attr.attr_clr = clr;
  if (sys_.mount_setattr(mount_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) < 0)
    return ErrnoErr(what, ": setting mount attributes");
  return {};
}

Result<> Mounter::apply_propagation(int mount_fd, const MountOp& op) {
  for (const Propagation& p : op.options.propagation) {
    struct mount_attr attr {};
    attr.propagation = p.flag;
    if (sys_.mount_setattr(mount_fd, "", AT_EMPTY_PATH | (p.recursive ? AT_RECURSIVE : 0), &attr) < 0)
      return ErrnoErr(where(op), ": setting mount propagation");
  }
  return {};
}

Result<> Mounter::attach(int mount_fd, const MountOp& op, bool is_dir) {
  UniqueFd target;
  const unsigned resolve = op.no_symlink_destination ? kResolveNoSymlinks : kResolveDefault;
  if (is_dir) {
    auto dir = open_in_root(root_.get(), op.destination, O_PATH | O_DIRECTORY, resolve);
    if (!dir && dir.error().errnum == ENOENT) {
      TRY_CTX(mkdir_all_in_root(root_.get(), op.destination), where(op));
      dir = open_in_root(root_.get(), op.destination, O_PATH | O_DIRECTORY, resolve);
    }
    if (!dir) {
      if (dir.error().errnum == ELOOP || dir.error().errnum == ENOTDIR)
        return Err(dir.error().errnum, where(op), ": the destination must be a directory, not a symlink");
      return ErrFrom(std::move(dir).error().context(where(op)));
    }
    target = std::move(*dir);
  } else {
    TRY_ASSIGN(target, with_context(create_file_in_root(root_.get(), op.destination), where(op)));
  }
  if (sys_.move_mount(mount_fd, "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return ErrnoErr(where(op), ": attaching the mount");
  return apply_propagation(mount_fd, op);
}

Result<> Mounter::mount_one(const MountOp& op) {
  switch (op.kind) {
    case MountKind::kCgroup:
      return mount_cgroups(op);
    case MountKind::kBind: {
      TRY_ASSIGN(auto tree, make_bind(op));
      struct stat st {};
      if (::fstat(tree.get(), &st) < 0) return ErrnoErr(where(op), ": stat bind source");
      TRY(set_attrs(tree.get(), op.options.rec_attr_set, op.options.rec_attr_clr, true, where(op)));
      TRY(set_attrs(tree.get(), op.options.attr_set, op.options.attr_clr, false, where(op)));
      return attach(tree.get(), op, S_ISDIR(st.st_mode));
    }
    case MountKind::kFilesystem: {
      TRY_ASSIGN(auto mnt, make_filesystem(op, op.fstype, op.source, op.options.data));
      if (op.options.tmpcopyup) {
        // Copy what the image has at the destination into the new tmpfs
        // before it covers it.
        auto original = open_in_root(root_.get(), op.destination, O_RDONLY | O_DIRECTORY);
        if (original) TRY_CTX(copy_tree(original->get(), mnt.get()), where(op), ": tmpcopyup");
      }
      TRY(set_attrs(mnt.get(), op.options.rec_attr_set, op.options.rec_attr_clr, true, where(op)));
      return attach(mnt.get(), op, true);
    }
  }
  return {};
}

Result<> Mounter::mount_cgroups(const MountOp& op) {
  const CgroupView& view = plan_.cgroups;
  const uint64_t ro = op.options.attr_set & MOUNT_ATTR_RDONLY;
  // One hierarchy: the container's cgroup2 directory, or with a cgroup
  // namespace a fresh cgroup2 mount (whose root is the namespace's root).
  auto hierarchy = [&](const std::string& fstype, const std::vector<std::string>& opts,
                       const std::string& host_dir, const std::string& dest) -> Result<> {
    MountOp sub = op;
    sub.destination = dest;
    sub.options.propagation.clear();
    UniqueFd fd;
    if (plan_.cgroup_namespace) {
      TRY_ASSIGN(fd, make_filesystem(sub, fstype, "cgroup", opts));
    } else {
      fd.reset(sys_.open_tree(AT_FDCWD, host_dir.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
      if (!fd) return ErrnoErr(where(op), ": binding cgroup ", host_dir);
      TRY(set_attrs(fd.get(), op.options.attr_set & kFsmountAttrs, 0, false, where(op)));
    }
    return attach(fd.get(), sub, true);
  };
  if (view.unified_only) {
    if (view.unified_dir.empty()) return Err(ENOENT, where(op), ": the container has no cgroup2 cgroup");
    return hierarchy("cgroup2", {}, view.unified_dir, op.destination);
  }
  // cgroup v1 (or hybrid): a tmpfs holding one directory per hierarchy.
  MountOp tmp = op;
  tmp.options.attr_set = (op.options.attr_set & ~MOUNT_ATTR_RDONLY) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                         MOUNT_ATTR_NOEXEC;
  TRY_ASSIGN(auto tmpfs, make_filesystem(tmp, "tmpfs", "cgroup", {"mode=755"}));
  TRY(attach(tmpfs.get(), tmp, true));
  for (const auto& h : view.v1) {
    std::vector<std::string> opts = split(h.options, ',');
    TRY(hierarchy("cgroup", opts, h.dir, fs::join(op.destination, h.name)));
    // "cpu,cpuacct" is also reachable as "cpu" and "cpuacct".
    if (h.name.find(',') != std::string::npos) {
      TRY_ASSIGN(auto dir, open_in_root(root_.get(), op.destination, O_RDONLY | O_DIRECTORY));
      for (const auto& part : split(h.name, ','))
        if (sys_.symlinkat(h.name.c_str(), dir.get(), part.c_str()) < 0 && errno != EEXIST)
          return ErrnoErr(where(op), ": symlink ", part);
    }
  }
  if (!view.unified_dir.empty())
    TRY(hierarchy("cgroup2", {}, view.unified_dir, fs::join(op.destination, "unified")));
  return set_attrs(tmpfs.get(), ro, 0, false, where(op));
}

Result<> Mounter::create_device(const DeviceNode& dev) {
  const std::string what = cat("device ", dev.path);
  if (plan_.bind_devices) {
    // mknod is not allowed in a user namespace: bind the host's node.
    MountOp op;
    op.kind = MountKind::kBind;
    op.source = dev.path;
    op.destination = dev.path;
    op.json_path = what;
    UniqueFd tree(sys_.open_tree(AT_FDCWD, dev.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) return ErrnoErr(what, ": binding the host's node");
    // The host's node must be the configured device, not whatever the
    // host has at that path.
    struct stat st {};
    if (::fstat(tree.get(), &st) < 0) return ErrnoErr(what, ": stat the host's node");
    if (!device_matches(dev, st))
      return Err(EINVAL, what, ": the host's node at this path is not ", dev.type, " ", dev.major, ":", dev.minor,
                 " (a user namespace can only bind the host's nodes)");
    return attach(tree.get(), op, false);
  }
  TRY_ASSIGN(auto pn, with_context(open_parent_in_root(root_.get(), dev.path, true), what));
  ::unlinkat(pn.parent.get(), pn.name.c_str(), 0);
  const mode_t type = dev.type == 'b' ? S_IFBLK : dev.type == 'p' ? S_IFIFO : S_IFCHR;
  const dev_t num = dev.type == 'p' ? 0 : makedev(dev.major, dev.minor);
  if (sys_.mknodat(pn.parent.get(), pn.name.c_str(), type | dev.mode, num) < 0) return ErrnoErr(what, ": mknod");
  if (sys_.fchownat(pn.parent.get(), pn.name.c_str(), dev.uid, dev.gid, AT_SYMLINK_NOFOLLOW) < 0)
    return ErrnoErr(what, ": chown");
  return {};
}

Result<> Mounter::create_devices() {
  for (const DeviceNode& d : plan_.devices) TRY(create_device(d));
  for (const Symlink& l : plan_.symlinks) {
    TRY_ASSIGN(auto pn, open_parent_in_root(root_.get(), l.path, true));
    if (sys_.symlinkat(l.target.c_str(), pn.parent.get(), pn.name.c_str()) < 0 && errno != EEXIST)
      return ErrnoErr("symlink ", l.path);
  }
  if (plan_.setup_dev) {
    // /dev/ptmx must be the devpts one (a link), not a node from the image.
    TRY_ASSIGN(auto pn, open_parent_in_root(root_.get(), "/dev/ptmx", true));
    struct stat st {};
    if (::fstatat(pn.parent.get(), "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
      ::unlinkat(pn.parent.get(), "ptmx", 0);
      if (sys_.symlinkat("pts/ptmx", pn.parent.get(), "ptmx") < 0) return ErrnoErr("symlink /dev/ptmx");
    }
  }
  return {};
}

Result<> Mounter::pivot() {
  if (!plan_.own_mount_namespace) {
    // The runtime's mount namespace: a plain chroot, never pivot_root.
    if (::chroot(plan_.rootfs.c_str()) < 0) return ErrnoErr("chroot ", plan_.rootfs);
    if (::chdir("/") < 0) return ErrnoErr("chdir /");
    return {};
  }
  if (::fchdir(root_.get()) < 0) return ErrnoErr("chdir ", plan_.rootfs);
  if (plan_.no_pivot) {
    if (sys_.mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) return ErrnoErr("moving the rootfs to /");
    if (::chroot(".") < 0) return ErrnoErr("chroot ", plan_.rootfs);
    if (::chdir("/") < 0) return ErrnoErr("chdir /");
    return {};
  }
  UniqueFd old_root(::open("/", O_DIRECTORY | O_PATH | O_CLOEXEC));
  if (!old_root) return ErrnoErr("opening the old root");
  // pivot_root(".", ".") stacks the old root under the new one at "."; no
  // temporary directory is needed in the image.
  if (sys::pivot_root(".", ".") < 0) return ErrnoErr("pivot_root ", plan_.rootfs);
  if (::fchdir(old_root.get()) < 0) return ErrnoErr("chdir to the old root");
  // Slave first, so that unmounting the old root cannot propagate to the host.
  if (sys_.mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) return ErrnoErr("making the old root slave");
  if (sys_.umount2(".", MNT_DETACH) < 0) return ErrnoErr("detaching the old root");
  if (::chdir("/") < 0) return ErrnoErr("chdir /");
  return {};
}

Result<> Mounter::mask_path(const std::string& path) {
  auto target = open_in_root(root_.get(), path, O_PATH);
  if (!target) {
    if (target.error().errnum == ENOENT) return {};
    return ErrFrom(std::move(target).error().context("masking ", path));
  }
  struct stat st {};
  if (::fstat(target->get(), &st) < 0) return ErrnoErr("masking ", path);
  MountOp op;
  op.destination = path;
  op.json_path = cat("masked path ", path);
  if (S_ISDIR(st.st_mode)) {
    op.options.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    TRY_ASSIGN(auto mnt, make_filesystem(op, "tmpfs", "tmpfs", {"size=0", "mode=0"}));
    if (sys_.move_mount(mnt.get(), "", target->get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return ErrnoErr("masking ", path);
    return {};
  }
  // Files are covered with the container's /dev/null, checked to be the
  // real null device (a hostile image may have replaced it with a link).
  TRY_ASSIGN(auto null_fd, open_in_root(root_.get(), "/dev/null", O_PATH | O_NOFOLLOW));
  struct stat nst {};
  if (::fstat(null_fd.get(), &nst) < 0) return ErrnoErr("masking ", path, ": stat /dev/null");
  if (!S_ISCHR(nst.st_mode) || nst.st_rdev != makedev(1, 3))
    return Err(EPERM, "masking ", path, ": /dev/null in the container is not the null device");
  UniqueFd tree(sys_.open_tree(null_fd.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
  if (!tree) return ErrnoErr("masking ", path);
  if (sys_.move_mount(tree.get(), "", target->get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return ErrnoErr("masking ", path);
  return {};
}

Result<> Mounter::make_readonly(const std::string& path) {
  auto target = open_in_root(root_.get(), path, O_PATH);
  if (!target) {
    if (target.error().errnum == ENOENT) return {};
    return ErrFrom(std::move(target).error().context("making ", path, " read-only"));
  }
  UniqueFd tree(sys_.open_tree(target->get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
  if (!tree) return ErrnoErr("making ", path, " read-only");
  TRY(set_attrs(tree.get(), MOUNT_ATTR_RDONLY, 0, true, cat("making ", path, " read-only")));
  if (sys_.move_mount(tree.get(), "", target->get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return ErrnoErr("making ", path, " read-only");
  return {};
}

Result<> Mounter::finalize() {
  if (!plan_.own_mount_namespace) return {};
  // After pivot_root the rootfs is "/".
  root_.reset(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_) return ErrnoErr("opening /");
  for (const auto& p : plan_.masked_paths) TRY(mask_path(p));
  for (const auto& p : plan_.readonly_paths) TRY(make_readonly(p));
  if (plan_.readonly_root) TRY(set_attrs(root_.get(), MOUNT_ATTR_RDONLY, 0, false, "making / read-only"));
  if (plan_.final_propagation && sys_.mount(nullptr, "/", nullptr, plan_.final_propagation, nullptr) < 0)
    return ErrnoErr("setting the propagation of /");
  return {};
}

}  // namespace rt::rootfs
