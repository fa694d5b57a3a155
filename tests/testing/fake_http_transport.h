#pragma once

// Test doubles for http::HttpTransport: a FakeHttpTransport that records every request and
// replays scripted responses, and a FaultInjectingTransport that wraps any transport and fails
// chosen calls. Link the `bf_testing` library (tests/testing/CMakeLists.txt) to use them.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "http/client.h"
#include "http/message.h"

namespace bucketflow::testing {

// A copy of one ClientRequest as the fake saw it. A streamed body (body_source) has been read
// to its end into `body`, so tests can compare the bytes that would have gone on the wire.
struct RecordedRequest {
  std::string method{};
  std::string url{};
  http::Headers headers{};
  std::string body{};
  bool streamed = false;  // the body came from body_source
  std::optional<uint64_t> body_size{};
  bool had_on_body = false;
  int connect_timeout_ms = 0;
  int idle_timeout_ms = 0;

  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Builds a response in one line: Respond(200, "<xml/>", {{"ETag", "\"abc\""}}).
http::ClientResponse Respond(int status, std::string body = "", http::Headers headers = {});

// Records requests and answers them, in order, from a script of responses or errors. When the
// script is empty the handler (if set) answers; with neither, Send returns kInternal naming the
// unexpected request so the test fails loudly. Behaves like the curl transport where it
// matters to callers: a streamed body is read to the end (a Read error aborts the Send with
// that Status; fewer or more bytes than body_size is kInvalidArgument), and a 2xx body goes to
// on_body (in chunks of chunk_size) instead of ClientResponse::body when on_body is set, a
// failing on_body aborting the Send with its Status. Safe for concurrent use.
class FakeHttpTransport : public http::HttpTransport {
 public:
  using ScriptedResult = std::variant<http::ClientResponse, Status>;
  using Handler = std::function<Result<http::ClientResponse>(const RecordedRequest&)>;

  // Appends to the script.
  void Enqueue(http::ClientResponse response);
  void Enqueue(int status, std::string body = "", http::Headers headers = {});
  // The next Send fails with `error` (e.g. Status::Unavailable("connection refused")).
  void EnqueueError(Status error);
  // Answers requests once the script is exhausted (e.g. route by URL).
  void SetHandler(Handler handler);
  // How on_body receives a 2xx body: in pieces of this many bytes (default 64 KiB).
  void set_chunk_size(size_t chunk_size);

  Result<http::ClientResponse> Send(const http::ClientRequest& request) override;

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  // REQUIRES: request_count() > 0
  RecordedRequest last_request() const;
  // Scripted responses not consumed yet (a test can assert it is 0 at the end).
  size_t pending() const;

 private:
  Result<RecordedRequest> Record(const http::ClientRequest& request);
  ScriptedResult NextResult(const RecordedRequest& recorded);
  Result<http::ClientResponse> Deliver(const http::ClientRequest& request,
                                       http::ClientResponse response) const;

  mutable std::mutex mu_;
  std::deque<ScriptedResult> script_;
  Handler handler_;
  std::vector<RecordedRequest> requests_;
  size_t chunk_size_ = 64 * 1024;
};

// Wraps a transport and makes chosen calls fail; every other call passes through. Calls are
// numbered from 1 in the order Send is entered. A fault either replaces the call entirely (the
// request never reaches the inner transport: "connection refused") or, with
// after_inner = true, lets the inner transport handle it and then reports the failure anyway
// (the server acted but the response was lost). Safe for concurrent use.
class FaultInjectingTransport : public http::HttpTransport {
 public:
  explicit FaultInjectingTransport(http::HttpTransport& inner);

  // Call number `call` fails with `error` (default: kUnavailable "injected fault").
  void FailCall(int call, Status error = Status::Unavailable("injected fault"),
                bool after_inner = false);
  // Calls first .. first+count-1 fail with `error`.
  void FailCalls(int first, int count, Status error = Status::Unavailable("injected fault"));
  // Call number `call` gets this response (e.g. 503 SlowDown) instead of the inner one's.
  void RespondToCall(int call, http::ClientResponse response, bool after_inner = false);
  // Every call from `call` on fails with `error` (an endpoint that went away).
  void FailFrom(int call, Status error = Status::Unavailable("injected fault"));

  Result<http::ClientResponse> Send(const http::ClientRequest& request) override;

  int call_count() const;
  // Calls that were answered by a fault.
  int faults_injected() const;

 private:
  struct Fault {
    std::variant<http::ClientResponse, Status> result;
    bool after_inner = false;
  };
  std::optional<Fault> TakeFault(int call);

  http::HttpTransport& inner_;
  mutable std::mutex mu_;
  std::map<int, Fault> faults_;
  std::optional<std::pair<int, Status>> fail_from_;
  int calls_ = 0;
  int faults_injected_ = 0;
};

// A BodySource over a string, in pieces of at most `max_piece` bytes per Read (to exercise
// callers that must loop). Optionally fails the Read that would pass byte `fail_at`.
class StringBodySource : public http::BodySource {
 public:
  explicit StringBodySource(std::string data, size_t max_piece = 1 << 20);
  // The Read that reaches byte offset `offset` returns `error` instead.
  void FailAt(uint64_t offset, Status error);
  Result<size_t> Read(std::span<char> buffer) override;
  // Starts over from the first byte (for retry tests).
  void Rewind() { position_ = 0; }
  uint64_t position() const { return position_; }

 private:
  std::string data_;
  size_t max_piece_;
  uint64_t position_ = 0;
  std::optional<std::pair<uint64_t, Status>> fail_;
};

}  // namespace bucketflow::testing
