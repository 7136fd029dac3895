// org.systemd.property.* annotations: GVariant text values -> D-Bus values.
#include <cctype>
#include <cstdlib>

#include "runtime/base/str.hpp"
#include "runtime/cgroups/systemd/properties.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr std::string_view kPrefix = "org.systemd.property.";

Result<std::string> parse_quoted(std::string_view s) {
  if (s.size() < 2 || (s.front() != '\'' && s.front() != '"') || s.back() != s.front())
    return Err(EINVAL, "expected a quoted string, got ", std::string(s));
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

Result<std::vector<std::string>> parse_string_array(std::string_view s) {
  std::vector<std::string> out;
  std::string_view body = trim(s.substr(1, s.size() - 2));
  while (!body.empty()) {
    const char q = body.front();
    size_t end = 1;
    while (end < body.size() && (body[end] != q || body[end - 1] == '\\')) ++end;
    if (end >= body.size()) return Err(EINVAL, "unterminated string in ", std::string(s));
    TRY_ASSIGN(std::string item, parse_quoted(body.substr(0, end + 1)));
    out.push_back(std::move(item));
    body = trim(body.substr(end + 1));
    if (!body.empty() && body.front() == ',') body = trim(body.substr(1));
  }
  return out;
}

// A typed number: signature letter + text.
Result<Value> parse_number(char sig, std::string_view t) {
  const std::string text(t);
  if (sig == 'd') {
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end) return Err(EINVAL, "expected a number, got \"", text, "\"");
    return Value{"d", d};
  }
  if (sig == 't' || sig == 'u' || sig == 'q' || sig == 'y') {
    auto v = parse_int<uint64_t>(text);
    const uint64_t max = sig == 't' ? UINT64_MAX : sig == 'u' ? UINT32_MAX : sig == 'q' ? UINT16_MAX : UINT8_MAX;
    if (!v || *v > max) return Err(EINVAL, "expected an unsigned number for '", sig, "', got \"", text, "\"");
    return Value{std::string(1, sig), *v};
  }
  auto v = parse_int<int64_t>(text);
  const int64_t lim = sig == 'x' ? INT64_MAX : sig == 'i' ? INT32_MAX : INT16_MAX;
  if (!v || *v > lim || *v < -lim - 1) return Err(EINVAL, "expected a number for '", sig, "', got \"", text, "\"");
  return Value{std::string(1, sig), *v};
}

char type_keyword(std::string_view word) {
  static const std::pair<std::string_view, char> kTypes[] = {
      {"uint64", 't'}, {"int64", 'x'}, {"uint32", 'u'}, {"int32", 'i'}, {"uint16", 'q'}, {"int16", 'n'},
      {"byte", 'y'},   {"double", 'd'}, {"@t", 't'},   {"@x", 'x'},    {"@u", 'u'},     {"@i", 'i'},
      {"@q", 'q'},     {"@n", 'n'},     {"@y", 'y'},   {"@d", 'd'}};
  for (const auto& [k, c] : kTypes)
    if (k == word) return c;
  return 0;
}

// Seconds (any number) -> microseconds as uint64.
Result<Value> seconds_to_usec(const Value& v) {
  if (auto* u = std::get_if<uint64_t>(&v.v)) return u64(*u * 1000000);
  if (auto* i = std::get_if<int64_t>(&v.v)) {
    if (*i < 0) return Err(EINVAL, "a duration cannot be negative");
    return u64(static_cast<uint64_t>(*i) * 1000000);
  }
  if (auto* d = std::get_if<double>(&v.v)) {
    if (*d < 0) return Err(EINVAL, "a duration cannot be negative");
    return u64(static_cast<uint64_t>(*d * 1000000));
  }
  return Err(EINVAL, "a duration must be a number");
}

bool valid_name(std::string_view n) {
  if (n.size() < 2 || !std::isupper(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

Result<Value> parse_gvariant(std::string_view text) {
  const std::string_view t = trim(text);
  if (t == "true" || t == "false") return boolean(t == "true");
  if (t.empty()) return Err(EINVAL, "empty value");
  if (t.front() == '\'' || t.front() == '"') {
    TRY_ASSIGN(std::string s, parse_quoted(t));
    return str(std::move(s));
  }
  if (t.front() == '[' && t.back() == ']') {
    TRY_ASSIGN(auto items, parse_string_array(t));
    return Value{"as", std::move(items)};
  }
  const size_t space = t.find(' ');
  if (space != std::string_view::npos) {
    const char sig = type_keyword(t.substr(0, space));
    if (!sig) return Err(EINVAL, "unknown type \"", std::string(t.substr(0, space)), "\"");
    return parse_number(sig, trim(t.substr(space + 1)));
  }
  // Untyped numbers are int32, or double with a dot or exponent (GVariant's rules).
  if (t.find_first_of(".eE") != std::string_view::npos) return parse_number('d', t);
  return parse_number('i', t);
}

Result<std::vector<Property>> annotation_properties(const std::map<std::string, std::string>& annotations) {
  std::vector<Property> out;
  for (const auto& [key, text] : annotations) {
    if (key.rfind(kPrefix, 0) != 0) continue;
    const std::string at = "$.annotations[\"" + key + "\"]";
    std::string name = key.substr(kPrefix.size());
    if (!valid_name(name)) return Err(EINVAL, at, ": invalid systemd property name \"", name, "\"");
    auto value = parse_gvariant(text);
    if (!value) return ErrFrom(std::move(value).error().context(at));
    // TimeoutStopSec=5 -> TimeoutStopUSec=5000000: D-Bus only has the USec form.
    if (name.size() > 4 && name.compare(name.size() - 3, 3, "Sec") == 0 &&
        std::islower(static_cast<unsigned char>(name[name.size() - 4]))) {
      name = name.substr(0, name.size() - 3) + "USec";
      auto usec = seconds_to_usec(*value);
      if (!usec) return ErrFrom(std::move(usec).error().context(at));
      value = std::move(*usec);
    }
    out.push_back({name, std::move(*value)});
  }
  return out;
}

}  // namespace rt::cgroups::systemd
