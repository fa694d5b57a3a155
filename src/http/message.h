#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace bucketflow::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A parsed HTTP request. For streaming routes `body` is empty and the body arrives through a
// BodySink instead.
struct Request {
  std::string method;      // "GET", "POST", ...
  std::string target;      // raw request target, e.g. "/api/2.0/mlflow/runs/get?run_id=1"
  std::string path;        // target before '?', still percent-encoded
  std::string query;       // target after '?', still percent-encoded; empty if none
  bool has_query = false;  // a '?' was present
  Headers headers;
  std::string body;
  std::string remote_address;
  // For prefix routes: the part of `path` after the prefix (still percent-encoded).
  std::string path_suffix;
  // With Router::SetScopePrefix("/w/"): "team-a" for "/w/team-a/api/...", whose `path` and
  // `target` the router has stripped to "/api/...". Empty when the path had no scope.
  std::string scope;

  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Produces a response body in chunks. Read() fills `buffer` and returns the number of bytes
// written; 0 means the end. Called from one thread at a time.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual Result<size_t> Read(std::span<char> buffer) = 0;
  // The next bytes without a copy when the source already holds them in memory: a view valid
  // until the next call, empty at the end. The default reads into `scratch`.
  virtual Result<std::string_view> Next(std::span<char> scratch) {
    ASSIGN_OR_RETURN(size_t n, Read(scratch));
    return std::string_view(scratch.data(), std::min(n, scratch.size()));
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers (Content-Disposition, Allow, Location, ...)
  std::string body;
  // When set, the body is streamed from here instead of `body`; `stream_size` is the
  // Content-Length when known (otherwise chunked encoding is used).
  std::unique_ptr<BodySource> stream;
  std::optional<uint64_t> stream_size;
};

// Receives a request body in chunks for a streaming route. Write() is called for each chunk,
// then Finish() exactly once: with Ok after the last chunk, or with the error that ended the
// transfer early (the client disconnected, the body was too large, a Write failed). A sink that
// is destroyed without a successful Finish must leave nothing visible behind.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Write(std::string_view chunk) = 0;
  virtual Response Finish(Status transfer) = 0;
};

}  // namespace bucketflow::http
