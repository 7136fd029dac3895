#include "oci/state.hpp"

#include <nlohmann/json.hpp>

namespace oci {

std::string to_json(const State& s, StateFormat format, int indent) {
  nlohmann::ordered_json j;
  j["ociVersion"] = s.oci_version;
  j["id"] = s.id;
  // runc prints pid before status and always prints it; the OCI document omits pid 0.
  if (s.pid > 0 || format == StateFormat::kRuncExtended) j["pid"] = s.pid;
  j["status"] = s.status;
  j["bundle"] = s.bundle;
  if (format == StateFormat::kRuncExtended) {
    j["rootfs"] = s.rootfs;
    j["created"] = s.created;
    j["owner"] = s.owner;
  }
  if (!s.annotations.empty()) {
    j["annotations"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : s.annotations) j["annotations"][k] = v;
  }
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace oci
