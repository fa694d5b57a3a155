#include "server_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "http_client.h"

namespace bucketflow::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStartupTimeout = std::chrono::seconds(60);
constexpr auto kShutdownTimeout = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(5);

// Binds port 0 and releases it: the kernel's choice is free right now, which is good enough
// for a benchmark on loopback.
Result<uint16_t> PickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return Status::Internal("socket: ", std::strerror(errno));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) {
    return Status::Internal("bind: ", std::strerror(errno));
  }
  return static_cast<uint16_t>(ntohs(addr.sin_port));
}

bool HealthOk(const std::string& port) {
  KeepAliveClient client(Endpoint{.host = "127.0.0.1", .port = port, .authorization = {}});
  Result<HttpReply> reply = client.Get("/health");
  return reply.ok() && reply->status == 200;
}

}  // namespace

Result<std::string> MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/bf-bench-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Status::Internal("mkdtemp ", pattern, ": ", std::strerror(errno));
  }
  return std::string(buffer.data());
}

ServerProcess::ServerProcess(std::string binary, std::string dir)
    : binary_(std::move(binary)), dir_(std::move(dir)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string ServerProcess::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Status ServerProcess::Spawn() {
  ASSIGN_OR_RETURN(port_, PickFreePort());
  std::error_code fs_error;
  std::filesystem::create_directories(dir_ + "/artifacts", fs_error);
  if (fs_error) {
    return Status::Internal("create ", dir_, "/artifacts: ", fs_error.message());
  }
  const std::string port = std::to_string(port_);
  const std::string store = "sqlite:///" + dir_ + "/db.sqlite";
  const std::string artifacts = dir_ + "/artifacts";
  const std::string log = dir_ + "/server.log";
  std::vector<const char*> argv = {binary_.c_str(),       "server",      "--host",
                                   "127.0.0.1",           "--port",      port.c_str(),
                                   "--backend-store-uri", store.c_str(), "--artifacts-destination",
                                   artifacts.c_str(),     nullptr};
  const pid_t pid = ::fork();
  if (pid < 0) {
    return Status::Internal("fork: ", std::strerror(errno));
  }
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv(argv[0], const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  pid_ = pid;
  return Status::Ok();
}

Result<std::chrono::duration<double>> ServerProcess::Start() {
  const auto began = Clock::now();
  RETURN_IF_ERROR(Spawn());
  const std::string port = std::to_string(port_);
  while (Clock::now() - began < kStartupTimeout) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Unavailable("server exited during startup; see ", dir_, "/server.log");
    }
    if (HealthOk(port)) {
      return std::chrono::duration<double>(Clock::now() - began);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::Unavailable("no /health answer within 60 s; see ", dir_, "/server.log");
}

Status ServerProcess::Stop() {
  if (pid_ <= 0) {
    return Status::FailedPrecondition("server not running");
  }
  ::kill(pid_, SIGTERM);
  const auto began = Clock::now();
  int wstatus = 0;
  while (::waitpid(pid_, &wstatus, WNOHANG) == 0) {
    if (Clock::now() - began > kShutdownTimeout) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &wstatus, 0);
      pid_ = -1;
      return Status::Internal("server ignored SIGTERM for 60 s");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  pid_ = -1;
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Internal("server exited abnormally (wait status ", wstatus, ")");
  }
  return Status::Ok();
}

Result<MemoryUse> ServerProcess::Memory() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  if (!status) {
    return Status::Unavailable("cannot read /proc/", pid_, "/status");
  }
  MemoryUse use;
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      use.rss_kb = std::strtoll(line.c_str() + 6, nullptr, 10);
    } else if (line.rfind("VmHWM:", 0) == 0) {
      use.hwm_kb = std::strtoll(line.c_str() + 6, nullptr, 10);
    }
  }
  return use;
}

}  // namespace bucketflow::bench
