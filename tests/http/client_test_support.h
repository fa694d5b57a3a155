#pragma once

// A bare keep-alive HTTP server that counts the TCP connections it accepts, so client tests can
// see connection reuse (http::Server does not expose its accept count). Answers "ok" to every
// request, except /truncated, whose response is cut short.

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "http/message.h"
#include "http/server_test_support.h"

namespace bucketflow::http::testing {

class CountingServer {
 public:
  CountingServer()
      : acceptor_(io_,
                  boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  // REQUIRES: clients have closed their connections (destroy the transport first); a
  // connection still open is dropped after its 5 s read timeout.
  ~CountingServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);
    accept_thread_.join();
    std::lock_guard lock(mu_);
    for (auto& thread : connection_threads_) {
      thread.join();
    }
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }

 private:
  void AcceptLoop() {
    while (true) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (stopping_ || ec) {
        return;
      }
      ++accepted_;
      timeval timeout{.tv_sec = 5, .tv_usec = 0};
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      std::lock_guard lock(mu_);
      connection_threads_.emplace_back([this, conn = std::move(socket)]() mutable { Serve(conn); });
    }
  }

  void Serve(boost::asio::ip::tcp::socket& socket) {
    namespace bhttp = boost::beast::http;
    boost::beast::flat_buffer buffer;
    while (true) {
      boost::system::error_code ec;
      bhttp::request<bhttp::string_body> request;
      bhttp::read(socket, buffer, request, ec);
      if (ec) {
        return;
      }
      ++requests_;
      if (request.target() == "/truncated") {
        // Promises 100 bytes, sends 10 and hangs up: a response cut short.
        const std::string_view raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
        boost::asio::write(socket, boost::asio::buffer(raw), ec);
        return;
      }
      bhttp::response<bhttp::string_body> response{bhttp::status::ok, request.version()};
      response.body() = "ok";
      response.keep_alive(true);
      response.prepare_payload();
      bhttp::write(socket, response, ec);
      if (ec) {
        return;
      }
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> accepted_ = 0;
  std::atomic<int> requests_ = 0;
  std::mutex mu_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

// Checks an upload against the pattern as it arrives, and remembers the headers it came with.
struct UploadRecord {
  std::mutex mu;
  uint64_t received = 0;
  bool pattern_ok = true;
  std::string content_length;
  std::string transfer_encoding;
  std::string expect;
  std::string content_type;
};

class PatternCheckingSink : public BodySink {
 public:
  explicit PatternCheckingSink(std::shared_ptr<UploadRecord> record) : record_(std::move(record)) {}
  Status Write(std::string_view chunk) override {
    std::lock_guard lock(record_->mu);
    for (size_t idx = 0; idx < chunk.size(); ++idx) {
      if (chunk[idx] != PatternByte(record_->received + idx)) {
        record_->pattern_ok = false;
      }
    }
    record_->received += chunk.size();
    return Status::Ok();
  }
  Response Finish(Status transfer) override {
    Response response;
    response.status = transfer.ok() ? 200 : 400;
    response.headers.emplace_back("ETag", "\"uploaded\"");
    return response;
  }

 private:
  std::shared_ptr<UploadRecord> record_;
};

}  // namespace bucketflow::http::testing
