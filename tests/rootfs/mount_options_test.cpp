// The option list `features` advertises must be exactly what the parser
// applies: containerd and Kubernetes switch features on from it.
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/rootfs/mount_options.hpp"

namespace rt::rootfs {
namespace {

TEST(KnownMountOptions, EveryListedOptionIsRecognisedNotPassedAsData) {
  for (const std::string& name : known_mount_options()) {
    auto parsed = parse_mount_options({name});
    ASSERT_TRUE(parsed) << name;
    EXPECT_TRUE(parsed->data.empty()) << name << " would be passed to the filesystem as data";
  }
}

TEST(KnownMountOptions, ListsTheRecursiveAttributesAndIdmap) {
  const auto names = known_mount_options();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* wanted : {"rro", "rbind", "tmpcopyup", "rnosymfollow", "rslave", "idmap", "ridmap"})
    EXPECT_NE(std::find(names.begin(), names.end(), wanted), names.end()) << wanted;
}

}  // namespace
}  // namespace rt::rootfs
