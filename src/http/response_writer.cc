#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <span>
#include <string>
#include <utility>

#include "core/strings.h"
#include "http/server_internal.h"

namespace bucketflow::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::string_view kHtml = "text/html; charset=utf-8";

// Werkzeug's pages, so the MLflow client and the golden recordings see the same bodies.
constexpr std::string_view kNotFoundHtml =
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.</p>\n";
constexpr std::string_view kMethodNotAllowedHtml =
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n";

constexpr std::string_view kRedirectHtml =
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
    "<h1>Redirecting...</h1>\n<p>You should be redirected to the URL with repeated slashes "
    "merged.</p>\n";

// The server owns message framing; a handler's header must not contradict it or smuggle in
// a second header line.
bool IsForwardableHeader(std::string_view name, std::string_view value) {
  if (name.empty() || name.find_first_of(":\r\n") != std::string_view::npos ||
      value.find_first_of("\r\n") != std::string_view::npos) {
    return false;
  }
  return !EqualsIgnoreCase(name, "content-length") &&
         !EqualsIgnoreCase(name, "transfer-encoding") && !EqualsIgnoreCase(name, "connection");
}

unsigned ValidStatus(int status) {
  return (status >= 100 && status <= 599) ? static_cast<unsigned>(status) : 500u;
}

// 1xx, 204 and 304 responses never carry a body (RFC 9110 section 6.4.1).
bool StatusHasBody(unsigned status) { return status >= 200 && status != 204 && status != 304; }

template <class Body>
void SetHeaders(bhttp::response<Body>& res, const Response& response, const WriteOptions& opt) {
  res.version(opt.version);
  res.result(ValidStatus(response.status));
  if (!response.content_type.empty()) {
    res.set(bhttp::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    if (IsForwardableHeader(name, value)) {
      res.insert(name, value);
    } else {
      spdlog::warn("dropping response header '{}'", name);
    }
  }
  res.keep_alive(opt.keep_alive);
}

asio::awaitable<WriteResult> WriteStringBody(tcp::socket& socket, Response& response,
                                             const WriteOptions& opt) {
  bhttp::response<bhttp::string_body> res;
  SetHeaders(res, response, opt);
  res.body() = std::move(response.body);
  if (StatusHasBody(res.result_int())) {
    res.content_length(res.body().size());
  } else {
    res.body().clear();
  }
  bhttp::response_serializer<bhttp::string_body> serializer{res};
  beast::error_code ec;
  if (opt.head) {
    co_await bhttp::async_write_header(socket, serializer, Redirect(ec));
  } else {
    co_await bhttp::async_write(socket, serializer, Redirect(ec));
  }
  co_return WriteResult{
      .ok = !ec, .close_after = false, .bytes_out = opt.head ? 0 : res.body().size()};
}

Result<std::string_view> ReadSource(BodySource& source, std::span<char> buffer) {
  try {
    return source.Next(buffer);
  } catch (const std::exception& e) {
    return Status::Internal("BodySource::Read threw: ", e.what());
  } catch (...) {
    return Status::Internal("BodySource::Read threw");
  }
}

// Pulls chunks from the source into the buffer_body serializer until Read() returns 0.
asio::awaitable<WriteResult> WriteStreamChunks(tcp::socket& socket, Response& response,
                                               bhttp::response<bhttp::buffer_body>& res,
                                               bhttp::response_serializer<bhttp::buffer_body>& sr,
                                               std::vector<char>& buffer) {
  WriteResult result;
  while (true) {
    Result<std::string_view> chunk = ReadSource(*response.stream, std::span<char>(buffer));
    if (!chunk.ok()) {
      spdlog::error("response stream failed: {}", chunk.status().ToString());
      co_return result;
    }
    const size_t n = chunk->size();
    if (response.stream_size && result.bytes_out + n > *response.stream_size) {
      spdlog::error("response stream longer than its declared size {}", *response.stream_size);
      co_return result;
    }
    // Beast only reads the bytes; the view stays valid until the source's next call.
    res.body().data = n > 0 ? const_cast<char*>(chunk->data()) : nullptr;
    res.body().size = n;
    res.body().more = n > 0;
    beast::error_code ec;
    co_await bhttp::async_write(socket, sr, Redirect(ec));
    if (ec && ec != bhttp::error::need_buffer) {
      co_return result;
    }
    result.bytes_out += n;
    if (n == 0) {
      break;
    }
  }
  if (response.stream_size && result.bytes_out != *response.stream_size) {
    spdlog::error("response stream ended after {} of {} bytes", result.bytes_out,
                  *response.stream_size);
    co_return result;
  }
  result.ok = true;
  co_return result;
}

asio::awaitable<WriteResult> WriteStreamBody(tcp::socket& socket, Response& response,
                                             WriteOptions opt, std::vector<char>& buffer) {
  bool close_after = false;
  if (!response.stream_size && opt.version < 11) {
    // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection.
    opt.keep_alive = false;
    close_after = true;
  }
  bhttp::response<bhttp::buffer_body> res;
  SetHeaders(res, response, opt);
  if (response.stream_size) {
    res.content_length(*response.stream_size);
  } else if (!close_after) {
    res.chunked(true);
  }
  res.body().data = nullptr;
  res.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> serializer{res};
  beast::error_code ec;
  co_await bhttp::async_write_header(socket, serializer, Redirect(ec));
  if (ec || opt.head) {
    co_return WriteResult{.ok = !ec, .close_after = close_after, .bytes_out = 0};
  }
  if (buffer.size() < kChunkSize) {
    buffer.resize(kChunkSize);
  }
  WriteResult result = co_await WriteStreamChunks(socket, response, res, serializer, buffer);
  result.close_after = close_after;
  co_return result;
}

Response MakeResponse(int status, std::string_view content_type, std::string body) {
  Response response;
  response.status = status;
  response.content_type = std::string(content_type);
  response.body = std::move(body);
  return response;
}

std::string_view ReasonPhrase(int status) {
  return bhttp::obsolete_reason(static_cast<bhttp::status>(ValidStatus(status)));
}

}  // namespace

Response NotFoundResponse() { return MakeResponse(404, kHtml, std::string(kNotFoundHtml)); }

Response MethodNotAllowedResponse(std::string allow) {
  Response response = MakeResponse(405, kHtml, std::string(kMethodNotAllowedHtml));
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

Response OptionsResponse(std::string allow) {
  Response response = MakeResponse(200, kHtml, std::string());
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

// Werkzeug's answer to a path with repeated slashes (strict_slashes / merge_slashes).
Response PermanentRedirectResponse(std::string location) {
  Response response = MakeResponse(308, kHtml, std::string(kRedirectHtml));
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

// The messages passed here are fixed strings from this module; only '"' and '\' need escaping.
Response JsonErrorResponse(int status, std::string_view error_code, std::string_view message) {
  std::string body = "{\"error_code\": \"";
  body += error_code;
  body += "\", \"message\": \"";
  for (char c : message) {
    if (c == '"' || c == '\\') {
      body += '\\';
    }
    body += c;
  }
  body += "\"}";
  return MakeResponse(status, "application/json", std::move(body));
}

Response PlainResponse(int status, std::string_view text) {
  return MakeResponse(status, "text/plain; charset=utf-8", std::string(text));
}

asio::awaitable<WriteResult> WriteResponse(tcp::socket& socket, Response& response,
                                           WriteOptions options, std::vector<char>& chunk_buffer) {
  if (response.stream) {
    co_return co_await WriteStreamBody(socket, response, options, chunk_buffer);
  }
  co_return co_await WriteStringBody(socket, response, options);
}

asio::awaitable<void> WriteRawError(tcp::socket& socket, int status, std::string_view reason) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(ReasonPhrase(status)) +
                     "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                     std::to_string(reason.size()) + "\r\nConnection: close\r\n\r\n";
  text += reason;
  beast::error_code ec;
  co_await asio::async_write(socket, asio::buffer(text), Redirect(ec));
}

}  // namespace bucketflow::http::internal
