// pause, resume and ps: the freezer and the process list of the cgroup.
#include "runtime/container/cgroup_ops.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/base/fs.hpp"
#include "runtime/base/str.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/container/cgroup.hpp"

extern char** environ;

namespace rt::container {
namespace {

// The cgroup of a container, for the verbs that cannot work without one.
Result<std::unique_ptr<cgroups::Manager>> require_cgroup(const ContainerState& state, std::string_view what) {
  TRY_ASSIGN(auto cgroup, load_cgroup(state));
  if (!cgroup) return Err(0, "container ", state.id, " has no cgroup to ", what);
  return cgroup;
}

struct Exit {
  int status = 0;
  std::string output;  // stdout and stderr together, as runc's CombinedOutput
};

Result<Exit> run_capture(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return ErrnoErr("pipe");
  UniqueFd rd(fds[0]), wr(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, wr.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, wr.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Err(rc, "running ", argv[0]);
  wr.reset();
  auto out = fs::read_fd(rd.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoErr("waiting for ", argv[0]);
  }
  if (!out) return ErrFrom(std::move(out).error().context("reading the output of ", argv[0]));
  return Exit{status, std::move(*out)};
}

}  // namespace

Result<> pause(const Context& ctx, const std::string& id) {
  TRY_ASSIGN(auto dir, ctx.store.open(id, Lock::kExclusive));
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (!can_pause(in.status)) return Err(0, "container not running");
  TRY_ASSIGN(auto cgroup, require_cgroup(in.state, "freeze"));
  return with_context(cgroup->freeze(), "pausing container ", id);
}

Result<> resume(const Context& ctx, const std::string& id) {
  TRY_ASSIGN(auto dir, ctx.store.open(id, Lock::kExclusive));
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (!can_resume(in.status)) return Err(0, "container not paused");
  TRY_ASSIGN(auto cgroup, require_cgroup(in.state, "thaw"));
  return with_context(cgroup->thaw(), "resuming container ", id);
}

Result<std::vector<pid_t>> processes(const Context& ctx, const std::string& id) {
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if (!in.has_state) return Err(0, "container ", id, " is still being created");
  TRY_ASSIGN(auto cgroup, require_cgroup(in.state, "list processes of"));
  return with_context(cgroup->pids(), "listing the processes of container ", id);
}

Result<std::string> filter_ps_output(std::string_view output, const std::vector<pid_t>& pids) {
  const auto lines = split(output, '\n');
  if (lines.empty()) return Err(0, "couldn't find PID field in ps output");
  std::vector<std::string> titles;
  for (const std::string& w : split(lines[0], ' '))
    if (!w.empty()) titles.push_back(w);
  const auto at = std::find(titles.begin(), titles.end(), "PID");
  if (at == titles.end()) return Err(0, "couldn't find PID field in ps output");
  const size_t index = static_cast<size_t>(at - titles.begin());
  std::string out = lines[0] + "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> fields;
    for (const std::string& w : split(lines[i], ' '))
      if (!w.empty()) fields.push_back(w);
    auto pid = index < fields.size() ? parse_int<pid_t>(fields[index]) : std::nullopt;
    if (!pid) return Err(0, "unable to parse pid from ps line \"", lines[i], "\"");
    if (std::find(pids.begin(), pids.end(), *pid) != pids.end()) out += lines[i] + "\n";
  }
  return out;
}

Result<std::string> ps_table(const std::vector<pid_t>& pids, const std::vector<std::string>& ps_args) {
  std::vector<std::string> argv{"ps"};
  if (ps_args.empty()) argv.push_back("-ef");
  argv.insert(argv.end(), ps_args.begin(), ps_args.end());
  TRY_ASSIGN(const Exit ran, run_capture(argv));
  if (!WIFEXITED(ran.status) || WEXITSTATUS(ran.status) != 0) {
    const std::string how = WIFEXITED(ran.status) ? cat("exit status ", WEXITSTATUS(ran.status))
                                                  : cat("killed by signal ", WTERMSIG(ran.status));
    return Err(0, join(argv, " "), ": ", how, ": ", std::string(trim(ran.output)));
  }
  return filter_ps_output(ran.output, pids);
}

}  // namespace rt::container
