// String helpers (g++ 12 has no <format>).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace rt {

namespace detail {
inline void append(std::string& out, std::string_view s) { out.append(s); }
inline void append(std::string& out, const char* s) { out.append(s ? s : "(null)"); }
inline void append(std::string& out, const std::string& s) { out.append(s); }
inline void append(std::string& out, char c) { out.push_back(c); }
template <class T>
  requires std::is_arithmetic_v<T> && (!std::is_same_v<T, char>) && (!std::is_same_v<T, bool>)
void append(std::string& out, T v) {
  out.append(std::to_string(v));
}
inline void append(std::string& out, bool b) { out.append(b ? "true" : "false"); }
}  // namespace detail

// cat("mount ", path, ": ", 3) -> "mount /x: 3"
template <class... A>
std::string cat(A&&... parts) {
  std::string out;
  (detail::append(out, std::forward<A>(parts)), ...);
  return out;
}

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);

// Parses a whole string as a decimal integer; nullopt on any junk or overflow.
template <class I>
std::optional<I> parse_int(std::string_view s) {
  I v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace rt
