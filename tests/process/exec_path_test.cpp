#include "runtime/process/exec_path.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace rt::process {
namespace {

std::string error_of(const std::string& name, const std::vector<std::string>& env = {}) {
  auto found = find_executable(name, env);
  EXPECT_FALSE(found) << name;
  return found ? std::string() : found.error().to_string();
}

// docker's CLI maps these exact lower-case texts to exit codes 127 and 126.
TEST(FindExecutable, ErrorsUseTheTextsEnginesMatch) {
  EXPECT_EQ(error_of("/nonexistent/tool"), "exec: \"/nonexistent/tool\": no such file or directory");
  EXPECT_EQ(error_of("no-such-tool", {"PATH=/nonexistent"}),
            "exec: \"no-such-tool\": executable file not found in $PATH");
  char dir[] = "/tmp/exec_path_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string file = std::string(dir) + "/plain";
  std::ofstream(file) << "data\n";
  ::chmod(file.c_str(), 0644);
  // root passes eaccess(X_OK) only when some execute bit is set.
  EXPECT_EQ(error_of(file), "exec: \"" + file + "\": permission denied");
  EXPECT_EQ(error_of(dir), "exec: \"" + std::string(dir) + "\": is a directory");
  std::remove(file.c_str());
  ::rmdir(dir);
}

TEST(FindExecutable, SearchesPath) {
  auto found = find_executable("sh", {"PATH=/nonexistent:/bin"});
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(*found, "/bin/sh");
}

}  // namespace
}  // namespace rt::process
