// Helpers shared by the v1 and v2 resource translations (internal).
#pragma once

#include <string>

#include "runtime/cgroups/resources.hpp"

namespace rt::cgroups::detail {

inline constexpr const char* kBase = "$.linux.resources";

inline std::string field(const char* rest) { return std::string(kBase) + rest; }

// Collects the writes of one translation.
class PlanBuilder {
 public:
  explicit PlanBuilder(const HostFacts& facts) : facts_(facts) {}

  void add(const std::string& hierarchy, const std::string& controller, std::string file, std::string value,
           std::string field_name, uint8_t flags = kNone) {
    plan_.writes.push_back({hierarchy, controller, std::move(file), std::move(value), std::move(field_name), flags});
  }
  void warn(std::string msg) { plan_.warnings.push_back(std::move(msg)); }
  // A controller the settings need: error naming the field when the host lacks it.
  Result<> require(const std::string& controller, const std::string& field_name) const;
  Result<> add_devices(const oci::Resources& r);
  Plan take() { return std::move(plan_); }
  const HostFacts& facts() const { return facts_; }

 private:
  const HostFacts& facts_;
  Plan plan_;
};

// -1 -> "max", otherwise the decimal value.
std::string num_or_max(int64_t v);
// "8:16 <suffix>"
std::string device_key(int64_t major, int64_t minor);
Result<> check_hugepage_limits(const oci::Resources& r);
Result<> check_cpu(const oci::CpuResources& c);
bool network_is_noop(const oci::Resources& r);
bool rdma_is_noop(const oci::Resources& r);
// "mlx5_1 hca_handle=3 hca_object=max" for rdma.max; empty for a no-op entry.
std::string rdma_line(const std::string& device, const oci::RdmaResources& limits);

}  // namespace rt::cgroups::detail
