#include "testing/fake_http_transport.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bucketflow::testing {
namespace {

using http::ClientRequest;
using http::ClientResponse;

TEST(FakeHttpTransportTest, ReplaysScriptInOrderAndRecordsRequests) {
  FakeHttpTransport fake;
  fake.Enqueue(200, "first", {{"ETag", "\"e1\""}});
  fake.EnqueueError(Status::Unavailable("connection reset"));
  fake.Enqueue(Respond(404, "<Error/>"));

  Result<ClientResponse> first = fake.Send(
      {.method = "PUT", .url = "http://h/b/k", .headers = {{"X-Amz-Date", "d"}}, .body = "abc"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "first");
  EXPECT_EQ(first->Header("etag").value_or(""), "\"e1\"");
  Result<ClientResponse> second = fake.Send({.url = "http://h/2"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  Result<ClientResponse> third = fake.Send({.method = "HEAD", .url = "http://h/3"});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->status, 404);

  ASSERT_EQ(fake.request_count(), 3u);
  EXPECT_EQ(fake.pending(), 0u);
  const std::vector<RecordedRequest> requests = fake.requests();
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].body, "abc");
  EXPECT_EQ(requests[0].Header("x-amz-date").value_or(""), "d");
  EXPECT_FALSE(requests[0].streamed);
  EXPECT_EQ(fake.last_request().url, "http://h/3");
}

TEST(FakeHttpTransportTest, UnexpectedRequestFailsLoudlyUnlessHandled) {
  FakeHttpTransport fake;
  Result<ClientResponse> unexpected = fake.Send({.url = "http://h/x"});
  ASSERT_FALSE(unexpected.ok());
  EXPECT_EQ(unexpected.status().code(), Code::kInternal);
  EXPECT_NE(unexpected.status().message().find("http://h/x"), std::string::npos);

  fake.SetHandler([](const RecordedRequest& request) -> Result<ClientResponse> {
    return Respond(200, "handled " + request.url);
  });
  Result<ClientResponse> handled = fake.Send({.url = "http://h/y"});
  ASSERT_TRUE(handled.ok());
  EXPECT_EQ(handled->body, "handled http://h/y");
}

TEST(FakeHttpTransportTest, DrainsStreamedBodyAndChecksItsSize) {
  FakeHttpTransport fake;
  fake.Enqueue(200);
  fake.Enqueue(200);
  StringBodySource source("0123456789", 3);
  ASSERT_TRUE(
      fake.Send({.method = "PUT", .url = "u", .body_source = &source, .body_size = 10}).ok());
  EXPECT_EQ(fake.last_request().body, "0123456789");
  EXPECT_TRUE(fake.last_request().streamed);

  StringBodySource short_source("01234");
  Result<ClientResponse> mismatch =
      fake.Send({.method = "PUT", .url = "u", .body_source = &short_source, .body_size = 10});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(fake.pending(), 1u);  // a failed upload consumes no scripted response
}

TEST(FakeHttpTransportTest, BodySourceErrorAbortsSend) {
  FakeHttpTransport fake;
  StringBodySource source(std::string(100, 'x'), 10);
  source.FailAt(55, Status::Internal("disk read"));
  Result<ClientResponse> response =
      fake.Send({.method = "PUT", .url = "u", .body_source = &source, .body_size = 100});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().message(), "disk read");
  EXPECT_EQ(source.position(), 50u);
}

TEST(FakeHttpTransportTest, OnBodyGetsSuccessBodiesInChunksOnly) {
  FakeHttpTransport fake;
  fake.set_chunk_size(4);
  fake.Enqueue(200, "0123456789");
  fake.Enqueue(403, "<Error>AccessDenied</Error>");
  fake.Enqueue(200, "abcdef");
  std::vector<std::string> chunks;
  ClientRequest request{.url = "u"};
  request.on_body = [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return chunks.size() > 3 ? Status::Unavailable("sink full") : Status::Ok();
  };
  Result<ClientResponse> ok = fake.Send(request);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body, "");
  EXPECT_EQ(chunks, (std::vector<std::string>{"0123", "4567", "89"}));
  Result<ClientResponse> denied = fake.Send(request);
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->body, "<Error>AccessDenied</Error>");
  EXPECT_EQ(chunks.size(), 3u);
  Result<ClientResponse> aborted = fake.Send(request);
  ASSERT_FALSE(aborted.ok());
  EXPECT_EQ(aborted.status().message(), "sink full");
}

TEST(FaultInjectingTransportTest, FailsChosenCallsAndPassesTheRest) {
  FakeHttpTransport fake;
  fake.SetHandler([](const RecordedRequest&) -> Result<ClientResponse> { return Respond(200); });
  FaultInjectingTransport faulty(fake);
  faulty.FailCall(2);
  faulty.RespondToCall(3, Respond(503, "<Error><Code>SlowDown</Code></Error>"));
  faulty.FailCall(4, Status::Unavailable("reset after write"), /*after_inner=*/true);

  std::vector<int> outcome;  // HTTP status, or -1 for an error
  for (int call = 1; call <= 5; ++call) {
    Result<ClientResponse> response = faulty.Send({.url = "u" + std::to_string(call)});
    outcome.push_back(response.ok() ? response->status : -1);
    if (call == 2 || call == 4) {
      EXPECT_EQ(response.status().code(), Code::kUnavailable);
    }
  }
  EXPECT_EQ(outcome, (std::vector<int>{200, -1, 503, -1, 200}));
  EXPECT_EQ(faulty.call_count(), 5);
  EXPECT_EQ(faulty.faults_injected(), 3);
  // Calls 2 and 3 never reached the inner transport; call 4 did (after_inner).
  std::vector<std::string> urls;
  for (const RecordedRequest& request : fake.requests()) {
    urls.push_back(request.url);
  }
  EXPECT_EQ(urls, (std::vector<std::string>{"u1", "u4", "u5"}));
}

TEST(FaultInjectingTransportTest, FailCallsAndFailFrom) {
  FakeHttpTransport fake;
  fake.SetHandler([](const RecordedRequest&) -> Result<ClientResponse> { return Respond(204); });
  FaultInjectingTransport faulty(fake);
  faulty.FailCalls(1, 2, Status::Unavailable("refused"));
  faulty.FailFrom(4, Status::Unavailable("gone"));
  EXPECT_EQ(faulty.Send({.url = "a"}).status().message(), "refused");
  EXPECT_EQ(faulty.Send({.url = "a"}).status().message(), "refused");
  EXPECT_TRUE(faulty.Send({.url = "a"}).ok());
  for (int call = 4; call <= 6; ++call) {
    EXPECT_EQ(faulty.Send({.url = "a"}).status().message(), "gone");
  }
  EXPECT_EQ(fake.request_count(), 1u);
}

}  // namespace
}  // namespace bucketflow::testing
