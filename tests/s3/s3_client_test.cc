#include "s3/s3_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "s3/s3_client_test_support.h"
#include "s3/signer.h"

namespace bucketflow::s3 {
namespace {

using ::testing::HasSubstr;

TEST_F(S3ClientTest, PutSendsPathStyleUrlWithEachSegmentEncodedOnce) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200, "", {{"ETag", "\"abc\""}});
  Result<std::string> etag = client->PutObject(
      {.bucket = "bkt", .key = "dir/a b+c/\xC3\xBC%.txt", .body = {.data = "hello"}});
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, "\"abc\"");

  const RecordedRequest sent = transport_.last_request();
  const std::string path = "/bkt/dir/a%20b%2Bc/%C3%BC%25.txt";
  EXPECT_EQ(sent.method, "PUT");
  EXPECT_EQ(sent.url, "http://127.0.0.1:17580" + path);
  EXPECT_EQ(sent.body, "hello");
  EXPECT_EQ(Header(sent, "Host"), "127.0.0.1:17580");
  EXPECT_EQ(Header(sent, "X-Amz-Content-SHA256"), Sha256Hex("hello"));
  EXPECT_EQ(Header(sent, "X-Amz-Date"), "20231114T221320Z");
  EXPECT_EQ(Header(sent, "X-Amz-Security-Token"), "<absent>");

  // The signature is over exactly the path that was sent: signing it again matches.
  const Signer signer(S3SignerConfig("us-east-1"));
  const QueryParams no_query;
  const HeaderList host{{"Host", "127.0.0.1:17580"}};
  Result<HeaderList> expected = signer.SignHeaders({.method = "PUT",
                                                    .path = path,
                                                    .query = no_query,
                                                    .headers = host,
                                                    .payload_hash = Sha256Hex("hello")},
                                                   credentials_.credentials, kNowMs / 1000);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(Header(sent, "Authorization"), expected->back().second);
  EXPECT_THAT(Header(sent, "Authorization"),
              HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
}

TEST_F(S3ClientTest, ChoosesAddressingStyle) {
  struct Case {
    std::string endpoint;
    AddressingStyle style;
    std::string bucket;
    std::string url;
    std::string host;
  };
  const std::vector<Case> cases = {
      {"", AddressingStyle::kAuto, "bkt", "https://bkt.s3.eu-west-1.amazonaws.com/k%20y",
       "bkt.s3.eu-west-1.amazonaws.com"},
      {"", AddressingStyle::kAuto, "my.bucket",
       "https://s3.eu-west-1.amazonaws.com/my.bucket/k%20y", "s3.eu-west-1.amazonaws.com"},
      {"", AddressingStyle::kPath, "bkt", "https://s3.eu-west-1.amazonaws.com/bkt/k%20y",
       "s3.eu-west-1.amazonaws.com"},
      {"http://minio:9000/", AddressingStyle::kAuto, "bkt", "http://minio:9000/bkt/k%20y",
       "minio:9000"},
      {"http://rgw.local:80", AddressingStyle::kVirtualHosted, "bkt", "http://bkt.rgw.local/k%20y",
       "bkt.rgw.local"},
  };
  for (const Case& c : cases) {
    std::unique_ptr<S3Client> client =
        MakeClient({.region = "eu-west-1", .endpoint = c.endpoint, .addressing_style = c.style});
    transport_.Enqueue(200, "data");
    Result<std::string> body = client->GetObjectToString({.bucket = c.bucket, .key = "k y"}, 100);
    ASSERT_TRUE(body.ok()) << body.status().ToString();
    EXPECT_EQ(*body, "data");
    EXPECT_EQ(transport_.last_request().url, c.url);
    EXPECT_EQ(Header(transport_.last_request(), "Host"), c.host);
    EXPECT_THAT(Header(transport_.last_request(), "Authorization"),
                HasSubstr("/eu-west-1/s3/aws4_request"));
  }
}

TEST_F(S3ClientTest, SessionTokenIsSentAndSigned) {
  credentials_.credentials.session_token = "TOKEN";
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(204);
  ASSERT_TRUE(client->DeleteObject("bkt", "a/b").ok());
  const RecordedRequest sent = transport_.last_request();
  EXPECT_EQ(sent.method, "DELETE");
  EXPECT_EQ(sent.url, "http://127.0.0.1:17580/bkt/a/b");
  EXPECT_EQ(Header(sent, "X-Amz-Security-Token"), "TOKEN");
  EXPECT_EQ(Header(sent, "X-Amz-Content-SHA256"), kEmptyPayloadSha256);
  EXPECT_THAT(Header(sent, "Authorization"), HasSubstr("x-amz-security-token"));
}

TEST_F(S3ClientTest, StreamedPutIsUnsignedWithKnownLengthAndRetriedFromTheStart) {
  std::unique_ptr<S3Client> client = LocalClient();
  const std::string payload(100'000, 'x');
  int opens = 0;
  UploadBody body{
      .open = [&]() -> Result<std::unique_ptr<http::BodySource>> {
        ++opens;
        return std::unique_ptr<http::BodySource>(std::make_unique<StringBodySource>(payload, 4096));
      },
      .size = payload.size()};
  transport_.Enqueue(503, "<Error><Code>SlowDown</Code></Error>");
  transport_.Enqueue(200, "", {{"ETag", "\"e\""}});
  Result<std::string> etag = client->PutObject(
      {.bucket = "bkt", .key = "big.bin", .body = body, .content_type = "application/x-bin"});
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(opens, 2);
  ASSERT_EQ(transport_.request_count(), 2u);
  for (const RecordedRequest& sent : transport_.requests()) {
    EXPECT_TRUE(sent.streamed);
    EXPECT_EQ(sent.body, payload);
    EXPECT_EQ(sent.body_size, payload.size());
    EXPECT_EQ(Header(sent, "X-Amz-Content-SHA256"), "UNSIGNED-PAYLOAD");
    EXPECT_EQ(Header(sent, "Content-Type"), "application/x-bin");
    EXPECT_THAT(Header(sent, "Authorization"), HasSubstr("content-type;host;"));
  }
}

TEST_F(S3ClientTest, OneShotStreamIsNotRetried) {
  std::unique_ptr<S3Client> client = LocalClient();
  StringBodySource source("abc");
  transport_.Enqueue(503, "<Error><Code>SlowDown</Code></Error>");
  Result<std::string> etag =
      client->PutObject({.bucket = "bkt", .key = "k", .body = {.source = &source, .size = 3}});
  EXPECT_EQ(etag.status().code(), Code::kUnavailable);
  EXPECT_EQ(transport_.request_count(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(S3ClientTest, HeadCallsReadHeaders) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200, "", {{"x-amz-bucket-region", "eu-central-1"}});
  Result<std::string> region = client->HeadBucket("bkt");
  ASSERT_TRUE(region.ok()) << region.status().ToString();
  EXPECT_EQ(*region, "eu-central-1");
  EXPECT_EQ(transport_.last_request().method, "HEAD");
  EXPECT_EQ(transport_.last_request().url, "http://127.0.0.1:17580/bkt");

  transport_.Enqueue(200, "",
                     {{"Content-Length", "1234"},
                      {"ETag", "\"tag\""},
                      {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"},
                      {"Content-Type", "text/plain"}});
  Result<ObjectInfo> info = client->HeadObject("bkt", "a.txt");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 1234u);
  EXPECT_EQ(info->etag, "\"tag\"");
  EXPECT_EQ(info->last_modified_ms, 1445412480000);
  EXPECT_EQ(info->content_type, "text/plain");
}

TEST_F(S3ClientTest, RangedGetStreamsToCallback) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.set_chunk_size(3);
  transport_.Enqueue(206, "0123456789", {{"Content-Range", "bytes 0-9/500"}});
  std::vector<std::string> chunks;
  Result<ObjectInfo> info =
      client->GetObject({.bucket = "bkt", .key = "k", .range = ByteRange{.first = 0, .last = 9}},
                        [&](std::string_view chunk) {
                          chunks.emplace_back(chunk);
                          return Status::Ok();
                        });
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 500u);
  EXPECT_EQ(chunks, (std::vector<std::string>{"012", "345", "678", "9"}));
  EXPECT_EQ(Header(transport_.last_request(), "Range"), "bytes=0-9");
  EXPECT_THAT(Header(transport_.last_request(), "Authorization"), HasSubstr("host;range;"));

  transport_.Enqueue(200, "too long");
  EXPECT_EQ(client->GetObjectToString({.bucket = "bkt", .key = "k"}, 3).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(
      client
          ->GetObject({.bucket = "bkt", .key = "k", .range = ByteRange{.first = 5, .last = 1}},
                      [](std::string_view) { return Status::Ok(); })
          .status()
          .code(),
      Code::kInvalidArgument);
}

std::string ListPage(const std::string& keys_xml, const std::string& next_token) {
  return "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name>" +
         keys_xml + "<IsTruncated>" + (next_token.empty() ? "false" : "true") + "</IsTruncated>" +
         (next_token.empty()
              ? ""
              : "<NextContinuationToken>" + next_token + "</NextContinuationToken>") +
         "</ListBucketResult>";
}

std::string Contents(const std::string& key) {
  return "<Contents><Key>" + key +
         "</Key><LastModified>2026-11-26T17:32:15.000Z</LastModified><ETag>\"e\"</ETag>"
         "<Size>3</Size></Contents>";
}

TEST_F(S3ClientTest, ListAllFollowsEveryContinuationToken) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200, ListPage(Contents("p/a") + "<CommonPrefixes><Prefix>p/d/</Prefix>"
                                                     "</CommonPrefixes>",
                                   "tok 1+/="));
  transport_.Enqueue(200, ListPage(Contents("p/b"), "tok2"));
  transport_.Enqueue(200, ListPage(Contents("p/c"), ""));
  Result<ListAllResult> all = client->ListAll({.bucket = "bkt", .prefix = "p/", .delimiter = "/"});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->objects.size(), 3u);
  EXPECT_EQ(all->objects[2].key, "p/c");
  EXPECT_EQ(all->common_prefixes, (std::vector<std::string>{"p/d/"}));
  const std::vector<RecordedRequest> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].url, "http://127.0.0.1:17580/bkt?list-type=2&delimiter=%2F&prefix=p%2F");
  EXPECT_EQ(sent[1].url,
            "http://127.0.0.1:17580/bkt?list-type=2&continuation-token=tok%201%2B%2F%3D"
            "&delimiter=%2F&prefix=p%2F");
  EXPECT_THAT(sent[2].url, HasSubstr("continuation-token=tok2&"));
}

TEST_F(S3ClientTest, ListAllStopsOnARepeatedToken) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200, ListPage(Contents("a"), "same"));
  transport_.Enqueue(200, ListPage(Contents("b"), "same"));
  EXPECT_EQ(client->ListAll({.bucket = "bkt"}).status().code(), Code::kInternal);
}

TEST_F(S3ClientTest, MapsErrors) {
  struct Case {
    std::string method;
    int status;
    std::string body;
    Code code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"GET", 404,
       "<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>R1</RequestId></Error>",
       Code::kNotFound, "NoSuchKey: gone (request id R1)"},
      {"GET", 404, "<Error><Code>NoSuchBucket</Code></Error>", Code::kNotFound,
       "NoSuchBucket (request id HDR)"},
      {"GET", 403,
       "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>"
       "</Error><RequestId>R2</RequestId></ErrorResponse>",
       Code::kPermissionDenied, "AccessDenied: no (request id R2)"},
      {"GET", 503, "<Error><Code>SlowDown</Code></Error>", Code::kUnavailable, "SlowDown"},
      {"GET", 500, "<Error><Code>InternalError</Code></Error>", Code::kUnavailable, "Internal"},
      {"GET", 502, "<html>bad gateway</html>", Code::kUnavailable, "HTTP 502"},
      {"GET", 400, "<Error><Code>RequestTimeout</Code></Error>", Code::kUnavailable, "Timeout"},
      {"GET", 400, "<Error><Code>InvalidArgument</Code></Error>", Code::kInvalidArgument,
       "InvalidArgument"},
      {"HEAD", 404, "", Code::kNotFound, "HTTP 404 (request id HDR)"},
      {"HEAD", 403, "", Code::kPermissionDenied, "HTTP 403"},
      {"HEAD", 301, "", Code::kFailedPrecondition, "bucket region is eu-west-2"},
      {"HEAD", 503, "", Code::kUnavailable, "HTTP 503"},
  };
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/1);
  for (const Case& c : cases) {
    transport_.Enqueue(c.status, c.body,
                       {{"x-amz-request-id", "HDR"}, {"x-amz-bucket-region", "eu-west-2"}});
    const Status status =
        c.method == "HEAD" ? client->HeadObject("bkt", "k").status()
                           : client->GetObjectToString({.bucket = "bkt", .key = "k"}, 10).status();
    EXPECT_EQ(status.code(), c.code) << c.status << " " << c.body << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.body;
  }
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(S3ClientTest, RetriesThrottlingServerErrorsAndTransportFailures) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/4);
  transport_.Enqueue(503, "<Error><Code>SlowDown</Code></Error>");
  transport_.Enqueue(500, "<Error><Code>InternalError</Code></Error>");
  transport_.EnqueueError(Status::Unavailable("connection reset"));
  transport_.Enqueue(200, "ok");
  Result<std::string> body = client->GetObjectToString({.bucket = "bkt", .key = "k"}, 10);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "ok");
  EXPECT_EQ(transport_.request_count(), 4u);
  // Full jitter: 1000 mod (cap + 1) with caps 100, 200, 400.
  EXPECT_EQ(sleeps_, (std::vector<int64_t>{91, 196, 198}));
}

TEST_F(S3ClientTest, GivesUpAfterMaxAttempts) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/3);
  for (int i = 0; i < 3; ++i) {
    transport_.Enqueue(503, "<Error><Code>SlowDown</Code></Error>");
  }
  const Status status = client->DeleteObject("bkt", "k");
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("after 3 attempts"));
  EXPECT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(S3ClientTest, DoesNotRetryClientErrorsOrStartedDownloads) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/4);
  transport_.Enqueue(403, "<Error><Code>AccessDenied</Code></Error>");
  EXPECT_EQ(client->DeleteObject("bkt", "k").code(), Code::kPermissionDenied);
  EXPECT_EQ(transport_.request_count(), 1u);

  transport_.Enqueue(200, "abc");
  Result<ObjectInfo> got = client->GetObject({.bucket = "bkt", .key = "k"}, [](std::string_view) {
    return Status::Unavailable("disk full");
  });
  EXPECT_EQ(got.status().message(), "disk full");
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_TRUE(sleeps_.empty());
}

}  // namespace
}  // namespace bucketflow::s3
