// Helpers shared by the oci tests: locating and reading spec-fixtures/.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "oci/parse.hpp"
#include "oci/validate.hpp"

namespace oci::testing {

inline std::filesystem::path fixtures_dir() {
  return std::filesystem::path(OCIRUN_SOURCE_DIR) / "spec-fixtures";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The lines of a sidecar file (.err, .warn), without trailing newlines.
inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The files of spec-fixtures/<sub> whose name ends in ext, sorted by name.
inline std::vector<std::filesystem::path> list_fixtures(const std::string& sub, const std::string& ext) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(fixtures_dir() / sub, ec))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// "podman-4.x" -> "podman_4_x": a name GoogleTest accepts for a parameter.
inline std::string test_name(const std::filesystem::path& path) {
  std::string name = path.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

// Names parameterized tests after their fixture.
inline std::string fixture_param_name(const ::testing::TestParamInfo<std::filesystem::path>& param) {
  return test_name(param.param);
}

// What the runtime would report first for this config text: the parse error,
// or else the first validation issue of severity error; nullopt if none.
inline std::optional<std::string> first_error(std::string_view text, const ValidateOptions& options = {}) {
  auto spec = parse_config(text);
  if (!spec) return spec.error().to_string();
  for (const auto& issue : validate(*spec, options))
    if (issue.is_error()) return issue.to_string();
  return std::nullopt;
}

inline std::vector<std::string> warnings_of(const Issues& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues)
    if (!i.is_error()) out.push_back(i.to_string());
  return out;
}

inline std::vector<std::string> errors_of(const Issues& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues)
    if (i.is_error()) out.push_back(i.to_string());
  return out;
}

}  // namespace oci::testing
