#include "runtime/container/units.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace rt::container {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Scales a decimal "int.frac" by mul, exactly while it fits in int64.
std::optional<int64_t> scale(std::string_view digits, std::string_view frac, uint64_t mul) {
  __int128 whole = 0;
  for (char c : digits) {
    whole = whole * 10 + (c - '0');
    if (whole > INT64_MAX) return std::nullopt;
  }
  __int128 v = whole * mul;
  // The fraction, truncated like Go's float conversion (to the unit).
  __int128 scale_den = 1, num = 0;
  for (char c : frac) {
    if (scale_den > INT64_MAX / 10) break;  // beyond any precision that matters
    num = num * 10 + (c - '0');
    scale_den *= 10;
  }
  v += num * mul / scale_den;
  if (v > INT64_MAX) return std::nullopt;
  return static_cast<int64_t>(v);
}

}  // namespace

Result<int64_t> parse_ram_in_bytes(std::string_view text) {
  auto bad = [&] { return Err(0, "invalid size: '", text, "'"); };
  size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) return bad();
  const std::string_view digits = text.substr(0, i);
  std::string_view frac;
  if (i < text.size() && text[i] == '.') {
    const size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return bad();
    frac = text.substr(start, i - start);
    // go-units' pattern allows "1.2.3", which its float parsing then refuses.
    if (i < text.size() && text[i] == '.') return bad();
  }
  if (i < text.size() && text[i] == ' ') ++i;
  uint64_t mul = 1;
  if (i < text.size()) {
    switch (text[i] | 0x20) {
      case 'k': mul = 1ull << 10; break;
      case 'm': mul = 1ull << 20; break;
      case 'g': mul = 1ull << 30; break;
      case 't': mul = 1ull << 40; break;
      case 'p': mul = 1ull << 50; break;
      default: mul = 0;
    }
    if (mul != 0) ++i;
    else mul = 1;
  }
  if (i < text.size() && (text[i] | 0x20) == 'i') ++i;
  if (i < text.size() && (text[i] | 0x20) == 'b') ++i;
  if (i != text.size()) return bad();
  auto v = scale(digits, frac, mul);
  if (!v) return Err(0, "invalid size: '", text, "' (too large)");
  return *v;
}

Result<int64_t> parse_go_duration(std::string_view text) {
  auto bad = [&] { return Err(0, "time: invalid duration \"", text, "\""); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return bad();
  struct Unit {
    std::string_view name;
    uint64_t ns;
  };
  static constexpr Unit kUnits[] = {{"ns", 1},          {"us", 1000},        {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000},
                                    {"ms", 1000000},    {"s", 1000000000},   {"m", 60000000000},
                                    {"h", 3600000000000}};
  __int128 total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    const std::string_view digits = s.substr(0, i);
    std::string_view frac;
    if (i < s.size() && s[i] == '.') {
      const size_t start = ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
      frac = s.substr(start, i - start);
    }
    if (digits.empty() && frac.empty()) return bad();
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    const std::string_view unit = s.substr(0, u);
    if (unit.empty()) return Err(0, "time: missing unit in duration \"", text, "\"");
    const Unit* found = nullptr;
    for (const Unit& k : kUnits)
      if (k.name == unit) found = &k;
    if (!found) return Err(0, "time: unknown unit \"", unit, "\" in duration \"", text, "\"");
    s.remove_prefix(u);
    auto v = scale(digits, frac, found->ns);
    if (!v) return bad();
    total += *v;
    if (total > INT64_MAX) return bad();
  }
  return negative ? -static_cast<int64_t>(total) : static_cast<int64_t>(total);
}

}  // namespace rt::container
