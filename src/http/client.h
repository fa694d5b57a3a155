#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/message.h"

namespace bucketflow::http {

// One outgoing HTTP request. Every member has a default, so designated initializers may name
// only the ones they need ({.method = "PUT", .url = u}) without -Wmissing-field-initializers.
struct ClientRequest {
  std::string method = "GET";
  // Absolute and already percent-encoded: "http://127.0.0.1:17580/bucket/a%20b?list-type=2".
  std::string url{};
  Headers headers{};
  // The body: `body`, or, when `body_source` is set, streamed from it (borrowed; `body_size`
  // bytes, sent with Content-Length so S3 accepts it).
  std::string body{};
  BodySource* body_source = nullptr;
  std::optional<uint64_t> body_size{};
  // When set, a 2xx response body is handed over in chunks instead of collected; a non-ok
  // Status from it aborts the transfer. Other statuses are always collected into
  // ClientResponse::body (error bodies are small and must be parsed).
  std::function<Status(std::string_view)> on_body{};
  int connect_timeout_ms = 5000;
  // Aborts a transfer that moves no bytes for this long; 0 = never.
  int idle_timeout_ms = 30000;
};

struct ClientResponse {
  int status = 0;
  Headers headers{};
  std::string body{};
  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Sends HTTP requests. The I/O seam of s3/: tests inject fakes and fault injectors.
// Implementations are safe for concurrent use.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // An HTTP error status is a successful Send (look at `status`). kUnavailable means the
  // request may not have reached the server or the response was cut short (connection refused,
  // reset, timeout): the caller may retry it. kInvalidArgument for a malformed request.
  virtual Result<ClientResponse> Send(const ClientRequest& request) = 0;
};

struct CurlTransportConfig {
  // Idle connections kept per host for reuse.
  int max_idle_connections = 16;
  // For tests against self-signed endpoints only.
  bool verify_tls = true;
};

// The libcurl transport: keep-alive connection reuse across calls and threads.
std::unique_ptr<HttpTransport> MakeCurlTransport(const CurlTransportConfig& config);

}  // namespace bucketflow::http
