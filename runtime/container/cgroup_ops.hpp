// The operations on a container's cgroup that runc offers as verbs:
// pause/resume (freezer), update (resources), ps (processes), events
// (stats and OOM notifications). Errors carry runc's texts where callers
// match them ("container not running", "container not paused").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/container/lifecycle.hpp"

namespace rt::container {

// Freezes every process of a running or created container (state: paused).
Result<> pause(const Context& ctx, const std::string& id);
// Thaws a paused container.
Result<> resume(const Context& ctx, const std::string& id);

// The state directory file with the resources as the last update left them
// (the config's linux.resources until the first update).
inline constexpr const char* kResourcesFile = "resources.json";

struct UpdateRequest {
  oci::Resources resources;     // only what is set changes (see merge_resources)
  std::string l3_cache_schema;  // Intel RDT; refused: ocirun makes no RDT groups
  std::string mem_bw_schema;
};

// PURE: the container's resources after an update, as runc merges them:
// set values replace stored ones (empty cpus/mems and unset optionals keep
// them), per-device and per-size lists are updated by key, `unified` keys
// are replaced one by one. Device rules cannot be updated (runc neither);
// kernel memory is dropped (kernels ignore it).
oci::Resources merge_resources(const oci::Resources& stored, const oci::Resources& update);

// Writes the merged resources to the cgroup and saves them; on a failed
// write the previous resources are written back.
Result<> update(const Context& ctx, const std::string& id, const UpdateRequest& request);

// Host pids of every process in the container's cgroup.
Result<std::vector<pid_t>> processes(const Context& ctx, const std::string& id);
// Runs the host's `ps ARGS` (default -ef) and keeps its header and the lines
// of the given pids, as `runc ps` does.
Result<std::string> ps_table(const std::vector<pid_t>& pids, const std::vector<std::string>& ps_args);
// PURE: the filtering half of ps_table.
Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids);

struct EventsOptions {
  bool stats_only = false;         // one stats event, then exit
  int64_t interval_ns = 5000000000;  // between stats events otherwise
};
// Emits {"type":"stats","id":ID,"data":{...}} every interval and
// {"type":"oom","id":ID} on each OOM notification, until the container's
// init exits. Each event is one JSON line, in runc's member order.
Result<> events(const Context& ctx, const std::string& id, const EventsOptions& options,
                const std::function<void(const std::string& line)>& emit);

}  // namespace rt::container
