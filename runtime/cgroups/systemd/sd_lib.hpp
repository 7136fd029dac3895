// libsystemd's sd-bus functions, loaded with dlopen() on the first use of the
// systemd cgroup driver. Linking libsystemd directly would make every command
// load it and what it pulls in (libgcrypt, lzma, zstd, lz4): ~1 ms of dynamic
// loading on each create/run/exec, twice with the re-exec of protected_exe.
#pragma once

#include <systemd/sd-bus.h>

#include "runtime/base/error.hpp"

namespace rt::cgroups::systemd {

#define OCIRUN_SD_BUS_FUNCTIONS(X)                                                             \
  X(sd_bus_open_system) X(sd_bus_open_user) X(sd_bus_flush_close_unref)                        \
  X(sd_bus_get_property_string) X(sd_bus_match_signal) X(sd_bus_slot_unref)                    \
  X(sd_bus_call_method) X(sd_bus_call) X(sd_bus_process) X(sd_bus_wait)                        \
  X(sd_bus_message_new_method_call) X(sd_bus_message_unref) X(sd_bus_message_read)             \
  X(sd_bus_message_append) X(sd_bus_message_append_basic) X(sd_bus_message_append_array)       \
  X(sd_bus_message_open_container) X(sd_bus_message_close_container) X(sd_bus_error_free)      \
  X(sd_bus_error_has_name)

struct SdBusLib {
#define OCIRUN_SD_BUS_MEMBER(name) decltype(&::name) name = nullptr;
  OCIRUN_SD_BUS_FUNCTIONS(OCIRUN_SD_BUS_MEMBER)
#undef OCIRUN_SD_BUS_MEMBER
};

// libsystemd.so.0, loaded once per process; an error names the library and
// the missing symbol.
Result<const SdBusLib*> load_sd_bus();

// The library load_sd_bus() loaded; only valid after it succeeded (a Bus
// exists only then).
const SdBusLib& sd_bus_lib();

}  // namespace rt::cgroups::systemd
