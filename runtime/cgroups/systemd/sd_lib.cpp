#include "runtime/cgroups/systemd/sd_lib.hpp"

#include <dlfcn.h>

namespace rt::cgroups::systemd {
namespace {

constexpr const char* kLibrary = "libsystemd.so.0";
SdBusLib loaded;
bool is_loaded = false;

}  // namespace

Result<const SdBusLib*> load_sd_bus() {
  if (is_loaded) return &loaded;
  void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Err(0, "--systemd-cgroup: loading ", kLibrary, ": ", why ? why : "unknown error");
  }
  SdBusLib lib;
#define OCIRUN_SD_BUS_LOAD(name)                                                      \
  lib.name = reinterpret_cast<decltype(lib.name)>(dlsym(handle, #name));              \
  if (lib.name == nullptr) {                                                          \
    dlclose(handle);                                                                  \
    return Err(0, "--systemd-cgroup: ", kLibrary, " has no symbol " #name);           \
  }
  OCIRUN_SD_BUS_FUNCTIONS(OCIRUN_SD_BUS_LOAD)
#undef OCIRUN_SD_BUS_LOAD
  loaded = lib;
  is_loaded = true;  // the handle stays open for the life of the process
  return &loaded;
}

const SdBusLib& sd_bus_lib() { return loaded; }

}  // namespace rt::cgroups::systemd
