// PURE: the value syntaxes runc's cgroup commands accept.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/base/error.hpp"

namespace rt::container {

// docker/go-units RAMInBytes, as `runc update --memory` parses it: a decimal
// number (fractions allowed), an optional space, an optional binary unit
// k/m/g/t/p (any case, 1k = 1024) with optional "i" and "b": "512k", "1g",
// "1.5GiB", "100". Errors read "invalid size: '1x'".
Result<int64_t> parse_ram_in_bytes(std::string_view text);

// Go's time.ParseDuration: "5s", "1m30s", "1.5h", "250ms", "10us", "-1s", "0";
// units ns, us (µs, μs), ms, s, m, h. Returns nanoseconds. Errors read like
// Go's: `time: invalid duration "1x"`.
Result<int64_t> parse_go_duration(std::string_view text);

}  // namespace rt::container
