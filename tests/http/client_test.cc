#include "http/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/client_test_support.h"
#include "http/router.h"
#include "http/server.h"
#include "http/server_test_support.h"

namespace bucketflow::http::testing {
namespace {

constexpr uint64_t kUploadSize = 50ull << 20;
constexpr uint64_t kDownloadSize = 20ull << 20;

std::string HeaderOr(const Request& request, std::string_view name) {
  return std::string(request.Header(name).value_or("<none>"));
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddRoutes();
    ServerConfig config;
    config.port = 0;
    config.threads = 4;
    server_ = std::make_unique<Server>(config, router_, [](const AccessRecord&) {});
    ASSERT_TRUE(server_->Start().ok());
    transport_ = MakeCurlTransport(CurlTransportConfig{});
  }

  void TearDown() override {
    stall_release_.set_value();
    transport_.reset();
    server_.reset();
  }

  void AddRoutes() {
    router_.Add("GET", "/hello", [](Request&) {
      Response response;
      response.content_type = "text/plain";
      response.body = "hello world";
      response.headers = {{"ETag", "\"abc\""}, {"x-amz-request-id", "REQ1"}};
      return response;
    });
    router_.AddPrefix("GET", "/big/", [](Request& request) {
      Response response;
      response.content_type = "application/octet-stream";
      response.stream = std::make_unique<PatternSource>(std::stoull(request.path_suffix));
      response.stream_size = std::stoull(request.path_suffix);
      return response;
    });
    router_.Add("GET", "/missing", [](Request&) {
      Response response;
      response.status = 404;
      response.content_type = "application/xml";
      response.body = "<Error><Code>NoSuchKey</Code></Error>";
      return response;
    });
    for (const char* method : {"POST", "DELETE", "PATCH"}) {
      router_.Add(method, "/echo", [](Request& request) {
        Response response;
        response.body = request.method + " [" + request.body +
                        "] type=" + HeaderOr(request, "content-type") +
                        " expect=" + HeaderOr(request, "expect");
        return response;
      });
    }
    router_.Add("GET", "/stall", [this](Request&) {
      stall_release_future_.wait_for(std::chrono::seconds(30));
      return Response{};
    });
    router_.AddStreaming("PUT", "/upload/", [this](Request& request) -> StreamStart {
      std::lock_guard lock(upload_->mu);
      upload_->content_length = HeaderOr(request, "content-length");
      upload_->transfer_encoding = HeaderOr(request, "transfer-encoding");
      upload_->expect = HeaderOr(request, "expect");
      upload_->content_type = HeaderOr(request, "content-type");
      return std::make_unique<PatternCheckingSink>(upload_);
    });
  }

  std::string Url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpTransport> transport_;
  std::shared_ptr<UploadRecord> upload_ = std::make_shared<UploadRecord>();
  std::promise<void> stall_release_;
  std::shared_future<void> stall_release_future_ = stall_release_.get_future().share();
};

TEST_F(ClientTest, GetCollectsBodyAndAllHeaders) {
  Result<ClientResponse> response = transport_->Send({.url = Url("/hello")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_EQ(response->Header("etag").value_or(""), "\"abc\"");
  EXPECT_EQ(response->Header("X-Amz-Request-Id").value_or(""), "REQ1");
  EXPECT_EQ(response->Header("content-length").value_or(""), "11");
  EXPECT_FALSE(response->Header("x-not-there").has_value());
}

TEST_F(ClientTest, HeadReturnsHeadersWithoutBody) {
  Result<ClientResponse> response = transport_->Send({.method = "HEAD", .url = Url("/hello")});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(response->Header("ETag").value_or(""), "\"abc\"");
}

TEST_F(ClientTest, PutStreamsBodySourceWithContentLength) {
  PatternSource source(kUploadSize);
  Result<ClientResponse> response = transport_->Send({.method = "PUT",
                                                      .url = Url("/upload/obj"),
                                                      .body_source = &source,
                                                      .body_size = kUploadSize});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("ETag").value_or(""), "\"uploaded\"");
  std::lock_guard lock(upload_->mu);
  EXPECT_EQ(upload_->received, kUploadSize);
  EXPECT_TRUE(upload_->pattern_ok);
  EXPECT_EQ(upload_->content_length, std::to_string(kUploadSize));
  EXPECT_EQ(upload_->transfer_encoding, "<none>");
  EXPECT_EQ(upload_->expect, "<none>");
  EXPECT_EQ(upload_->content_type, "<none>");
}

TEST_F(ClientTest, PutInMemoryBodyKeepsCallerContentType) {
  const std::string body = Pattern(3000);
  Result<ClientResponse> response =
      transport_->Send({.method = "PUT",
                        .url = Url("/upload/small"),
                        .headers = {{"Content-Type", "text/csv"}, {"x-amz-meta-empty", ""}},
                        .body = body});
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  std::lock_guard lock(upload_->mu);
  EXPECT_EQ(upload_->received, 3000u);
  EXPECT_TRUE(upload_->pattern_ok);
  EXPECT_EQ(upload_->content_length, "3000");
  EXPECT_EQ(upload_->content_type, "text/csv");
}

TEST_F(ClientTest, OnBodyStreamsLargeDownload) {
  uint64_t received = 0;
  bool pattern_ok = true;
  int chunks = 0;
  ClientRequest request{.url = Url("/big/" + std::to_string(kDownloadSize))};
  request.on_body = [&](std::string_view chunk) {
    for (size_t idx = 0; idx < chunk.size(); ++idx) {
      pattern_ok = pattern_ok && chunk[idx] == PatternByte(received + idx);
    }
    received += chunk.size();
    ++chunks;
    return Status::Ok();
  };
  Result<ClientResponse> response = transport_->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(received, kDownloadSize);
  EXPECT_TRUE(pattern_ok);
  EXPECT_GT(chunks, 1);
}

TEST_F(ClientTest, ErrorBodyIsCollectedEvenWithOnBody) {
  int calls = 0;
  ClientRequest request{.url = Url("/missing")};
  request.on_body = [&](std::string_view) {
    ++calls;
    return Status::Ok();
  };
  Result<ClientResponse> response = transport_->Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_EQ(calls, 0);
}

TEST_F(ClientTest, OnBodyErrorAbortsTheTransfer) {
  uint64_t received = 0;
  ClientRequest request{.url = Url("/big/" + std::to_string(kDownloadSize))};
  request.on_body = [&](std::string_view chunk) {
    received += chunk.size();
    return Status::PermissionDenied("disk quota");
  };
  Result<ClientResponse> response = transport_->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(response.status().message(), "disk quota");
  EXPECT_LT(received, kDownloadSize);
  // The handle went back to the pool in a usable state.
  Result<ClientResponse> next = transport_->Send({.url = Url("/hello")});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, "hello world");
}

TEST_F(ClientTest, BodySourceErrorAbortsTheUpload) {
  class FailingSource : public BodySource {
   public:
    Result<size_t> Read(std::span<char>) override { return Status::Internal("read failed"); }
  } source;
  Result<ClientResponse> response = transport_->Send(
      {.method = "PUT", .url = Url("/upload/x"), .body_source = &source, .body_size = 10});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "read failed");
}

TEST_F(ClientTest, ShortBodySourceIsInvalidArgument) {
  PatternSource source(5);
  Result<ClientResponse> response = transport_->Send(
      {.method = "PUT", .url = Url("/upload/x"), .body_source = &source, .body_size = 10});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kInvalidArgument);
}

TEST_F(ClientTest, PostDeleteAndCustomMethods) {
  Result<ClientResponse> post =
      transport_->Send({.method = "POST", .url = Url("/echo"), .body = "Action=AssumeRole"});
  ASSERT_TRUE(post.ok()) << post.status().ToString();
  EXPECT_EQ(post->body, "POST [Action=AssumeRole] type=<none> expect=<none>");
  Result<ClientResponse> del = transport_->Send({.method = "DELETE", .url = Url("/echo")});
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(del->body, "DELETE [] type=<none> expect=<none>");
  Result<ClientResponse> patch = transport_->Send(
      {.method = "PATCH", .url = Url("/echo"), .headers = {{"Content-Type", "a/b"}}, .body = "x"});
  ASSERT_TRUE(patch.ok()) << patch.status().ToString();
  EXPECT_EQ(patch->body, "PATCH [x] type=a/b expect=<none>");
}

TEST_F(ClientTest, BadRequestsAreInvalidArgument) {
  const std::vector<ClientRequest> requests = {
      {.url = "not a url"},
      {.url = "ftp://127.0.0.1/file"},
      {.method = "GET\r\nX", .url = Url("/hello"), .body = "x"},
      {.url = Url("/hello"), .headers = {{"X-Bad", "a\r\nInjected: 1"}}},
  };
  for (size_t idx = 0; idx < requests.size(); ++idx) {
    Result<ClientResponse> response = transport_->Send(requests[idx]);
    ASSERT_FALSE(response.ok()) << idx;
    EXPECT_EQ(response.status().code(), Code::kInvalidArgument)
        << idx << " " << response.status().ToString();
  }
  PatternSource source(1);
  ClientRequest unsized{.method = "PUT", .url = Url("/upload/x"), .body_source = &source};
  Result<ClientResponse> response = transport_->Send(unsized);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kInvalidArgument);
}

TEST_F(ClientTest, ErrorsNeverShowTheQueryString) {
  Result<ClientResponse> response =
      transport_->Send({.url = "http://127.0.0.1:1/b/k?X-Amz-Signature=secret"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message().find("secret"), std::string::npos);
}

TEST_F(ClientTest, ConnectionRefusedIsUnavailable) {
  uint16_t port = 0;
  {
    CountingServer closed;  // bound, then released: nobody listens on the port afterwards
    port = closed.port();
  }
  Result<ClientResponse> response =
      transport_->Send({.url = "http://127.0.0.1:" + std::to_string(port) + "/x"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kUnavailable) << response.status().ToString();
}

TEST_F(ClientTest, TruncatedResponseIsUnavailable) {
  CountingServer counting;
  {
    std::unique_ptr<HttpTransport> transport = MakeCurlTransport({});
    const std::string url = "http://127.0.0.1:" + std::to_string(counting.port());
    for (bool streamed : {false, true}) {
      ClientRequest request{.url = url + "/truncated"};
      if (streamed) {
        request.on_body = [](std::string_view) { return Status::Ok(); };
      }
      Result<ClientResponse> response = transport->Send(request);
      ASSERT_FALSE(response.ok());
      EXPECT_EQ(response.status().code(), Code::kUnavailable) << response.status().ToString();
    }
    // The broken connection is not reused.
    Result<ClientResponse> next = transport->Send({.url = url + "/next"});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
  }
  EXPECT_EQ(counting.accepted(), 3);
}

TEST_F(ClientTest, StalledServerHitsIdleTimeout) {
  const auto start = std::chrono::steady_clock::now();
  Result<ClientResponse> response =
      transport_->Send({.url = Url("/stall"), .idle_timeout_ms = 1000});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), Code::kUnavailable) << response.status().ToString();
  EXPECT_LT(elapsed, std::chrono::seconds(15));
}

TEST_F(ClientTest, SequentialRequestsReuseOneConnection) {
  CountingServer counting;
  {
    std::unique_ptr<HttpTransport> transport = MakeCurlTransport({});
    const std::string url = "http://127.0.0.1:" + std::to_string(counting.port()) + "/r";
    for (int idx = 0; idx < 5; ++idx) {
      Result<ClientResponse> response = transport->Send({.url = url});
      ASSERT_TRUE(response.ok()) << response.status().ToString();
      EXPECT_EQ(response->body, "ok");
    }
    Result<ClientResponse> put = transport->Send({.method = "PUT", .url = url, .body = "abc"});
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }
  EXPECT_EQ(counting.requests(), 6);
  EXPECT_EQ(counting.accepted(), 1);
}

TEST_F(ClientTest, WithoutIdleHandlesEveryRequestConnectsAnew) {
  CountingServer counting;
  {
    std::unique_ptr<HttpTransport> transport = MakeCurlTransport({.max_idle_connections = 0});
    const std::string url = "http://127.0.0.1:" + std::to_string(counting.port()) + "/r";
    for (int idx = 0; idx < 3; ++idx) {
      ASSERT_TRUE(transport->Send({.url = url}).ok());
    }
  }
  EXPECT_EQ(counting.accepted(), 3);
}

TEST_F(ClientTest, ConcurrentSendsFromEightThreads) {
  CountingServer counting;
  std::atomic<int> failures = 0;
  {
    std::unique_ptr<HttpTransport> transport = MakeCurlTransport({});
    const std::string counting_url = "http://127.0.0.1:" + std::to_string(counting.port()) + "/c";
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
      threads.emplace_back([&] {
        for (int request_idx = 0; request_idx < 25; ++request_idx) {
          Result<ClientResponse> counted = transport->Send({.url = counting_url});
          Result<ClientResponse> hello = transport->Send({.url = Url("/hello")});
          if (!counted.ok() || counted->body != "ok" || !hello.ok() ||
              hello->body != "hello world") {
            ++failures;
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(counting.requests(), 200);
  // One connection per handle at most, and at most one handle per thread.
  EXPECT_LE(counting.accepted(), 8);
}

}  // namespace
}  // namespace bucketflow::http::testing
