// The OCI State document (runtime.md "State"), with runc's extra fields.
#pragma once

#include <map>
#include <string>

#include "oci/spec.hpp"

namespace oci {

struct State {
  std::string oci_version = kSpecVersion;
  std::string id;
  std::string status;  // "creating" | "created" | "running" | "stopped" (+ runc's "paused")
  int pid = 0;         // omitted from JSON when 0 (stopped)
  std::string bundle;
  std::map<std::string, std::string> annotations;
  // runc extras, printed by `state` only (hooks get the plain OCI document).
  std::string rootfs;
  std::string created;  // RFC 3339 with nanoseconds
  std::string owner;
};

enum class StateFormat { kOci, kRuncExtended };

std::string to_json(const State& state, StateFormat format, int indent = -1);

}  // namespace oci
