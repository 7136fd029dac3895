#include "runtime/container/bundle.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "oci/parse.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/container/state_store.hpp"

namespace rt::container {

Result<BundleReport> inspect_bundle(const std::string& dir, const oci::ValidateOptions& options) {
  BundleReport report;
  Bundle& b = report.bundle;
  b.dir = fs::absolute(dir.empty() ? "." : dir);
  struct stat st {};
  if (::stat(b.dir.c_str(), &st) < 0) return ErrnoErr("bundle ", b.dir);
  if (!S_ISDIR(st.st_mode)) return Err(ENOTDIR, "bundle ", b.dir);
  const std::string config_path = fs::join(b.dir, "config.json");
  auto text = fs::read_regular_file_at(AT_FDCWD, config_path, kMaxConfigBytes);
  if (!text) {
    if (text.error().errnum == EFBIG)
      return Err(0, config_path, ": larger than ", kMaxConfigBytes >> 20, " MiB, refusing to parse it");
    return ErrFrom(std::move(text).error());
  }
  auto spec = oci::parse_config(*text);
  if (!spec) return Err(0, spec.error().to_string());
  b.spec = std::move(*spec);
  b.config_text = std::move(*text);
  report.issues = oci::validate(b.spec, options);
  if (b.spec.root && !b.spec.root->path.empty()) {
    const std::string& p = b.spec.root->path;
    b.rootfs = p.front() == '/' ? fs::clean(p) : fs::clean(fs::join(b.dir, p));
  }
  return report;
}

Result<Bundle> load_bundle(const std::string& dir, const oci::ValidateOptions& options) {
  TRY_ASSIGN(auto report, inspect_bundle(dir, options));
  for (auto& issue : report.issues) {
    if (issue.is_error()) return Err(0, issue.to_string());
    report.bundle.warnings.push_back(std::move(issue));
  }
  return std::move(report.bundle);
}

Result<oci::Spec> read_saved_config(const ContainerDir& dir) {
  TRY_ASSIGN(auto text, fs::read_regular_file_at(dir.fd(), kConfigFile));
  auto spec = oci::parse_config(text);
  if (!spec) return Err(0, dir.path(), "/", kConfigFile, ": ", spec.error().to_string());
  return std::move(*spec);
}

}  // namespace rt::container
