// Multipart uploads, presigned URLs, config validation and the request helpers of S3Client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "s3/retry.h"
#include "s3/s3_client.h"
#include "s3/s3_client_test_support.h"
#include "s3/s3_request.h"

namespace bucketflow::s3 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(S3ClientTest, MultipartSequence) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200,
                     "<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>big</Key>"
                     "<UploadId>up/1+2</UploadId></InitiateMultipartUploadResult>");
  Result<std::string> upload_id = client->CreateMultipartUpload("bkt", "big", "text/csv");
  ASSERT_TRUE(upload_id.ok()) << upload_id.status().ToString();
  EXPECT_EQ(*upload_id, "up/1+2");
  EXPECT_EQ(transport_.last_request().method, "POST");
  EXPECT_EQ(transport_.last_request().url, "http://127.0.0.1:17580/bkt/big?uploads");
  EXPECT_EQ(Header(transport_.last_request(), "Content-Type"), "text/csv");

  std::vector<CompletedPart> parts;
  for (int part_number = 1; part_number <= 2; ++part_number) {
    const std::string etag = "\"e" + std::to_string(part_number) + "\"";
    transport_.Enqueue(200, "", {{"ETag", etag}});
    const std::string data(10, static_cast<char>('a' + part_number));
    Result<CompletedPart> part = client->UploadPart({.bucket = "bkt",
                                                     .key = "big",
                                                     .upload_id = *upload_id,
                                                     .part_number = part_number,
                                                     .body = {.data = data}});
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(part->etag, etag);
    EXPECT_EQ(transport_.last_request().method, "PUT");
    EXPECT_EQ(transport_.last_request().url,
              "http://127.0.0.1:17580/bkt/big?partNumber=" + std::to_string(part_number) +
                  "&uploadId=up%2F1%2B2");
    EXPECT_EQ(transport_.last_request().body, data);
    parts.push_back(*part);
  }

  transport_.Enqueue(200,
                     "<CompleteMultipartUploadResult><Bucket>bkt</Bucket><Key>big</Key>"
                     "<ETag>\"final-2\"</ETag></CompleteMultipartUploadResult>");
  Result<CompleteMultipartUploadResult> done =
      client->CompleteMultipartUpload("bkt", "big", *upload_id, parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "\"final-2\"");
  const RecordedRequest complete = transport_.last_request();
  EXPECT_EQ(complete.method, "POST");
  EXPECT_EQ(complete.url, "http://127.0.0.1:17580/bkt/big?uploadId=up%2F1%2B2");
  EXPECT_EQ(complete.body, BuildCompleteMultipartUploadBody(parts));
  EXPECT_EQ(Header(complete, "X-Amz-Content-SHA256"), Sha256Hex(complete.body));

  transport_.Enqueue(204);
  ASSERT_TRUE(client->AbortMultipartUpload("bkt", "big", *upload_id).ok());
  EXPECT_EQ(transport_.last_request().method, "DELETE");
  EXPECT_EQ(transport_.last_request().url, "http://127.0.0.1:17580/bkt/big?uploadId=up%2F1%2B2");
  EXPECT_EQ(transport_.pending(), 0u);
}

TEST_F(S3ClientTest, CompleteReportsAnErrorSentWith200) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/1);
  transport_.Enqueue(200, "<Error><Code>InvalidPart</Code><Message>bad etag</Message></Error>");
  Result<CompleteMultipartUploadResult> done =
      client->CompleteMultipartUpload("bkt", "big", "u", {{.part_number = 1, .etag = "\"e\""}});
  EXPECT_EQ(done.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(done.status().message(), HasSubstr("InvalidPart"));
}

TEST_F(S3ClientTest, CompleteRetriesAnInternalErrorSentWith200) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/3);
  transport_.Enqueue(200, "<Error><Code>InternalError</Code></Error>");
  transport_.Enqueue(
      200,
      "<CompleteMultipartUploadResult><Bucket>bkt</Bucket><Key>big</Key><ETag>\"f\"</ETag>"
      "</CompleteMultipartUploadResult>");
  Result<CompleteMultipartUploadResult> done =
      client->CompleteMultipartUpload("bkt", "big", "u", {{.part_number = 1, .etag = "\"e\""}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "\"f\"");
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(S3ClientTest, RejectsBadMultipartArgumentsWithoutSending) {
  std::unique_ptr<S3Client> client = LocalClient();
  EXPECT_EQ(client
                ->UploadPart({.bucket = "bkt",
                              .key = "k",
                              .upload_id = "u",
                              .part_number = 0,
                              .body = {.data = "x"}})
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(client->UploadPart({.bucket = "bkt", .key = "k", .upload_id = "u", .part_number = 1})
                .status()
                .code(),
            Code::kInvalidArgument);  // no body at all
  EXPECT_EQ(
      client
          ->CompleteMultipartUpload(
              "bkt", "k", "u", {{.part_number = 2, .etag = "a"}, {.part_number = 1, .etag = "b"}})
          .status()
          .code(),
      Code::kInvalidArgument);
  EXPECT_EQ(client->AbortMultipartUpload("bkt", "k", "").code(), Code::kInvalidArgument);
  EXPECT_EQ(client->DeleteObject("bkt", "").code(), Code::kInvalidArgument);
  EXPECT_EQ(client->DeleteObject("b/d", "k").code(), Code::kInvalidArgument);
  EXPECT_EQ(client->HeadObject("bkt", "\xFF").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(transport_.request_count(), 0u);
}

std::string QueryValue(const std::string& url, const std::string& name) {
  const size_t start = url.find(name + "=");
  if (start == std::string::npos) {
    return "<absent>";
  }
  const size_t value = start + name.size() + 1;
  return url.substr(value, url.find('&', value) - value);
}

TEST_F(S3ClientTest, PresignClampsExpiryToCredentialsAndSevenDays) {
  credentials_.credentials.session_token = "TOK/EN";
  credentials_.credentials.expires_at_ms = kNowMs + 600'500;
  std::unique_ptr<S3Client> client = LocalClient();
  Result<std::string> url =
      client->PresignGetObject({.bucket = "bkt", .key = "a b", .expires_seconds = 3600});
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_THAT(*url, StartsWith("http://127.0.0.1:17580/bkt/a%20b?X-Amz-Algorithm="));
  EXPECT_EQ(QueryValue(*url, "X-Amz-Expires"), "600");
  EXPECT_EQ(QueryValue(*url, "X-Amz-Security-Token"), "TOK%2FEN");
  EXPECT_EQ(QueryValue(*url, "X-Amz-Date"), "20231114T221320Z");
  EXPECT_EQ(QueryValue(*url, "X-Amz-SignedHeaders"), "host");
  EXPECT_EQ(QueryValue(*url, "X-Amz-Signature").size(), 64u);
  EXPECT_EQ(transport_.request_count(), 0u);

  credentials_.credentials.expires_at_ms = 0;
  url = client->PresignGetObject({.bucket = "bkt", .key = "k", .expires_seconds = 30 * 86400});
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(QueryValue(*url, "X-Amz-Expires"), "604800");

  credentials_.credentials.expires_at_ms = kNowMs + 500;
  EXPECT_EQ(client->PresignGetObject({.bucket = "bkt", .key = "k"}).status().code(),
            Code::kFailedPrecondition);
  credentials_.credentials.expires_at_ms = 0;
  EXPECT_EQ(
      client->PresignGetObject({.bucket = "bkt", .key = "k", .expires_seconds = 0}).status().code(),
      Code::kInvalidArgument);
}

TEST_F(S3ClientTest, PresignsUploadPart) {
  std::unique_ptr<S3Client> client = MakeClient({.region = "us-west-2"});
  Result<std::string> url = client->PresignUploadPart(
      {.bucket = "bkt", .key = "dir/f.bin", .expires_seconds = 900}, "u+1", 3);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_THAT(*url, StartsWith("https://bkt.s3.us-west-2.amazonaws.com/dir/f.bin?partNumber=3"
                               "&uploadId=u%2B1&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  EXPECT_THAT(QueryValue(*url, "X-Amz-Credential"),
              HasSubstr("AKIDEXAMPLE%2F20231114%2Fus-west-2%2Fs3%2Faws4_request"));
  EXPECT_THAT(*url, Not(HasSubstr("X-Amz-Security-Token")));
}

TEST(S3ClientConfigTest, RejectsBadConfigs) {
  FakeHttpTransport transport;
  StaticProvider credentials;
  FixedClock clock;
  const std::vector<S3ClientConfig> bad = {
      {.region = ""},
      {.endpoint = "ftp://host"},
      {.endpoint = "http://host/base/path"},
      {.endpoint = "http://host:99999"},
      {.endpoint = "http://"},
      {.retry = {.max_attempts = 0}},
      {.retry = {.base_delay_ms = 10, .max_delay_ms = 5}},
      {.multipart_part_size = 1024},
      {.idle_timeout_ms = -1},
  };
  for (const S3ClientConfig& config : bad) {
    Result<std::unique_ptr<S3Client>> client =
        S3Client::Create(config, transport, credentials, clock);
    EXPECT_EQ(client.status().code(), Code::kInvalidArgument) << config.endpoint;
  }
  Result<std::unique_ptr<S3Client>> good = S3Client::Create({}, transport, credentials, clock);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ((*good)->config().endpoint, "https://s3.us-east-1.amazonaws.com");
}

TEST(S3RequestTest, ParsesEndpoints) {
  Result<Endpoint> https = ParseEndpoint("https://S3.example.com:443/");
  ASSERT_TRUE(https.ok()) << https.status().ToString();
  EXPECT_EQ(https->authority, "s3.example.com");
  Result<Endpoint> local = ParseEndpoint("http://127.0.0.1:17580");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->host, "127.0.0.1");
  EXPECT_EQ(local->authority, "127.0.0.1:17580");
  EXPECT_FALSE(IsAwsEndpoint(*local));
  EXPECT_TRUE(IsAwsEndpoint(*ParseEndpoint("https://s3.eu-west-1.amazonaws.com")));
}

TEST(S3RequestTest, EncodesKeysPerSegment) {
  EXPECT_EQ(EncodeKey("a b/c+d/\xE2\x82\xAC~_-.txt"), "a%20b/c%2Bd/%E2%82%AC~_-.txt");
  EXPECT_EQ(EncodeKey("x%20y"), "x%2520y");
  EXPECT_EQ(EncodeQuery({{"uploads", ""}, {"a b", "c/d"}}), "uploads&a%20b=c%2Fd");
}

TEST(S3RequestTest, ParsesHttpDates) {
  Result<int64_t> ms = ParseHttpDate("Thu, 01 Jan 1970 00:00:01 GMT");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, 1000);
  for (const char* bad : {"", "Thu, 01 Foo 1970 00:00:01 GMT", "Thu, 31 Feb 2020 00:00:00 GMT",
                          "Thu, 01 Jan 1970 25:00:00 GMT", "2026-11-26T17:32:15Z"}) {
    EXPECT_FALSE(ParseHttpDate(bad).ok()) << bad;
  }
}

TEST(RetryTest, BackoffIsJitteredAndCapped) {
  RetryPolicy policy{.base_delay_ms = 100, .max_delay_ms = 1000};
  policy.random = [] { return ~uint64_t{0}; };
  int64_t previous_cap = 0;
  for (int retry = 0; retry < 40; ++retry) {
    const int64_t delay = BackoffDelayMs(policy, retry);
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, 1000);
    previous_cap = std::max(previous_cap, delay);
  }
  EXPECT_GT(previous_cap, 500);
  policy.random = [] { return uint64_t{0}; };
  EXPECT_EQ(BackoffDelayMs(policy, 3), 0);
}

}  // namespace
}  // namespace bucketflow::s3
