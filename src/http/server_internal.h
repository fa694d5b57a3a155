#pragma once

// Pieces shared by server.cc (listener, shutdown), connection.cc (one coroutine per
// connection) and response_writer.cc (serialising a Response). Not part of the contract.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/router.h"
#include "http/server.h"

namespace bucketflow::http::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Size of the buffer used to stream request and response bodies.
inline constexpr size_t kChunkSize = 256 * 1024;

// One accepted connection. Everything here is touched only from the connection's strand.
// Shared (shared_ptr) between the connection's coroutine and the server's registry, through
// which shutdown closes idle connections.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {}

  tcp::socket socket;
  boost::beast::flat_buffer buffer;  // reused across requests on this connection
  Request request;                   // reused so strings keep their capacity
  std::vector<char> chunk_buffer;    // allocated on first streamed body
  std::string remote;
  bool idle = true;      // waiting for the next request header
  bool waiting = false;  // blocked on the client (reading a header or body bytes)
  std::chrono::steady_clock::time_point waiting_since;
  std::list<std::shared_ptr<Connection>>::iterator registry_pos;
};

// What a connection needs from the server.
struct ConnectionEnv {
  const ServerConfig& config;
  const Router& router;
  const AccessLogger& access_logger;
  const std::atomic<bool>& stopping;
};

// Serves requests on `conn` until the client closes, an error, or shutdown.
asio::awaitable<void> ServeConnection(const ConnectionEnv& env, Connection& conn);
// Ends the connection without resetting it while the client may still be sending.
asio::awaitable<void> LingeringClose(std::shared_ptr<Connection> conn);

inline auto Redirect(boost::beast::error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

// Canned responses.
Response NotFoundResponse();
Response MethodNotAllowedResponse(std::string allow);
Response OptionsResponse(std::string allow);
Response PermanentRedirectResponse(std::string location);
Response JsonErrorResponse(int status, std::string_view error_code, std::string_view message);
Response PlainResponse(int status, std::string_view text);

struct WriteOptions {
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;
  bool head = false;  // headers only
};
struct WriteResult {
  bool ok = false;           // false: the connection is unusable and must be closed
  bool close_after = false;  // the body was delimited by closing the connection
  uint64_t bytes_out = 0;    // body bytes sent
};
// Sends `response` (its `stream`, when set, is drained through `chunk_buffer`).
asio::awaitable<WriteResult> WriteResponse(tcp::socket& socket, Response& response,
                                           WriteOptions options, std::vector<char>& chunk_buffer);

// Writes a minimal response that ends the connection; used before a request could be parsed.
asio::awaitable<void> WriteRawError(tcp::socket& socket, int status, std::string_view reason);

}  // namespace bucketflow::http::internal
