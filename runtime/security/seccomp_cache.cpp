#include "runtime/security/seccomp_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/sha256.hpp"

namespace rt::security {
namespace {

// Bump when the plan's meaning, the stub or the entry layout changes.
constexpr std::string_view kFormat = "ocirun-seccomp-cache-v1";
constexpr char kMagic[8] = {'O', 'C', 'I', 'B', 'P', 'F', '0', '1'};

void put_string(Sha256& h, std::string_view s) { h.update(cat(s.size(), ":")).update(s); }
void put_number(Sha256& h, uint64_t v) { h.update(cat(v, ";")); }

// Trust a directory only when only we can write to it.
Result<UniqueFd> open_trusted_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return ErrnoErr("open ", dir);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return ErrnoErr("stat ", dir);
  if (st.st_uid != ::geteuid() || (st.st_mode & 022))
    return Err(EPERM, dir, " is not owned by us or is writable by others");
  return fd;
}

std::optional<std::vector<sock_filter>> parse_entry(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  bytes.remove_prefix(sizeof kMagic);
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) ||
      bytes.size() / sizeof(sock_filter) > BPF_MAXINSNS)
    return std::nullopt;
  std::vector<sock_filter> prog(bytes.size() / sizeof(sock_filter));
  std::memcpy(prog.data(), bytes.data(), bytes.size());
  return prog;
}

// Removes the least recently used entries (mtime, refreshed on every hit).
void evict(int dirfd) {
  const int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  DIR* d = dup < 0 ? nullptr : ::fdopendir(dup);
  if (!d) {
    if (dup >= 0) ::close(dup);
    return;
  }
  std::vector<std::pair<timespec, std::string>> entries;
  while (dirent* e = ::readdir(d)) {
    struct stat st {};
    if (e->d_name[0] == '.' || ::fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    entries.emplace_back(st.st_mtim, e->d_name);
  }
  ::closedir(d);
  if (entries.size() <= kSeccompCacheMaxEntries) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.first.tv_sec != b.first.tv_sec ? a.first.tv_sec < b.first.tv_sec
                                            : a.first.tv_nsec < b.first.tv_nsec;
  });
  for (size_t i = 0; i + kSeccompCacheMaxEntries < entries.size(); ++i)
    ::unlinkat(dirfd, entries[i].second.c_str(), 0);
}

}  // namespace

std::string seccomp_cache_key(const SeccompPlan& plan) {
  Sha256 h;
  put_string(h, kFormat);
  const scmp_version* v = seccomp_version();
  put_number(h, v->major), put_number(h, v->minor), put_number(h, v->micro);
  put_number(h, seccomp_arch_native());
  put_number(h, plan.default_action), put_number(h, plan.flags), put_number(h, plan.enosys_stub);
  put_number(h, plan.architectures.size());
  for (uint32_t a : plan.architectures) put_number(h, a);
  put_number(h, plan.rules.size());
  for (const auto& r : plan.rules) {
    put_string(h, r.syscall);
    put_number(h, r.action);
    put_number(h, r.conditions.size());
    for (const auto& c : r.conditions)
      put_number(h, c.index), put_number(h, static_cast<uint64_t>(c.op)), put_number(h, c.value),
          put_number(h, c.value_two);
  }
  put_number(h, plan.syscall_names.size());
  for (const auto& n : plan.syscall_names) put_string(h, n);
  return h.hex_digest();
}

std::optional<std::vector<sock_filter>> seccomp_cache_lookup(const std::string& dir, const std::string& key) {
  auto dirfd = open_trusted_dir(dir);
  if (!dirfd) return std::nullopt;
  UniqueFd fd(::openat(dirfd->get(), key.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      (st.st_mode & 022))
    return std::nullopt;
  auto bytes = fs::read_fd(fd.get(), sizeof kMagic + BPF_MAXINSNS * sizeof(sock_filter));
  if (!bytes) return std::nullopt;
  auto prog = parse_entry(*bytes);
  if (prog) ::futimens(fd.get(), nullptr);  // most recently used
  return prog;
}

Result<> seccomp_cache_store(const std::string& dir, const std::string& key,
                             const std::vector<sock_filter>& prog) {
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return ErrnoErr("mkdir ", dir);
  TRY_ASSIGN(UniqueFd dirfd, open_trusted_dir(dir));
  std::string bytes(kMagic, sizeof kMagic);
  bytes.append(reinterpret_cast<const char*>(prog.data()), prog.size() * sizeof(sock_filter));
  TRY(fs::write_file_atomic(dirfd.get(), key, bytes, 0600));
  evict(dirfd.get());
  return {};
}

Result<SeccompProgram> compile_seccomp_cached(const SeccompPlan& plan, const std::string& dir) {
  if (dir.empty()) return compile_seccomp(plan);
  const std::string key = seccomp_cache_key(plan);
  if (auto cached = seccomp_cache_lookup(dir, key)) {
    log::debug("seccomp: program ", key, " from the cache");
    SeccompProgram program;
    program.filter = std::move(*cached);
    program.flags = plan.flags;
    return program;
  }
  TRY_ASSIGN(SeccompProgram program, compile_seccomp(plan));
  if (auto stored = seccomp_cache_store(dir, key, program.filter); !stored)
    log::debug("seccomp: not caching the program: ", stored.error().to_string());
  return program;
}

}  // namespace rt::security
