// Loading a bundle: config.json parsed and validated, paths made absolute.
#pragma once

#include <string>

#include "oci/issue.hpp"
#include "oci/spec.hpp"
#include "oci/validate.hpp"
#include "runtime/base/error.hpp"

namespace rt::container {

struct Bundle {
  std::string dir;     // absolute bundle directory
  std::string rootfs;  // absolute root.path
  oci::Spec spec;
  std::string config_text;  // config.json as read (snapshotted into the state dir)
  oci::Issues warnings;  // validation warnings, to be logged by the caller
};

// Largest config.json accepted; a bigger one is refused, not parsed.
inline constexpr size_t kMaxConfigBytes = 32u << 20;

// Reads <dir>/config.json, parses and validates it. The error is the first
// validation error ("$.process.cwd: must be an absolute path, ...").
Result<Bundle> load_bundle(const std::string& dir, const oci::ValidateOptions& options);

// Like load_bundle but returns every finding (for `ocirun check`); fails only
// when the config cannot be read or decoded at all.
struct BundleReport {
  Bundle bundle;
  oci::Issues issues;
};
Result<BundleReport> inspect_bundle(const std::string& dir, const oci::ValidateOptions& options);

class ContainerDir;
// The config as it was at create time, from the state directory (later
// edits to the bundle do not affect the container).
Result<oci::Spec> read_saved_config(const ContainerDir& dir);

}  // namespace rt::container
