#include <cmath>

#include "runtime/base/str.hpp"
#include "runtime/cgroups/resources_detail.hpp"

namespace rt::cgroups {

uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  // Fits weight(2) = 1, weight(1024) = 100 (both defaults) and
  // weight(262144) = 10000 with exponent = (l^2 + 125 l) / 612 - 7/34.
  const double l = std::log2(static_cast<double>(shares));
  const double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return static_cast<uint64_t>(std::ceil(std::pow(10.0, exponent)));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  if (weight == 0) return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

Result<int64_t> swap_to_v2(int64_t swap, int64_t limit) {
  if (limit == -1 && swap == 0) return -1;  // "unlimited memory" also lifts the swap limit, as v1 did
  if (swap == -1 || swap == 0) return swap;
  if (limit == -1) return swap;
  if (limit == 0) return Err(EINVAL, "a swap limit needs a memory limit");
  if (limit < 0) return Err(EINVAL, "invalid memory limit ", limit);
  if (swap < limit) return Err(EINVAL, "swap (memory+swap, ", swap, ") must not be below the memory limit (", limit, ")");
  return swap - limit;
}

bool valid_hugepage_size(std::string_view size) {
  if (size.size() < 3) return false;
  const std::string_view unit = size.substr(size.size() - 2);
  if (unit != "KB" && unit != "MB" && unit != "GB") return false;
  const std::string_view digits = size.substr(0, size.size() - 2);
  return !digits.empty() && digits.front() != '0' && digits.find_first_not_of("0123456789") == std::string_view::npos;
}

namespace detail {

Result<> PlanBuilder::require(const std::string& controller, const std::string& field_name) const {
  if (facts_.controllers.count(controller)) return {};
  return Err(ENODEV, field_name, ": the ", controller, " cgroup controller is not available on this host");
}

Result<> PlanBuilder::add_devices(const oci::Resources& r) {
  if (r.devices.empty()) return {};
  TRY_ASSIGN(const auto rules, device_rules_from_oci(r.devices, field(".devices")));
  auto state = DeviceState::from_rules(rules);
  if (!state) return ErrFrom(std::move(state).error().context(field(".devices")));
  plan_.devices = std::move(*state);
  return {};
}

std::string num_or_max(int64_t v) { return v == -1 ? "max" : std::to_string(v); }

std::string device_key(int64_t major, int64_t minor) { return cat(major, ':', minor); }

Result<> check_hugepage_limits(const oci::Resources& r) {
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i)
    if (!valid_hugepage_size(r.hugepage_limits[i].page_size))
      return Err(EINVAL, field(".hugepageLimits["), i, "].pageSize: invalid page size \"",
                 r.hugepage_limits[i].page_size, "\" (expected a size such as 2MB or 1GB)");
  return {};
}

Result<> check_cpu(const oci::CpuResources& c) {
  if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
    return Err(EINVAL, field(".cpu.burst"), ": ", *c.burst, " is larger than the quota (", *c.quota, ")");
  if (c.idle && *c.idle != 0 && *c.idle != 1)
    return Err(EINVAL, field(".cpu.idle"), ": must be 0 or 1, got ", *c.idle);
  return {};
}

bool network_is_noop(const oci::Resources& r) {
  return !r.network || (!r.network->class_id && r.network->priorities.empty());
}

bool rdma_is_noop(const oci::Resources& r) {
  for (const auto& [dev, limits] : r.rdma)
    if (!rdma_line(dev, limits).empty()) return false;
  return true;
}

std::string rdma_line(const std::string& device, const oci::RdmaResources& limits) {
  if (!limits.hca_handles && !limits.hca_objects) return {};
  std::string line = device;
  if (limits.hca_handles) line += cat(" hca_handle=", *limits.hca_handles);
  if (limits.hca_objects) line += cat(" hca_object=", *limits.hca_objects);
  return line;
}

}  // namespace detail
}  // namespace rt::cgroups
