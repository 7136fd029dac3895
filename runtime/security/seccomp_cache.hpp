// An on-disk cache of compiled seccomp programs, keyed by a SHA-256 of the
// plan (the normalised profile), the libseccomp version, the native
// architecture and this cache's format. Compiling Docker's default profile
// takes ~14 ms of libseccomp work on every create and exec; a hit costs a
// hash and one small read (see tests/security/seccomp_docker_test.cpp).
//
// The cache holds what the kernel will enforce, so it is trusted only in a
// directory owned by the runtime's user and writable by nobody else; any
// doubt (wrong owner or mode, bad size, bad header) is a miss, and a failing
// cache never fails a compile.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/security/seccomp.hpp"

namespace rt::security {

inline constexpr size_t kSeccompCacheMaxEntries = 64;

std::string seccomp_cache_key(const SeccompPlan& plan);

// A missing, untrusted or malformed entry is a miss (nullopt).
std::optional<std::vector<sock_filter>> seccomp_cache_lookup(const std::string& dir, const std::string& key);
// Creates dir (0700) if needed, writes the entry atomically and evicts the
// least recently used entries beyond kSeccompCacheMaxEntries.
Result<> seccomp_cache_store(const std::string& dir, const std::string& key,
                             const std::vector<sock_filter>& prog);

// compile_seccomp() behind the cache; an empty dir disables it.
Result<SeccompProgram> compile_seccomp_cached(const SeccompPlan& plan, const std::string& dir);

}  // namespace rt::security
