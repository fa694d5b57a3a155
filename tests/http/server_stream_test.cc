#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/server_test_support.h"

namespace bucketflow::http::testing {
namespace {

using std::chrono::seconds;

std::string ChunkedBody(const std::string& data, size_t piece) {
  std::string out;
  char size_line[32];
  for (size_t pos = 0; pos < data.size(); pos += piece) {
    const size_t n = std::min(piece, data.size() - pos);
    std::snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
    out += size_line;
    out.append(data, pos, n);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

TEST_F(ServerTest, ChunkedUploadReachesSinkAndFinishesOnce) {
  const std::string data = Pattern(700'000);
  TestClient client = Connect();
  TestResponse response = client.RoundTrip(
      "PUT /upload/dir/a%20b.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
      ChunkedBody(data, 90'000));
  EXPECT_EQ(response.result_int(), 201u);
  std::lock_guard lock(sink_record_->mu);
  EXPECT_EQ(sink_record_->path_suffix, "dir/a%20b.bin");
  EXPECT_EQ(sink_record_->received.size(), data.size());
  EXPECT_TRUE(sink_record_->received == data);
  EXPECT_EQ(sink_record_->finish_calls, 1);
  EXPECT_TRUE(sink_record_->finish_status.ok());
}

TEST_F(ServerTest, ContentLengthUploadWithExpectContinue) {
  const std::string data = Pattern(600'000);
  TestClient client = Connect();
  client.Send("PUT /upload/big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " +
              std::to_string(data.size()) + "\r\n\r\n");
  EXPECT_EQ(client.ReadExactly(25), "HTTP/1.1 100 Continue\r\n\r\n");
  client.Send(data);
  TestResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 201u);
  EXPECT_TRUE(response.keep_alive());
  std::lock_guard lock(sink_record_->mu);
  EXPECT_TRUE(sink_record_->received == data);
  EXPECT_EQ(sink_record_->finish_calls, 1);
}

TEST_F(ServerTest, ExpectContinueOnOrdinaryRoute) {
  TestClient client = Connect();
  client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(client.ReadExactly(25), "HTTP/1.1 100 Continue\r\n\r\n");
  client.Send("hello");
  EXPECT_EQ(client.Read().body(), "hello");
}

TEST_F(ServerTest, ExpectContinueNotSentWhenRejected) {
  TestClient client = Connect();
  TestResponse response = client.RoundTrip(
      "PUT /reject/x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");
  EXPECT_EQ(response.result_int(), 403u);  // the final answer, not an interim 100
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(ServerTest, EarlyAnswerSurvivesAnUnreadUploadBody) {
  TestClient client = Connect();
  const std::string body = Pattern(4'000'000);
  // No Expect: the client sends everything before it reads; the server answers at once and
  // must drain the body instead of resetting the connection.
  client.Send("PUT /reject/x HTTP/1.1\r\nHost: x\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
  TestResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 403u);
  EXPECT_FALSE(response.keep_alive());
}

TEST_F(ServerTest, ClientDisconnectMidUploadFinishesWithError) {
  TestClient client = Connect();
  client.Send("PUT /upload/partial HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" +
              Pattern(100'000));
  client.Close();
  ASSERT_EQ(sink_record_->finished.get_future().wait_for(seconds(20)), std::future_status::ready);
  std::lock_guard lock(sink_record_->mu);
  EXPECT_EQ(sink_record_->finish_calls, 1);
  EXPECT_FALSE(sink_record_->finish_status.ok());
  EXPECT_LE(sink_record_->received.size(), 100'000u);
}

TEST_F(ServerTest, FailingSinkWriteEndsTransferOnce) {
  TestClient client = Connect();
  client.Send("PUT /failing/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
  client.Send(Pattern(300'000));
  TestResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_FALSE(response.keep_alive());  // the rest of the body was never read
  std::lock_guard lock(sink_record_->mu);
  EXPECT_EQ(sink_record_->finish_calls, 1);
  EXPECT_EQ(sink_record_->finish_status.code(), Code::kUnavailable);
  EXPECT_EQ(sink_record_->finish_status.message(), "disk full");
}

TEST_F(ServerTest, UploadOverStreamLimit) {
  TestClient declared = Connect();
  TestResponse too_big = declared.RoundTrip(
      "PUT /upload/x HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kMaxStream + 1) +
      "\r\n\r\n");
  EXPECT_EQ(too_big.result_int(), 413u);
  EXPECT_EQ(sink_record_->finish_calls, 0);  // no sink was started

  TestClient chunked = Connect();
  TestResponse response =
      chunked.RoundTrip("PUT /upload/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        ChunkedBody(Pattern(kMaxStream + 1000), 1 << 20));
  EXPECT_EQ(response.result_int(), 400u);  // what the sink's Finish answered
  std::lock_guard lock(sink_record_->mu);
  EXPECT_EQ(sink_record_->finish_calls, 1);
  EXPECT_EQ(sink_record_->finish_status.code(), Code::kInvalidArgument);
}

TEST_F(ServerTest, StreamedResponseWithKnownSize) {
  constexpr size_t kSize = 5 * 1000 * 1000 + 7;
  TestClient client = Connect();
  TestResponse response = client.RoundTrip("GET /stream/" + std::to_string(kSize) +
                                           "?known HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(kSize));
  EXPECT_FALSE(response.chunked());
  EXPECT_TRUE(response.body() == Pattern(kSize));
  EXPECT_EQ(AccessLog(1).at(0), "GET /stream/5000007?known 200 5000007");
  // Still usable afterwards.
  EXPECT_EQ(client.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200u);
}

TEST_F(ServerTest, StreamedResponseChunkedAndHead) {
  constexpr size_t kSize = 3 * 1000 * 1000;
  TestClient client = Connect();
  TestResponse response =
      client.RoundTrip("GET /stream/" + std::to_string(kSize) + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(response.chunked());
  EXPECT_TRUE(response.body() == Pattern(kSize));
  TestResponse head = client.RoundTrip("HEAD /stream/100?known HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_EQ(head[bhttp::field::content_length], "100");
  EXPECT_EQ(client.RoundTrip("GET /stream/0 HTTP/1.1\r\nHost: x\r\n\r\n").body(), "");

  TestClient old = Connect();
  TestResponse http10 = old.RoundTrip("GET /stream/1000 HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(http10.body() == Pattern(1000));
  EXPECT_TRUE(old.ServerClosed());
}

TEST_F(ServerTest, StopLetsInFlightRequestFinish) {
  TestClient client = Connect();
  client.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  TestClient idle = Connect();
  EXPECT_EQ(idle.RoundTrip("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200u);
  ASSERT_EQ(slow_entered_.get_future().wait_for(seconds(20)), std::future_status::ready);

  std::thread waiter([this] { server_->Wait(); });
  server_->Stop();
  EXPECT_TRUE(idle.ServerClosed());  // idle keep-alive connections are closed at once
  ReleaseSlow();
  TestResponse response = client.Read();
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "slow done");
  EXPECT_FALSE(response.keep_alive());
  waiter.join();    // returns once drained, well before the 30 s grace period
  server_->Stop();  // idempotent
}

TEST(ServerIdleTest, StalledConnectionsAreClosed) {
  Router router;
  std::shared_ptr<SinkRecord> record = std::make_shared<SinkRecord>();
  router.AddStreaming("PUT", "/upload/", [record](Request&) -> StreamStart {
    return std::make_unique<RecordingSink>(record, /*fail_writes=*/false);
  });
  ServerConfig config;
  config.port = 0;
  config.idle_timeout_seconds = 1;
  Server server(config, router, nullptr);
  ASSERT_TRUE(server.Start().ok());
  TestClient idle(server.port());
  TestClient half_header(server.port());
  half_header.Send("GET / HTTP/1.1\r\nHost:");
  TestClient stalled_upload(server.port());
  stalled_upload.Send("PUT /upload/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
  // Each read blocks until the sweep (every 250 ms here) closes the connection.
  EXPECT_TRUE(idle.ServerClosed());
  EXPECT_TRUE(half_header.ServerClosed());
  EXPECT_TRUE(stalled_upload.ServerClosed());
  ASSERT_EQ(record->finished.get_future().wait_for(seconds(20)), std::future_status::ready);
  std::lock_guard lock(record->mu);
  EXPECT_EQ(record->finish_calls, 1);
  EXPECT_EQ(record->finish_status.code(), Code::kUnavailable);
  EXPECT_EQ(record->received, "abc");
}

TEST(ServerShutdownTest, StopBeforeWaitAndDestroyWithoutWait) {
  Router router;
  ServerConfig config;
  config.port = 0;
  {
    Server server(config, router, nullptr);
    ASSERT_TRUE(server.Start().ok());
    server.Stop();
    server.Wait();
  }
  {
    Server server(config, router, nullptr);
    ASSERT_TRUE(server.Start().ok());
    TestClient client(server.port());
    EXPECT_EQ(client.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 404u);
  }  // destructor stops and joins with a keep-alive connection open
}

}  // namespace
}  // namespace bucketflow::http::testing
