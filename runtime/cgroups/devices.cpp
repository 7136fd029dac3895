#include "runtime/cgroups/devices.hpp"

#include <algorithm>
#include <climits>

#include "runtime/base/str.hpp"

namespace rt::cgroups {
namespace {

std::string number_string(int64_t n) { return n == kAnyNumber ? "*" : std::to_string(n); }

std::string key_string(const DeviceState::Key& k) {
  return cat(k.type, ' ', number_string(k.major), ':', number_string(k.minor));
}

Result<uint8_t> parse_access(std::string_view s) {
  if (s.empty()) return kAccAll;  // the project's model: empty access means "rwm"
  uint8_t bits = 0;
  for (char c : s) {
    switch (c) {
      case 'r': bits |= kAccRead; break;
      case 'w': bits |= kAccWrite; break;
      case 'm': bits |= kAccMknod; break;
      default: return Err(EINVAL, "invalid access \"", std::string(s), "\" (expected letters from \"rwm\")");
    }
  }
  return bits;
}

Result<int64_t> parse_v1_number(std::string_view s) {
  if (s == "*") return kAnyNumber;
  auto n = parse_int<uint32_t>(s);
  if (!n) return Err(EINVAL, "invalid device number \"", std::string(s), "\"");
  return static_cast<int64_t>(*n);
}

}  // namespace

std::string access_string(uint8_t access) {
  std::string out;
  if (access & kAccRead) out += 'r';
  if (access & kAccWrite) out += 'w';
  if (access & kAccMknod) out += 'm';
  return out;
}

std::string DeviceRule::to_v1_string() const {
  if (type == 'a') return "a *:* " + access_string(access);
  return cat(type, ' ', number_string(major), ':', number_string(minor), ' ', access_string(access));
}

Result<std::vector<DeviceRule>> device_rules_from_oci(const std::vector<oci::DeviceCgroupRule>& rules,
                                                     const std::string& base) {
  std::vector<DeviceRule> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string at = cat(base, '[', i, ']');
    DeviceRule d;
    d.allow = r.allow;
    if (r.type.empty() || r.type == "a") {
      d.type = 'a';
    } else if (r.type == "c" || r.type == "b") {
      d.type = r.type[0];
    } else {
      return Err(EINVAL, at, ".type: unknown device type \"", r.type, "\" (expected a, c or b)");
    }
    // The eBPF filter compares against sign-extended 32-bit immediates; no
    // real device number comes close to 2^31 (majors have 12 bits, minors 20).
    auto number = [&](const std::optional<int64_t>& v, const char* name) -> Result<int64_t> {
      if (!v || *v == kAnyNumber) return kAnyNumber;
      if (*v < 0 || *v > INT32_MAX) return Err(EINVAL, at, ".", name, ": out of range: ", *v);
      return *v;
    };
    TRY_ASSIGN(d.major, number(r.major, "major"));
    TRY_ASSIGN(d.minor, number(r.minor, "minor"));
    auto access = parse_access(r.access);
    if (!access) return ErrFrom(std::move(access).error().context(at, ".access"));
    d.access = *access;
    out.push_back(d);
  }
  return out;
}

std::vector<oci::DeviceCgroupRule> default_device_rules() {
  auto rule = [](const char* type, std::optional<int64_t> major, std::optional<int64_t> minor, const char* acc) {
    return oci::DeviceCgroupRule{true, type, major, minor, acc};
  };
  return {
      rule("c", std::nullopt, std::nullopt, "m"),  // mknod of any device; opening still needs a rule
      rule("b", std::nullopt, std::nullopt, "m"),
      rule("c", 1, 3, "rwm"),                       // /dev/null
      rule("c", 1, 8, "rwm"),                       // /dev/random
      rule("c", 1, 7, "rwm"),                       // /dev/full
      rule("c", 5, 0, "rwm"),                       // /dev/tty
      rule("c", 1, 5, "rwm"),                       // /dev/zero
      rule("c", 1, 9, "rwm"),                       // /dev/urandom
      rule("c", 136, std::nullopt, "rwm"),          // /dev/pts/*
      rule("c", 5, 2, "rwm"),                       // /dev/ptmx
      rule("c", 10, 200, "rwm"),                    // /dev/net/tun (kept by runc for compatibility)
  };
}

void DeviceState::add(const Key& k, uint8_t access) {
  auto [it, inserted] = exceptions_.try_emplace(k, 0);
  it->second |= access;
  if (inserted) order_.push_back(k);
}

Result<> DeviceState::remove(const Key& k, uint8_t access) {
  // v1 only removes exceptions with exactly this key: a rule for 1:3 leaves a
  // "1:*" exception alone, so the device would silently keep its access.
  const Key partial[] = {{k.type, kAnyNumber, k.minor}, {k.type, k.major, kAnyNumber}, {k.type, kAnyNumber, kAnyNumber}};
  for (const Key& p : partial) {
    if (p == k) continue;
    auto it = exceptions_.find(p);
    if (it != exceptions_.end() && (it->second & access))
      return Err(EINVAL, "cannot take \"", access_string(access), "\" from ", key_string(k),
                 ": the wildcard exception ", key_string(p), " ", access_string(it->second),
                 " covers it (device rules cannot punch holes in wildcards)");
  }
  auto it = exceptions_.find(k);
  if (it == exceptions_.end()) return {};
  it->second &= static_cast<uint8_t>(~access);
  if (it->second == 0) {
    exceptions_.erase(it);
    order_.erase(std::find(order_.begin(), order_.end(), k));
  }
  return {};
}

Result<> DeviceState::apply(const DeviceRule& rule) {
  if (rule.type == 'a') {
    // v1 resets the whole list on "a", whatever numbers and access follow.
    default_allow_ = rule.allow;
    exceptions_.clear();
    order_.clear();
    return {};
  }
  const Key k{rule.type, rule.major, rule.minor};
  if (rule.allow == default_allow_) return remove(k, rule.access);
  add(k, rule.access);
  return {};
}

Result<DeviceState> DeviceState::from_rules(const std::vector<DeviceRule>& rules) {
  DeviceState s = deny_all();
  for (size_t i = 0; i < rules.size(); ++i) TRY_CTX(s.apply(rules[i]), "device rule ", rules[i].to_v1_string());
  return s;
}

Result<DeviceState> DeviceState::from_v1_list(std::string_view list) {
  DeviceState s = deny_all();
  for (const std::string& raw : split(list, '\n')) {
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    const auto f = split(line, ' ');
    const auto nums = f.size() == 3 ? split(f[1], ':') : std::vector<std::string>{};
    if (f.size() != 3 || f[0].size() != 1 || nums.size() != 2)
      return Err(EINVAL, "malformed devices.list line \"", std::string(line), "\"");
    if (f[0] == "a") return allow_all();
    if (f[0] != "c" && f[0] != "b") return Err(EINVAL, "unknown device type in devices.list: ", f[0]);
    TRY_ASSIGN(const int64_t major, parse_v1_number(nums[0]));
    TRY_ASSIGN(const int64_t minor, parse_v1_number(nums[1]));
    TRY_ASSIGN(const uint8_t access, parse_access(f[2]));
    s.add({f[0][0], major, minor}, access);
  }
  return s;
}

std::vector<DeviceRule> DeviceState::transition_from(const DeviceState& current) const {
  std::vector<DeviceRule> out;
  std::map<Key, uint8_t> have = current.exceptions_;
  // An allow-all source must be reset too: its deny exceptions cannot be
  // turned into allow-list entries one by one.
  if (current.default_allow_ || current.default_allow_ != default_allow_) {
    out.push_back({default_allow_, 'a', kAnyNumber, kAnyNumber, kAccAll});
    have.clear();
  }
  for (const auto& [k, acc] : have) {
    auto it = exceptions_.find(k);
    const uint8_t dropped = acc & static_cast<uint8_t>(~(it == exceptions_.end() ? 0 : it->second));
    if (dropped) out.push_back({default_allow_, k.type, k.major, k.minor, dropped});
  }
  for (const Key& k : order_) {
    const uint8_t acc = exceptions_.at(k);
    auto it = have.find(k);
    const uint8_t gained = acc & static_cast<uint8_t>(~(it == have.end() ? 0 : it->second));
    if (gained) out.push_back({!default_allow_, k.type, k.major, k.minor, gained});
  }
  return out;
}

}  // namespace rt::cgroups
