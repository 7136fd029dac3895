// libsystemd is loaded on demand (sd_lib.cpp): the loader must find every
// sd-bus function the driver calls, and the runtime must not be linked to it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#ifdef OCIRUN_HAVE_SYSTEMD
#include "runtime/cgroups/systemd/sd_lib.hpp"
#endif

namespace {

#ifdef OCIRUN_HAVE_SYSTEMD
TEST(SdLib, LoadsEverySdBusFunction) {
  auto lib = rt::cgroups::systemd::load_sd_bus();
  ASSERT_TRUE(lib) << lib.error().to_string();
#define OCIRUN_SD_BUS_CHECK(name) EXPECT_NE((*lib)->name, nullptr) << #name;
  OCIRUN_SD_BUS_FUNCTIONS(OCIRUN_SD_BUS_CHECK)
#undef OCIRUN_SD_BUS_CHECK
  // A second call reuses the loaded library.
  auto again = rt::cgroups::systemd::load_sd_bus();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *lib);
  EXPECT_EQ(&rt::cgroups::systemd::sd_bus_lib(), *lib);
}
#endif

// Checked on the ocirun binary itself (the test above loads it into the test
// binary): the dynamic loader must not load libsystemd for it.
TEST(SdLib, OcirunDoesNotNeedLibsystemd) {
  const std::string ocirun = std::string(OCIRUN_BUILD_DIR) + "/ocirun";
  const std::string command = "LD_TRACE_LOADED_OBJECTS=1 " + ocirun + " 2>&1";
  FILE* out = popen(command.c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string listing;
  char buf[512];
  while (fgets(buf, sizeof buf, out) != nullptr) listing += buf;
  ASSERT_EQ(pclose(out), 0) << listing;
  EXPECT_NE(listing.find("libc.so"), std::string::npos) << listing;
  EXPECT_EQ(listing.find("libsystemd"), std::string::npos) << listing;
}

}  // namespace
