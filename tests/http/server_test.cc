#include "http/server.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "http/server_test_support.h"

namespace bucketflow::http::testing {

void ServerTest::AddRoutes() {
  router_.Add("GET", "/echo", [](Request& request) {
    Response response;
    response.content_type = "text/plain";
    response.body = request.method + " " + request.path + " q=" + request.query +
                    " has=" + (request.has_query ? "1" : "0") + " body=" + request.body;
    response.headers.emplace_back("X-Accept", std::string(request.Header("accept").value_or("")));
    return response;
  });
  router_.Add("POST", "/echo", [](Request& request) {
    Response response;
    response.body = request.body;
    return response;
  });
  router_.Add("GET", "/throw", [](Request&) -> Response { throw std::runtime_error("boom"); });
  router_.Add("GET", "/slow", [this](Request&) {
    slow_entered_.set_value();
    slow_release_future_.wait();
    Response response;
    response.body = "slow done";
    return response;
  });
  router_.AddPrefix("GET", "/stream/", [](Request& request) {
    const uint64_t size = std::stoull(request.path_suffix);
    Response response;
    response.content_type = "application/octet-stream";
    response.stream = std::make_unique<PatternSource>(size);
    if (request.query == "known") {
      response.stream_size = size;
    }
    return response;
  });
  router_.AddStreaming("PUT", "/upload/", [this](Request& request) -> StreamStart {
    sink_record_->path_suffix = request.path_suffix;
    return std::make_unique<RecordingSink>(sink_record_, /*fail_writes=*/false);
  });
  router_.AddStreaming("PUT", "/failing/", [this](Request&) -> StreamStart {
    return std::make_unique<RecordingSink>(sink_record_, /*fail_writes=*/true);
  });
  router_.AddStreaming("PUT", "/reject/", [](Request&) -> StreamStart {
    Response response;
    response.status = 403;
    response.body = "{\"error_code\": \"PERMISSION_DENIED\"}";
    return response;
  });
}

namespace {

TEST_F(ServerTest, GetAndPostOnOneKeepAliveConnection) {
  TestClient client = Connect();
  TestResponse get =
      client.RoundTrip("GET /echo?a=1&b=%20 HTTP/1.1\r\nHost: x\r\nAccept: text/x-test\r\n\r\n");
  EXPECT_EQ(get.result_int(), 200u);
  EXPECT_EQ(get.body(), "GET /echo q=a=1&b=%20 has=1 body=");
  EXPECT_EQ(get[bhttp::field::content_type], "text/plain");
  EXPECT_EQ(get["X-Accept"], "text/x-test");
  EXPECT_TRUE(get.keep_alive());

  TestResponse post = client.RoundTrip(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"name\": \"x\"}");
  EXPECT_EQ(post.result_int(), 200u);
  EXPECT_EQ(post.body(), "{\"name\": \"x\"}");
  EXPECT_EQ(post[bhttp::field::content_type], "application/json");

  TestResponse chunked = client.RoundTrip(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.body(), "abcdefg");

  TestResponse empty_query = client.RoundTrip("GET /echo? HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(empty_query.body(), "GET /echo q= has=1 body=");
  const std::vector<std::string> log = AccessLog(4);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0], "GET /echo?a=1&b=%20 200 33");
  EXPECT_EQ(log[1], "POST /echo 200 13");
}

TEST_F(ServerTest, GetWithBodyAndNoQueryKeepsTheBody) {
  TestClient client = Connect();
  TestResponse get =
      client.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(get.body(), "GET /echo q= has=0 body={}");
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  TestClient client = Connect();
  TestResponse head = client.RoundTrip("HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[bhttp::field::content_length], "25");  // "HEAD /echo q= has=0 body="
  EXPECT_TRUE(head.body().empty());
  // The connection is still in sync: the next response is read cleanly.
  TestResponse get = client.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(get.body(), "GET /echo q= has=0 body=");
}

TEST_F(ServerTest, OptionsListsAllowedMethods) {
  TestClient client = Connect();
  TestResponse options = client.RoundTrip("OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(options.result_int(), 200u);
  EXPECT_EQ(options[bhttp::field::allow], "GET, HEAD, OPTIONS, POST");
  EXPECT_TRUE(options.body().empty());
}

TEST_F(ServerTest, UnknownPathIsHtml404AndWrongMethodIs405) {
  TestClient client = Connect();
  for (const char* path : {"/nope", "/echo/", "/ech"}) {
    TestResponse response =
        client.RoundTrip("GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(response.result_int(), 404u) << path;
    EXPECT_EQ(response[bhttp::field::content_type], "text/html; charset=utf-8");
    EXPECT_NE(response.body().find("<title>404 Not Found</title>"), std::string::npos);
  }
  TestResponse wrong = client.RoundTrip("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(wrong.result_int(), 405u);
  EXPECT_EQ(wrong[bhttp::field::allow], "GET, HEAD, OPTIONS, POST");
  EXPECT_NE(wrong.body().find("Method Not Allowed"), std::string::npos);
}

TEST_F(ServerTest, BodyOverLimitIs413Json) {
  TestClient client = Connect();
  TestResponse declared = client.RoundTrip("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                           std::to_string(kMaxBody + 1) + "\r\n\r\n");
  EXPECT_EQ(declared.result_int(), 413u);
  EXPECT_NE(declared.body().find("\"error_code\": \"INVALID_PARAMETER_VALUE\""), std::string::npos);
  EXPECT_FALSE(declared.keep_alive());
  EXPECT_TRUE(client.ServerClosed());

  TestClient chunked_client = Connect();
  const std::string chunk = Pattern(3000);
  TestResponse chunked = chunked_client.RoundTrip(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n" + chunk +
      "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.result_int(), 413u);
}

TEST_F(ServerTest, BodyAtLimitIsAccepted) {
  TestClient client = Connect();
  const std::string body = Pattern(kMaxBody);
  TestResponse response = client.RoundTrip("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                           std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), body);
}

TEST_F(ServerTest, ThrowingHandlerIs500JsonAndConnectionSurvives) {
  TestClient client = Connect();
  TestResponse response = client.RoundTrip("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(response.result_int(), 500u);
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response.body(),
            "{\"error_code\": \"INTERNAL_ERROR\", \"message\": \"Internal server error\"}");
  EXPECT_EQ(client.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200u);
}

TEST_F(ServerTest, MalformedRequestIs400AndClosed) {
  TestClient client = Connect();
  TestResponse response = client.RoundTrip("GET /echo HTTP/1.1\r\nBad Header Line\r\n\r\n");
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_TRUE(client.ServerClosed());

  TestClient bad_length = Connect();
  EXPECT_EQ(bad_length.RoundTrip("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n").result_int(),
            400u);
}

TEST_F(ServerTest, LongRequestLineIs414AndHugeHeaderIs431) {
  TestClient client = Connect();
  TestResponse long_line =
      client.RoundTrip("GET /echo?" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(long_line.result_int(), 414u);

  TestClient huge = Connect();
  TestResponse huge_header =
      huge.RoundTrip("GET /echo HTTP/1.1\r\nX-Big: " + std::string(70 * 1024, 'b') + "\r\n\r\n");
  EXPECT_EQ(huge_header.result_int(), 431u);
  EXPECT_TRUE(huge.ServerClosed());
}

TEST_F(ServerTest, Http10ClosesAfterResponse) {
  TestClient client = Connect();
  TestResponse response = client.RoundTrip("GET /echo HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_TRUE(client.ServerClosed());

  TestClient keep = Connect();
  TestResponse kept = keep.RoundTrip("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(kept.keep_alive());
  EXPECT_EQ(keep.RoundTrip("GET /echo HTTP/1.0\r\n\r\n").result_int(), 200u);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  TestClient client = Connect();
  TestResponse response =
      client.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerStartTest, BusyPortFails) {
  Router router;
  ServerConfig first_config;
  first_config.port = 0;
  Server first(first_config, router, nullptr);
  ASSERT_TRUE(first.Start().ok());
  ServerConfig second_config;
  second_config.port = first.port();
  Server second(second_config, router, nullptr);
  EXPECT_FALSE(second.Start().ok());
  EXPECT_FALSE(first.Start().ok());  // already started
}

}  // namespace
}  // namespace bucketflow::http::testing
