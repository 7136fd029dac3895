#include "runtime/cli/args.hpp"

#include <cctype>
#include <optional>

namespace rt::cli {
namespace {

const std::vector<std::string> kNoValues;

bool matches(std::string_view names, std::string_view name) {
  size_t pos = 0;
  while (pos <= names.size()) {
    size_t end = names.find(',', pos);
    if (end == std::string_view::npos) end = names.size();
    if (names.substr(pos, end - pos) == name) return true;
    pos = end + 1;
  }
  return false;
}

std::string canonical(std::string_view names) { return std::string(names.substr(0, names.find(','))); }

const FlagSpec* find_flag(std::span<const FlagSpec> specs, std::string_view name) {
  for (const auto& s : specs)
    if (matches(s.names, name)) return &s;
  return nullptr;
}

bool looks_like_flag(const std::string& a) {
  if (a.size() < 2 || a[0] != '-') return false;
  // "-9" and "-15" are signal arguments, not flags.
  return !std::isdigit(static_cast<unsigned char>(a[1]));
}

}  // namespace

bool ParsedArgs::has(std::string_view name) const { return values_.find(name) != values_.end(); }

bool ParsedArgs::flag(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.empty() && it->second.back() == "true";
}

std::string ParsedArgs::value(std::string_view name, std::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

const std::vector<std::string>& ParsedArgs::values(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? kNoValues : it->second;
}

void ParsedArgs::set(std::string name, std::string value, bool multi) {
  auto& v = values_[std::move(name)];
  if (!multi) v.clear();
  v.push_back(std::move(value));
}

Result<ParsedArgs> parse_args(std::span<const FlagSpec> specs, std::span<const std::string> args,
                              int flags_until) {
  ParsedArgs out;
  int positionals = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool flags_done = flags_until > 0 && positionals >= flags_until;
    if (flags_done || !looks_like_flag(a)) {
      out.add_positional(a);
      ++positionals;
      continue;
    }
    if (a == "--") {
      for (++i; i < args.size(); ++i) out.add_positional(args[i]);
      break;
    }
    std::string_view body(a);
    body.remove_prefix(body.starts_with("--") ? 2 : 1);
    std::string_view name = body;
    std::optional<std::string> inline_value;
    if (auto eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      inline_value = std::string(body.substr(eq + 1));
    }
    const FlagSpec* spec = find_flag(specs, name);
    if (!spec) return Err(0, "flag provided but not defined: -", name);
    const std::string key = canonical(spec->names);
    if (spec->kind == FlagKind::kBool) {
      std::string v = inline_value.value_or("true");
      if (v != "true" && v != "false" && v != "1" && v != "0")
        return Err(0, "invalid boolean value \"", v, "\" for -", name);
      out.set(key, (v == "true" || v == "1") ? "true" : "false", false);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Err(0, "flag needs an argument: -", name);
      inline_value = args[++i];
    }
    out.set(key, std::move(*inline_value), spec->kind == FlagKind::kMulti);
  }
  return out;
}

std::string format_flags(std::span<const FlagSpec> specs) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& s : specs) {
    std::string left;
    size_t pos = 0;
    while (pos <= s.names.size()) {
      size_t end = s.names.find(',', pos);
      if (end == std::string_view::npos) end = s.names.size();
      std::string_view n = s.names.substr(pos, end - pos);
      if (!left.empty()) left += ", ";
      left += n.size() == 1 ? "-" : "--";
      left += n;
      if (!s.value_name.empty()) {
        left += ' ';
        left += s.value_name;
      }
      pos = end + 1;
    }
    std::string right(s.help);
    if (!s.default_value.empty()) right += cat(" (default: \"", s.default_value, "\")");
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), std::move(right));
  }
  std::string out;
  for (auto& [l, r] : rows) out += cat("   ", l, std::string(width - l.size() + 2, ' '), r, "\n");
  return out;
}

}  // namespace rt::cli
