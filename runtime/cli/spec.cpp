// ocirun spec: write a default config.json into the bundle directory.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "oci/serialize.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/cli/command.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"bundle,b", FlagKind::kValue, "DIR", "directory to write config.json into (default: the current directory)"},
    {"rootless", FlagKind::kBool, "", "generate a configuration for a rootless container"},
};

Result<int> run_spec(const GlobalOptions&, const ParsedArgs& args) {
  const std::string dir = fs::absolute(args.value("bundle", "."));
  const std::string path = fs::join(dir, "config.json");
  if (fs::exists(path)) return Err(0, "file ", path, " exists: remove it first");
  const oci::Spec spec = oci::default_spec(args.flag("rootless"), ::geteuid(), ::getegid());
  TRY_ASSIGN(auto dirfd, fs::open_dir(dir));
  TRY_CTX(fs::write_file_atomic(dirfd.get(), "config.json", oci::to_json(spec, 2) + "\n", 0644), "writing ", path);
  return 0;
}

}  // namespace

extern const Command kSpecCommand{
    "spec",
    "create a new specification file",
    "",
    "Writes a config.json for a container that runs \"sh\" in the bundle's rootfs directory.\n"
    "   Edit it (args, mounts, namespaces, ...) before creating the container.",
    kFlags,
    0,
    0,
    0,
    run_spec,
};

}  // namespace rt::cli
