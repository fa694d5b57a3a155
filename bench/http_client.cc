#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <utility>

namespace bucketflow::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A 100k-point metric history is several MB of JSON; allow far more than any scenario needs.
constexpr uint64_t kMaxResponseBytes = 1ull << 30;

}  // namespace

Result<Endpoint> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("only http:// URLs are supported: ", url);
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find('/') != std::string_view::npos) {
    return Status::InvalidArgument("expected http://host:port, got ", url);
  }
  return Endpoint{.host = std::string(rest.substr(0, colon)),
                  .port = std::string(rest.substr(colon + 1)),
                  .authorization = {}};
}

std::string UrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

class KeepAliveClient::Impl {
 public:
  explicit Impl(Endpoint endpoint) : endpoint_(std::move(endpoint)), stream_(ioc_) {}

  ~Impl() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  Result<HttpReply> Send(http::verb verb, std::string_view target, std::string body) {
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, endpoint_.host);
    if (!endpoint_.authorization.empty()) {
      request.set(http::field::authorization, endpoint_.authorization);
    }
    request.keep_alive(true);
    if (verb != http::verb::get) {
      request.set(http::field::content_type, "application/json");
      request.body() = std::move(body);
      request.prepare_payload();
    }
    // A keep-alive connection the server closed while idle fails on first use: retry once
    // on a fresh connection.
    for (int attempt = 0; attempt < 2; ++attempt) {
      Result<HttpReply> reply = SendOnce(request);
      if (reply.ok() || attempt == 1) {
        return reply;
      }
      connected_ = false;
    }
    return Status::Internal("unreachable");
  }

 private:
  Status Connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) {
      return Status::Unavailable("resolve ", endpoint_.host, ": ", ec.message());
    }
    stream_.socket().close(ec);
    stream_.connect(results, ec);
    if (ec) {
      return Status::Unavailable("connect ", endpoint_.host, ":", endpoint_.port, ": ",
                                 ec.message());
    }
    stream_.socket().set_option(tcp::no_delay(true), ec);
    connected_ = true;
    return Status::Ok();
  }

  Result<HttpReply> SendOnce(const http::request<http::string_body>& request) {
    if (!connected_) {
      RETURN_IF_ERROR(Connect());
    }
    beast::error_code ec;
    http::write(stream_, request, ec);
    if (ec) {
      return Status::Unavailable("write: ", ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    http::read(stream_, buffer_, parser, ec);
    if (ec) {
      return Status::Unavailable("read: ", ec.message());
    }
    auto response = parser.release();
    if (!response.keep_alive()) {
      connected_ = false;
    }
    return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
  }

  Endpoint endpoint_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

KeepAliveClient::KeepAliveClient(Endpoint endpoint)
    : impl_(std::make_unique<Impl>(std::move(endpoint))) {}
KeepAliveClient::~KeepAliveClient() = default;

Result<HttpReply> KeepAliveClient::PostJson(std::string_view target, std::string body) {
  return impl_->Send(http::verb::post, target, std::move(body));
}

Result<HttpReply> KeepAliveClient::Get(std::string_view target) {
  return impl_->Send(http::verb::get, target, {});
}

}  // namespace bucketflow::bench
