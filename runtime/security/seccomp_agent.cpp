#include "runtime/security/seccomp_agent.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "oci/issue.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/base/unix_socket.hpp"

namespace rt::security {
namespace {

Result<UniqueFd> connect_unix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    return Err(ENAMETOOLONG, "seccomp listener path ", oci::quote(path),
               " does not fit in a unix socket address");
  std::memcpy(addr.sun_path, path.data(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoErr("socket(AF_UNIX)");
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return ErrnoErr("connecting to the seccomp agent at ", path);
  return fd;
}

// The first sendmsg carries the fd; the spec allows the rest of a long
// payload to follow in plain sends.
Result<> send_with_fd(int sock, std::string_view payload, int fd) {
  const int fds[] = {fd};
  TRY_ASSIGN(size_t n, send_with_fds(sock, payload, fds));
  payload.remove_prefix(n);
  ssize_t sent;
  while (!payload.empty()) {
    sent = ::send(sock, payload.data(), payload.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) return ErrnoErr("send");
    payload.remove_prefix(static_cast<size_t>(sent));
  }
  return {};
}

}  // namespace

std::string container_process_state_json(const oci::State& state, pid_t pid, const std::string& metadata) {
  nlohmann::ordered_json j;
  j["ociVersion"] = state.oci_version;
  j["fds"] = nlohmann::ordered_json::array({"seccompFd"});
  j["pid"] = pid;
  if (!metadata.empty()) j["metadata"] = metadata;
  // Our own serializer's output always parses; no exception can escape.
  j["state"] = nlohmann::ordered_json::parse(oci::to_json(state, oci::StateFormat::kOci), nullptr, false);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<> send_to_seccomp_agent(const std::string& listener_path, int notify_fd, const oci::State& state,
                               pid_t pid, const std::string& metadata) {
  TRY_ASSIGN(UniqueFd sock, connect_unix(listener_path));
  auto r = send_with_fd(sock.get(), container_process_state_json(state, pid, metadata), notify_fd);
  if (!r) return ErrFrom(std::move(r).error().context("sending the seccomp notify fd to ", listener_path));
  return {};
}

}  // namespace rt::security
