#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <utility>
#include <variant>

#include "core/strings.h"
#include "http/server_internal.h"

namespace bucketflow::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Parser = bhttp::request_parser<bhttp::buffer_body>;

constexpr uint32_t kHeaderLimit = 64 * 1024;
// gunicorn's limit on "METHOD target HTTP/1.1"; longer lines get 414 as there.
constexpr size_t kRequestLineLimit = 4094;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::chrono::seconds kLingerTime{2};

// Marks the connection as blocked on its client, for the idle sweep in server.cc.
class ClientWait {
 public:
  explicit ClientWait(Connection& conn) : conn_(conn) {
    conn_.waiting = true;
    conn_.waiting_since = std::chrono::steady_clock::now();
  }
  ~ClientWait() { conn_.waiting = false; }
  ClientWait(const ClientWait&) = delete;
  ClientWait& operator=(const ClientWait&) = delete;

 private:
  Connection& conn_;
};

enum class HeadOutcome { kOk, kClosed, kBadRequest, kHeaderTooLarge };

HeadOutcome ClassifyHeadError(const beast::error_code& ec) {
  if (!ec) {
    return HeadOutcome::kOk;
  }
  if (ec == bhttp::error::header_limit) {
    return HeadOutcome::kHeaderTooLarge;
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return HeadOutcome::kClosed;  // the client went away between or during requests
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return HeadOutcome::kBadRequest;
  }
  return HeadOutcome::kClosed;  // socket errors, including our own close on shutdown
}

void FillRequest(const Parser& parser, Connection& conn) {
  const auto& msg = parser.get();
  Request& request = conn.request;
  const auto method = msg.method_string();
  const auto target = msg.target();
  request.method.assign(method.data(), method.size());
  request.target.assign(target.data(), target.size());
  const size_t question = request.target.find('?');
  request.has_query = question != std::string::npos;
  request.path.assign(request.target, 0, question);
  if (request.has_query) {
    request.query.assign(request.target, question + 1);
  } else {
    request.query.clear();
  }
  request.headers.clear();
  for (const auto& field : msg) {
    const auto name = field.name_string();
    const auto value = field.value();
    request.headers.emplace_back(std::string(name.data(), name.size()),
                                 std::string(value.data(), value.size()));
  }
  request.body.clear();
  request.path_suffix.clear();
  request.remote_address = conn.remote;
}

bool ExpectsContinue(const Parser& parser) {
  const auto expect = parser.get()[bhttp::field::expect];
  return parser.get().version() >= 11 &&
         EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue");
}

Response InternalError() {
  return JsonErrorResponse(500, "INTERNAL_ERROR", "Internal server error");
}

Response BodyTooLarge(uint64_t limit) {
  return JsonErrorResponse(
      413, "INVALID_PARAMETER_VALUE",
      "Request body exceeds the maximum allowed size of " + std::to_string(limit) + " bytes");
}

// The catch-all the style guide allows: a throwing handler becomes a 500, never a crash.
template <class Fn>
auto Guarded(const Request& request, const char* what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    spdlog::error("{} for {} {} threw: {}", what, request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("{} for {} {} threw a non-exception", what, request.method, request.path);
  }
  return InternalError();
}

asio::awaitable<beast::error_code> SendContinueIfExpected(Connection& conn, const Parser& parser) {
  beast::error_code ec;
  if (ExpectsContinue(parser)) {
    co_await asio::async_write(conn.socket, asio::buffer(kContinue), Redirect(ec));
  }
  co_return ec;
}

// Reads the rest of the body straight into request.body, growing it for chunked bodies.
asio::awaitable<beast::error_code> ReadWholeBody(Connection& conn, Parser& parser) {
  std::string& body = conn.request.body;
  size_t used = 0;
  body.resize(static_cast<size_t>(parser.content_length().value_or(16 * 1024)));
  beast::error_code ec = co_await SendContinueIfExpected(conn, parser);
  while (!ec && !parser.is_done()) {
    if (used == body.size()) {
      body.resize(body.size() * 2 + 16 * 1024);
    }
    parser.get().body().data = body.data() + used;
    parser.get().body().size = body.size() - used;
    {
      ClientWait wait(conn);
      co_await bhttp::async_read(conn.socket, conn.buffer, parser, Redirect(ec));
    }
    if (ec == bhttp::error::need_buffer) {
      ec = {};
    }
    used = body.size() - parser.get().body().size;
  }
  body.resize(used);
  co_return ec;
}

asio::awaitable<Response> ServeOrdinary(const ConnectionEnv& env, Connection& conn, Parser& parser,
                                        const Handler& handler) {
  const uint64_t limit = env.config.max_body_bytes;
  if (parser.content_length().value_or(0) > limit) {
    co_return BodyTooLarge(limit);
  }
  parser.body_limit(limit);  // enforced per chunk for chunked bodies
  if (!parser.is_done()) {
    const beast::error_code ec = co_await ReadWholeBody(conn, parser);
    if (ec == bhttp::error::body_limit) {
      co_return BodyTooLarge(limit);
    }
    if (ec) {
      co_return PlainResponse(400, "Bad Request: unreadable request body");
    }
  }
  co_return Guarded(conn.request, "handler", [&] { return handler(conn.request); });
}

Status WriteToSink(BodySink& sink, std::string_view chunk) {
  try {
    return sink.Write(chunk);
  } catch (const std::exception& e) {
    return Status::Internal("BodySink::Write threw: ", e.what());
  } catch (...) {
    return Status::Internal("BodySink::Write threw");
  }
}

// Feeds the body to `sink` chunk by chunk; returns how the transfer ended.
asio::awaitable<Status> PumpBody(const ConnectionEnv& env, Connection& conn, Parser& parser,
                                 BodySink& sink) {
  if (parser.is_done()) {
    co_return Status::Ok();
  }
  if (co_await SendContinueIfExpected(conn, parser)) {
    co_return Status::Unavailable("client connection lost");
  }
  if (conn.chunk_buffer.size() < kChunkSize) {
    conn.chunk_buffer.resize(kChunkSize);
  }
  while (!parser.is_done()) {
    parser.get().body().data = conn.chunk_buffer.data();
    parser.get().body().size = conn.chunk_buffer.size();
    beast::error_code ec;
    {
      ClientWait wait(conn);
      co_await bhttp::async_read(conn.socket, conn.buffer, parser, Redirect(ec));
    }
    const size_t got = conn.chunk_buffer.size() - parser.get().body().size;
    if (got > 0) {
      Status written = WriteToSink(sink, std::string_view(conn.chunk_buffer.data(), got));
      if (!written.ok()) {
        co_return written;
      }
    }
    if (ec == bhttp::error::body_limit) {
      co_return Status::InvalidArgument("request body exceeds the maximum allowed size of ",
                                        env.config.max_stream_bytes, " bytes");
    }
    if (ec && ec != bhttp::error::need_buffer) {
      co_return Status::Unavailable("client connection lost: ", ec.message());
    }
  }
  co_return Status::Ok();
}

asio::awaitable<Response> ServeStreaming(const ConnectionEnv& env, Connection& conn, Parser& parser,
                                         const StreamingHandler& handler) {
  const uint64_t limit = env.config.max_stream_bytes;
  if (parser.content_length().value_or(0) > limit) {
    co_return BodyTooLarge(limit);
  }
  StreamStart start;
  try {
    start = handler(conn.request);
  } catch (const std::exception& e) {
    spdlog::error("streaming handler for {} threw: {}", conn.request.path, e.what());
    co_return InternalError();
  } catch (...) {
    spdlog::error("streaming handler for {} threw a non-exception", conn.request.path);
    co_return InternalError();
  }
  if (auto* response = std::get_if<Response>(&start)) {
    co_return std::move(*response);
  }
  std::unique_ptr<BodySink> sink = std::move(std::get<std::unique_ptr<BodySink>>(start));
  if (!sink) {
    spdlog::error("streaming handler for {} returned a null sink", conn.request.path);
    co_return InternalError();
  }
  parser.body_limit(limit);
  Status transfer = co_await PumpBody(env, conn, parser, *sink);
  co_return Guarded(conn.request, "BodySink::Finish", [&] { return sink->Finish(transfer); });
}

asio::awaitable<Response> Dispatch(const ConnectionEnv& env, Connection& conn, Parser& parser) {
  const size_t request_line = conn.request.method.size() + conn.request.target.size() + 10;
  if (request_line > kRequestLineLimit) {
    co_return PlainResponse(414, "Request-URI Too Long");
  }
  Router::Match match = env.router.Find(conn.request);
  if (match.handler != nullptr) {
    co_return co_await ServeOrdinary(env, conn, parser, *match.handler);
  }
  if (match.streaming != nullptr) {
    co_return co_await ServeStreaming(env, conn, parser, *match.streaming);
  }
  if (match.status == 405) {
    co_return MethodNotAllowedResponse(std::move(match.allow));
  }
  if (match.status == 200) {
    co_return OptionsResponse(std::move(match.allow));
  }
  if (match.status == 308) {
    co_return PermanentRedirectResponse(std::move(match.location));
  }
  co_return NotFoundResponse();
}

void LogAccess(const ConnectionEnv& env, const Connection& conn, int status, uint64_t bytes_out,
               std::chrono::steady_clock::time_point start) {
  if (!env.access_logger) {
    return;
  }
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  env.access_logger(AccessRecord{.remote = conn.remote,
                                 .method = conn.request.method,
                                 .target = conn.request.target,
                                 .status = status,
                                 .bytes_out = bytes_out,
                                 .millis = elapsed.count()});
}

// Answers one request whose header is in `parser`; returns whether to keep the connection.
asio::awaitable<bool> ServeOne(const ConnectionEnv& env, Connection& conn, Parser& parser) {
  const auto start = std::chrono::steady_clock::now();
  FillRequest(parser, conn);
  Response response = co_await Dispatch(env, conn, parser);
  // An unread body cannot be skipped reliably, so the connection ends with this response.
  const bool keep_alive = parser.get().keep_alive() && parser.is_done() && !env.stopping.load();
  const int status = response.status;
  const WriteResult written =
      co_await WriteResponse(conn.socket, response,
                             WriteOptions{.version = parser.get().version() >= 11 ? 11u : 10u,
                                          .keep_alive = keep_alive,
                                          .head = conn.request.method == "HEAD"},
                             conn.chunk_buffer);
  LogAccess(env, conn, status, written.bytes_out, start);
  co_return written.ok&& keep_alive && !written.close_after;
}

}  // namespace

asio::awaitable<void> ServeConnection(const ConnectionEnv& env, Connection& conn) {
  while (!env.stopping.load()) {
    Parser parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);  // checked per route once the header is known
    conn.idle = true;
    beast::error_code ec;
    {
      ClientWait wait(conn);
      co_await bhttp::async_read_header(conn.socket, conn.buffer, parser, Redirect(ec));
    }
    conn.idle = false;
    const HeadOutcome outcome = ClassifyHeadError(ec);
    if (outcome == HeadOutcome::kClosed) {
      co_return;
    }
    if (outcome != HeadOutcome::kOk) {
      const bool too_large = outcome == HeadOutcome::kHeaderTooLarge;
      const int status = too_large ? 431 : 400;
      co_await WriteRawError(conn.socket, status,
                             too_large ? "Request Header Fields Too Large" : "Bad Request");
      if (env.access_logger) {
        env.access_logger(AccessRecord{.remote = conn.remote,
                                       .method = "-",
                                       .target = "-",
                                       .status = status,
                                       .bytes_out = 0,
                                       .millis = 0.0});
      }
      co_return;
    }
    if (!co_await ServeOne(env, conn, parser)) {
      co_return;
    }
  }
}

// Closing a socket with unread request bytes makes the kernel send RST, which can destroy the
// response still in flight to the client (e.g. a 413 for an upload it is still sending). So
// stop sending, then drain what the client sends for a short while before closing.
asio::awaitable<void> LingeringClose(std::shared_ptr<Connection> conn) {
  conn->idle = true;  // nothing left to answer: shutdown may close it at once
  beast::error_code ec;
  conn->socket.shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) {
    asio::steady_timer deadline(conn->socket.get_executor(), kLingerTime);
    deadline.async_wait([conn](const beast::error_code& wait_ec) {
      if (!wait_ec) {
        beast::error_code close_ec;
        conn->socket.close(close_ec);
      }
    });
    std::array<char, 16 * 1024> discard;
    while (!ec) {
      co_await conn->socket.async_read_some(asio::buffer(discard), Redirect(ec));
    }
    deadline.cancel();
  }
  conn->socket.close(ec);
}

}  // namespace bucketflow::http::internal
