// Small file helpers with errno-carrying errors.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::fs {

inline constexpr size_t kDefaultMaxRead = 64u << 20;  // refuse absurd inputs (64 MiB)

Result<std::string> read_file(const std::string& path, size_t max_bytes = kDefaultMaxRead);
Result<std::string> read_file_at(int dirfd, const std::string& name, size_t max_bytes = kDefaultMaxRead);
Result<std::string> read_fd(int fd, size_t max_bytes = kDefaultMaxRead);
// For files a caller hands us (config.json) or that may have been tampered
// with (state.json): anything but a regular file is refused before reading,
// so a FIFO cannot block the runtime and a device cannot feed it forever.
Result<std::string> read_regular_file_at(int dirfd, const std::string& name, size_t max_bytes = kDefaultMaxRead);

// One write(2) of the whole content to an existing file (procfs, cgroupfs,
// sysctl): these files want the value in a single write.
Result<> write_file(const std::string& path, std::string_view content);
Result<> write_file_at(int dirfd, const std::string& name, std::string_view content);
Result<> write_all(int fd, std::string_view content);

// Writes <name> in dirfd atomically: a temporary file, then rename(2).
Result<> write_file_atomic(int dirfd, const std::string& name, std::string_view content, mode_t mode = 0600);

Result<> mkdir_all(const std::string& path, mode_t mode = 0755);
Result<UniqueFd> open_dir(const std::string& path);

// Absolute form of path (relative to the cwd), lexically cleaned; symlinks
// are not resolved.
std::string absolute(const std::string& path);
// Lexical clean: collapses //, /./ and resolves .. without leaving "/".
std::string clean(std::string_view path);
std::string join(std::string_view a, std::string_view b);

bool exists(const std::string& path);

}  // namespace rt::fs
