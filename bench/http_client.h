#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

// A minimal blocking HTTP/1.1 client for the load generator: one keep-alive connection per
// object, so each benchmark thread owns exactly one connection. Not thread-safe.
namespace bucketflow::bench {

struct Endpoint {
  std::string host;
  std::string port;
  // Sent as the Authorization header on every request when set ("Bearer bft_..."), to measure
  // a server running with --auth.
  std::string authorization;
};

// Accepts "http://host:port" (an optional trailing '/' is ignored; https is not supported).
Result<Endpoint> ParseUrl(std::string_view url);

struct HttpReply {
  int status = 0;
  std::string body;
};

class KeepAliveClient {
 public:
  explicit KeepAliveClient(Endpoint endpoint);
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;

  // POST with a JSON body (Content-Type: application/json), as the MLflow client sends it.
  Result<HttpReply> PostJson(std::string_view target, std::string body);
  Result<HttpReply> Get(std::string_view target);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query-string value.
std::string UrlEncode(std::string_view value);

}  // namespace bucketflow::bench
