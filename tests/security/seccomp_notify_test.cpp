// SCMP_ACT_NOTIFY end to end: a child installs a filter with a notify rule
// and hands the listener fd over (as the init will); the runtime side sends
// it to an agent with send_to_seccomp_agent(); the test then plays the agent,
// checks the ContainerProcessState it received and answers the syscall.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime/security/seccomp_agent.hpp"
#include "tests/security/seccomp_test_util.hpp"

namespace rt::security {
namespace {

using namespace testing;

Result<> send_fd(int sock, int fd) {
  char byte = 'F';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (::sendmsg(sock, &msg, 0) < 0) return ErrnoErr("sendmsg");
  return {};
}

// Receives up to `max` bytes and one fd.
Result<std::pair<std::string, UniqueFd>> recv_with_fd(int sock, size_t max = 4096) {
  std::string buf(max, '\0');
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return ErrnoErr("recvmsg");
  buf.resize(static_cast<size_t>(n));
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_type != SCM_RIGHTS) return Err(0, "no fd received");
  int fd;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return std::make_pair(buf, UniqueFd(fd));
}

Result<UniqueFd> listen_unix(const std::string& path) {
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return ErrnoErr("bind ", path);
  if (::listen(s.get(), 1) < 0) return ErrnoErr("listen");
  return s;
}

// The agent's side: wait for one notification, answer it with `value`.
Result<seccomp_notif> answer_one(int notify_fd, int64_t value) {
  pollfd pfd{notify_fd, POLLIN, 0};
  if (::poll(&pfd, 1, 10000) != 1) return Err(ETIMEDOUT, "no notification");
  seccomp_notif req{};
  if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) return ErrnoErr("SECCOMP_IOCTL_NOTIF_RECV");
  seccomp_notif_resp resp{};
  resp.id = req.id;
  resp.val = value;
  if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) return ErrnoErr("SECCOMP_IOCTL_NOTIF_SEND");
  return req;
}

oci::State test_state(pid_t pid) {
  oci::State st;
  st.id = "notify-test";
  st.status = "creating";
  st.pid = pid;
  st.bundle = "/bundles/notify-test";
  return st;
}

TEST(SeccompAgent, ProcessStateJsonFollowsTheSpec) {
  const auto j = nlohmann::json::parse(container_process_state_json(test_state(42), 42, "meta"));
  EXPECT_EQ(j["ociVersion"], oci::kSpecVersion);
  EXPECT_EQ(j["fds"], nlohmann::json::array({"seccompFd"}));
  EXPECT_EQ(j["pid"], 42);
  EXPECT_EQ(j["metadata"], "meta");
  EXPECT_EQ(j["state"]["id"], "notify-test");
  EXPECT_EQ(j["state"]["status"], "creating");
  EXPECT_EQ(j["state"]["pid"], 42);
  EXPECT_FALSE(
      nlohmann::json::parse(container_process_state_json(test_state(1), 1, "")).contains("metadata"));
}

TEST(SeccompAgent, AnUnreachableAgentIsAnError) {
  auto r = send_to_seccomp_agent("/nonexistent/agent.sock", 0, test_state(1), 1, "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("connecting to the seccomp agent at /nonexistent/agent.sock"),
            std::string::npos);
}

TEST(SeccompNotify, AgentReceivesTheListenerAndAnswersTheSyscall) {
  auto s = profile("SCMP_ACT_ALLOW", {call({"getppid"}, "SCMP_ACT_NOTIFY")});
  s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  s.listener_path = "unused-here";
  const auto program = program_ok(s);
  ASSERT_TRUE(program.notify());

  char dir_template[] = "/tmp/ocirun-notify-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template, sock_path = dir + "/agent.sock";
  auto listener = listen_unix(sock_path);
  ASSERT_TRUE(listener) << listener.error().to_string();

  int handover[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, handover), 0);
  int report[2];
  ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(20);  // never hang the test run
    UniqueFd notify = install_or_die(report[1], program);
    if (!send_fd(handover[1], notify.get())) ::_exit(3);
    notify.reset();
    put(report[1], "getppid=" + std::to_string(::syscall(SYS_getppid)));
    ::_exit(0);
  }
  ::close(handover[1]);
  ::close(report[1]);

  // The runtime's part: take the fd from the init, give it to the agent.
  auto from_child = recv_with_fd(handover[0], 16);
  ASSERT_TRUE(from_child) << from_child.error().to_string();
  auto sent =
      send_to_seccomp_agent(sock_path, from_child->second.get(), test_state(pid), pid, "agent-metadata");
  ASSERT_TRUE(sent) << sent.error().to_string();
  from_child->second.reset();

  // The agent's part.
  UniqueFd conn(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(conn.valid());
  auto got = recv_with_fd(conn.get(), 64 * 1024);
  ASSERT_TRUE(got) << got.error().to_string();
  const auto j = nlohmann::json::parse(got->first);
  EXPECT_EQ(j["fds"], nlohmann::json::array({"seccompFd"}));
  EXPECT_EQ(j["pid"], pid);
  EXPECT_EQ(j["metadata"], "agent-metadata");
  EXPECT_EQ(j["state"]["id"], "notify-test");
  auto req = answer_one(got->second.get(), 4242);
  ASSERT_TRUE(req) << req.error().to_string();
  EXPECT_EQ(req->data.nr, SYS_getppid);
  EXPECT_EQ(static_cast<pid_t>(req->pid), pid);

  auto out = fs::read_fd(report[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(report[0]);
  ::close(handover[0]);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(out.value_or("read failed"), "getppid=4242");
}

}  // namespace
}  // namespace rt::security
