#pragma once

// A test server with a fixed route table, plus a small blocking Beast client to drive it.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/router.h"
#include "http/server.h"

namespace bucketflow::http::testing {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using TestResponse = bhttp::response<bhttp::string_body>;

inline char PatternByte(uint64_t index) { return static_cast<char>('a' + index % 26); }

inline std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t idx = 0; idx < size; ++idx) {
    out[idx] = PatternByte(idx);
  }
  return out;
}

// A blocking client on one connection. Reads time out after 20 s so a broken server fails the
// test instead of hanging it.
class TestClient {
 public:
  explicit TestClient(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{.tv_sec = 20, .tv_usec = 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }

  void Send(std::string_view raw) { asio::write(socket_, asio::buffer(raw)); }

  TestResponse Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  TestResponse RoundTrip(std::string_view raw, bool head = false) {
    Send(raw);
    return Read(head);
  }

  // Reads exactly `size` raw bytes (for the interim "100 Continue").
  std::string ReadExactly(size_t size) {
    while (buffer_.size() < size) {
      buffer_.commit(socket_.read_some(buffer_.prepare(4096)));
    }
    std::string out(static_cast<const char*>(buffer_.data().data()), size);
    buffer_.consume(size);
    return out;
  }

  // True when the server has closed the connection (reads hit EOF).
  bool ServerClosed() {
    if (buffer_.size() > 0) {
      return false;
    }
    boost::system::error_code ec;
    char byte = 0;
    const size_t n = socket_.read_some(asio::buffer(&byte, 1), ec);
    return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
  }

  void Close() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Serves `size` pattern bytes in uneven pieces.
class PatternSource : public BodySource {
 public:
  explicit PatternSource(uint64_t size) : size_(size) {}
  Result<size_t> Read(std::span<char> buffer) override {
    const uint64_t piece = std::min<uint64_t>({buffer.size(), size_ - sent_, 100'000});
    for (uint64_t idx = 0; idx < piece; ++idx) {
      buffer[idx] = PatternByte(sent_ + idx);
    }
    sent_ += piece;
    return static_cast<size_t>(piece);
  }

 private:
  uint64_t size_;
  uint64_t sent_ = 0;
};

// What a RecordingSink saw; shared with the test thread.
struct SinkRecord {
  std::mutex mu;
  std::string received;
  int finish_calls = 0;
  Status finish_status;
  std::string path_suffix;
  std::promise<void> finished;
};

class RecordingSink : public BodySink {
 public:
  RecordingSink(std::shared_ptr<SinkRecord> record, bool fail_writes)
      : record_(std::move(record)), fail_writes_(fail_writes) {}
  Status Write(std::string_view chunk) override {
    std::lock_guard lock(record_->mu);
    record_->received.append(chunk);
    return fail_writes_ ? Status::Unavailable("disk full") : Status::Ok();
  }
  Response Finish(Status transfer) override {
    {
      std::lock_guard lock(record_->mu);
      record_->finish_status = transfer;
      ++record_->finish_calls;
    }
    record_->finished.set_value();
    Response response;
    response.status = transfer.ok() ? 201 : 400;
    response.body = transfer.ok() ? "{}" : "{\"error\": \"" + transfer.message() + "\"}";
    return response;
  }

 private:
  std::shared_ptr<SinkRecord> record_;
  bool fail_writes_;
};

class ServerTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kMaxBody = 4096;
  static constexpr uint64_t kMaxStream = 8 << 20;

  void SetUp() override {
    AddRoutes();
    ServerConfig config;
    config.port = 0;
    config.threads = 2;
    config.max_body_bytes = kMaxBody;
    config.max_stream_bytes = kMaxStream;
    server_ = std::make_unique<Server>(config, router_, [this](const AccessRecord& record) {
      std::lock_guard lock(log_mu_);
      access_log_.push_back(std::string(record.method) + " " + std::string(record.target) + " " +
                            std::to_string(record.status) + " " + std::to_string(record.bytes_out));
      log_cv_.notify_all();
    });
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    ReleaseSlow();
    server_.reset();
  }

  void ReleaseSlow() {
    if (!slow_released_) {
      slow_released_ = true;
      slow_release_.set_value();
    }
  }

  void AddRoutes();

  // The access log is written just after the response, so wait for the entries to land.
  std::vector<std::string> AccessLog(size_t expected_entries) {
    std::unique_lock lock(log_mu_);
    log_cv_.wait_for(lock, std::chrono::seconds(20),
                     [&] { return access_log_.size() >= expected_entries; });
    return access_log_;
  }

  TestClient Connect() { return TestClient(server_->port()); }

  Router router_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<SinkRecord> sink_record_ = std::make_shared<SinkRecord>();
  std::promise<void> slow_entered_;
  std::promise<void> slow_release_;
  std::shared_future<void> slow_release_future_ = slow_release_.get_future().share();
  bool slow_released_ = false;
  std::mutex log_mu_;
  std::condition_variable log_cv_;
  std::vector<std::string> access_log_;
};

}  // namespace bucketflow::http::testing
