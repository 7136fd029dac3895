// The few systemd D-Bus calls the driver needs, over sd-bus (libsystemd).
// Built only when libsystemd is found (OCIRUN_HAVE_SYSTEMD).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/cgroups/systemd/properties.hpp"

struct sd_bus;
struct sd_bus_message;

namespace rt::cgroups::systemd {

class Bus {
 public:
  // The system bus, or the user's bus for rootless containers.
  static Result<Bus> connect(bool user);
  Bus(Bus&&) noexcept;
  Bus& operator=(Bus&&) noexcept;
  ~Bus();

  // The "Version" property of the manager ("252.38-1" -> 252).
  Result<int> version();
  // StartTransientUnit(unit, "replace", props) and waits for its job.
  // An existing (failed, left-over) unit of that name is reset and retried once.
  Result<> start_transient_unit(const std::string& unit, const std::vector<Property>& props);
  Result<> set_unit_properties(const std::string& unit, const std::vector<Property>& props);
  // StopUnit and waits for the job; a unit that is already gone is success.
  Result<> stop_unit(const std::string& unit);

 private:
  explicit Bus(sd_bus* bus) : bus_(bus) {}
  Result<> start_once(const std::string& unit, const std::vector<Property>& props);
  // Calls a method that returns a job path and waits for the job to end.
  Result<> run_job(sd_bus_message* call, const std::string& what);
  sd_bus* bus_ = nullptr;
};

}  // namespace rt::cgroups::systemd
