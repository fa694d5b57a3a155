// Bucket configuration calls of S3Client: CreateBucket, GetBucketCors, PutBucketCors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/crypto.h"
#include "s3/s3_client.h"
#include "s3/s3_client_test_support.h"

namespace bucketflow::s3 {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kCors =
    "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
    "<AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>";

TEST_F(S3ClientTest, CreateBucketInUsEast1SendsNoBody) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200);
  ASSERT_TRUE(client->CreateBucket("new-bucket", "us-east-1").ok());
  const RecordedRequest request = transport_.last_request();
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.url, "http://127.0.0.1:17580/new-bucket");
  EXPECT_EQ(request.body, "");
  EXPECT_EQ(Header(request, "X-Amz-Content-SHA256"), kEmptyPayloadSha256);

  transport_.Enqueue(200);
  ASSERT_TRUE(client->CreateBucket("other-bucket", "").ok());
  EXPECT_EQ(transport_.last_request().body, "");
}

TEST_F(S3ClientTest, CreateBucketElsewhereNamesTheLocation) {
  std::unique_ptr<S3Client> client = LocalClient();
  transport_.Enqueue(200);
  ASSERT_TRUE(client->CreateBucket("new-bucket", "eu-west-2").ok());
  const RecordedRequest request = transport_.last_request();
  EXPECT_EQ(request.body,
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>eu-west-2</LocationConstraint></CreateBucketConfiguration>");
  EXPECT_EQ(Header(request, "Content-Type"), "application/xml");
  EXPECT_EQ(Header(request, "X-Amz-Content-SHA256"), Sha256Hex(request.body));
}

TEST_F(S3ClientTest, CreateBucketMapsOwnership) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/1);
  transport_.Enqueue(409,
                     "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>yours</Message></Error>");
  const Status owned = client->CreateBucket("mine", "us-east-1");
  EXPECT_EQ(owned.code(), Code::kAlreadyExists) << owned.ToString();

  transport_.Enqueue(409, "<Error><Code>BucketAlreadyExists</Code></Error>");
  const Status taken = client->CreateBucket("theirs", "us-east-1");
  EXPECT_EQ(taken.code(), Code::kFailedPrecondition) << taken.ToString();
  EXPECT_THAT(taken.message(), HasSubstr("another account"));

  transport_.Enqueue(403, "<Error><Code>AccessDenied</Code></Error>");
  EXPECT_EQ(client->CreateBucket("denied", "us-east-1").code(), Code::kPermissionDenied);

  EXPECT_EQ(client->CreateBucket("a", "us-east-1").code(), Code::kInvalidArgument);
  EXPECT_EQ(transport_.request_count(), 3u);
}

TEST_F(S3ClientTest, GetBucketCorsReturnsTheDocument) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/1);
  transport_.Enqueue(200, std::string(kCors));
  Result<std::string> cors = client->GetBucketCors("bkt");
  ASSERT_TRUE(cors.ok()) << cors.status().ToString();
  EXPECT_EQ(*cors, kCors);
  EXPECT_EQ(transport_.last_request().method, "GET");
  EXPECT_EQ(transport_.last_request().url, "http://127.0.0.1:17580/bkt?cors");

  transport_.Enqueue(404, "<Error><Code>NoSuchCORSConfiguration</Code></Error>");
  EXPECT_EQ(client->GetBucketCors("bkt").status().code(), Code::kNotFound);
  transport_.Enqueue(403, "<Error><Code>AccessDenied</Code></Error>");
  EXPECT_EQ(client->GetBucketCors("bkt").status().code(), Code::kPermissionDenied);
}

TEST_F(S3ClientTest, PutBucketCorsSendsContentMd5) {
  std::unique_ptr<S3Client> client = LocalClient(/*max_attempts=*/1);
  transport_.Enqueue(200);
  ASSERT_TRUE(client->PutBucketCors("bkt", kCors).ok());
  const RecordedRequest request = transport_.last_request();
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.url, "http://127.0.0.1:17580/bkt?cors");
  EXPECT_EQ(request.body, kCors);
  // base64(md5(body)), computed with Python's hashlib.
  EXPECT_EQ(Header(request, "Content-MD5"), "HGv5UBbjdmR736tPepqsSQ==");
  EXPECT_EQ(Header(request, "Content-Type"), "application/xml");
  EXPECT_EQ(Header(request, "X-Amz-Content-SHA256"), Sha256Hex(kCors));
  // Content-MD5 is signed, so a proxy cannot swap the rules.
  EXPECT_THAT(Header(request, "Authorization"), HasSubstr("content-md5"));

  transport_.Enqueue(200);
  ASSERT_TRUE(client->PutBucketCors("bkt", "").ok());
  EXPECT_EQ(Header(transport_.last_request(), "Content-MD5"), "1B2M2Y8AsgTpgAmY7PhCfg==");

  transport_.Enqueue(400, "<Error><Code>MalformedXML</Code></Error>");
  const Status malformed = client->PutBucketCors("bkt", "<CORSConfiguration>");
  EXPECT_EQ(malformed.code(), Code::kInvalidArgument);
  EXPECT_THAT(malformed.message(), HasSubstr("MalformedXML"));
}

}  // namespace
}  // namespace bucketflow::s3
