#include "runtime/security/sealed_binary.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/base/unique_fd.hpp"

extern char** environ;

namespace rt::security {
namespace {

constexpr unsigned kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// Kernels from 6.3 on want memfds that may be executed to say so (MFD_EXEC);
// older ones refuse the unknown flag.
constexpr unsigned kMfdExec = 0x0010U;

Result<UniqueFd> make_sealed_copy(int source) {
  struct stat st {};
  if (::fstat(source, &st) < 0) return ErrnoErr("stat /proc/self/exe");
  UniqueFd copy(::memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING | kMfdExec));
  if (!copy && errno == EINVAL) copy.reset(::memfd_create("ocirun", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!copy) return ErrnoErr("memfd_create");
  for (off_t done = 0; done < st.st_size;) {
    const ssize_t n = ::sendfile(copy.get(), source, &done, static_cast<size_t>(st.st_size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoErr("copying /proc/self/exe");
    if (n == 0) return Err(EIO, "copying /proc/self/exe: it shrank");
  }
  if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) < 0) return ErrnoErr("sealing the copy");
  return copy;
}

}  // namespace

bool needs_sealed_binary(std::string_view command) {
  return command == "create" || command == "run" || command == "exec";
}

Result<> reexec_from_sealed_copy(char** argv) {
  UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  if (!self) return ErrnoErr("CVE-2019-5736 protection: open /proc/self/exe");
  const int seals = ::fcntl(self.get(), F_GET_SEALS);
  if (seals >= 0 && (static_cast<unsigned>(seals) & kSeals) == kSeals) return {};  // already the copy
  auto copy = make_sealed_copy(self.get());
  if (!copy) return ErrFrom(std::move(copy).error().context("CVE-2019-5736 protection"));
  self.reset();
  ::execveat(copy->get(), "", argv, environ, AT_EMPTY_PATH);
  return ErrnoErr("CVE-2019-5736 protection: executing the sealed copy of the runtime");
}

}  // namespace rt::security
