#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/router.h"

namespace bucketflow::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;  // 0 = pick a free port (tests)
  int threads = 4;       // I/O + handler threads
  // Largest body read into memory for ordinary routes; streaming routes have their own limit.
  uint64_t max_body_bytes = 64ull << 20;
  uint64_t max_stream_bytes = 1ull << 40;
  // How long shutdown waits for in-flight requests before closing connections.
  int shutdown_grace_seconds = 30;
  // A connection left waiting on its client this long (for the next request, or for more of
  // a request) is closed: idle keep-alive connections, stalled uploads, half-open peers.
  // 0 disables.
  int idle_timeout_seconds = 60;
  // Stop gracefully on SIGINT/SIGTERM, caught from Start() on: a signal that arrives after the
  // server answers its first request but before Wait() must not kill the process.
  bool handle_signals = false;
};

// Called once per finished request, for the access log.
struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view target;
  int status;
  uint64_t bytes_out;
  double millis;
};
using AccessLogger = std::function<void(const AccessRecord&)>;

// An HTTP/1.1 server (Boost.Beast, keep-alive) that dispatches to a Router.
// Start() binds and returns; Wait() blocks until Stop() (or a signal, with handle_signals), then
// lets in-flight requests finish. A handler that throws produces 500 INTERNAL_ERROR and a log line.
class Server {
 public:
  Server(ServerConfig config, const Router& router, AccessLogger access_logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  uint16_t port() const;  // REQUIRES: Start() succeeded
  // Returns when stopped and drained.
  void Wait();
  // Safe to call from any thread.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bucketflow::http
