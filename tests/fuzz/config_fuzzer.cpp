// libFuzzer target: config.json text through the parser and the validator,
// as create and check see it. Whatever parses must serialise, and what
// to_json writes must parse again (the runtime snapshots and re-reads it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "oci/parse.hpp"
#include "oci/serialize.hpp"
#include "oci/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto spec = oci::parse_config(text)) {
    (void)oci::validate(*spec);
    (void)oci::validate(*spec, {.systemd_cgroup = true});
    if (!oci::parse_config(oci::to_json(*spec))) std::abort();
  }
  // The same decoder serves exec's process.json and update's resources.
  if (auto process = oci::parse_process(text)) {
    (void)oci::validate_process(*process);
    if (!oci::parse_process(oci::to_json(*process))) std::abort();
  }
  if (auto resources = oci::parse_resources(text)) {
    (void)oci::validate_resources(*resources);
    if (!oci::parse_resources(oci::to_json(*resources))) std::abort();
  }
  return 0;
}
