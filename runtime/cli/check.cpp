// ocirun check: validate a bundle against the spec and this host, print every
// finding with its JSON path. Not in runc; useful before `create`.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "runtime/cli/command.hpp"
#include "runtime/container/bundle.hpp"
#include "runtime/container/host_checks.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"bundle,b", FlagKind::kValue, "DIR", "path to the bundle (default: the current directory)"},
    {"format,f", FlagKind::kValue, "FORMAT", "output format: 'text' or 'json'", "text"},
};

Result<int> run_check(const GlobalOptions& g, const ParsedArgs& args) {
  const std::string format = args.value("format", "text");
  if (format != "text" && format != "json") return Err(0, "invalid format \"", format, "\": expected text or json");
  TRY_ASSIGN(auto report, container::inspect_bundle(args.value("bundle", "."), {g.systemd_cgroup}));
  oci::Issues issues = std::move(report.issues);
  if (!oci::has_errors(issues)) {
    auto host = container::host_checks(report.bundle);
    issues.insert(issues.end(), host.begin(), host.end());
  }
  const bool ok = !oci::has_errors(issues);
  if (format == "json") {
    nlohmann::ordered_json out;
    out["bundle"] = report.bundle.dir;
    out["valid"] = ok;
    out["issues"] = nlohmann::ordered_json::array();
    for (const auto& i : issues)
      out["issues"].push_back({{"severity", i.is_error() ? "error" : "warning"}, {"path", i.path}, {"message", i.message}});
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  } else {
    size_t errors = 0;
    for (const auto& i : issues) {
      errors += i.is_error();
      std::printf("%s: %s\n", i.is_error() ? "error" : "warning", i.to_string().c_str());
    }
    std::printf("%s: %s (%zu error(s), %zu warning(s))\n", report.bundle.dir.c_str(), ok ? "ok" : "invalid", errors,
                issues.size() - errors);
  }
  return ok ? 0 : 1;
}

}  // namespace

extern const Command kCheckCommand{
    "check",
    "check a bundle's config.json against the spec and this host",
    "",
    "Reports every problem of the bundle's config.json with its JSON path: spec violations,\n"
    "   and what this host cannot provide (missing rootfs, namespaces, capabilities, LSMs).\n"
    "   Exits 0 when the bundle can be run, 1 otherwise.",
    kFlags,
    0,
    0,
    0,
    run_check,
};

}  // namespace rt::cli
