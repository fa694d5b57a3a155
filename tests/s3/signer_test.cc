#include "s3/signer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"

namespace bucketflow::s3 {
namespace {

// The worked examples of the S3 SigV4 documentation (us-east-1, 2013-05-24T00:00:00Z):
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
const Credentials kDocCredentials{.access_key_id = "AKIAIOSFODNN7EXAMPLE",
                                  .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
constexpr int64_t kDocTime = 1369353600;
const HeaderList kDocHost{{"Host", "examplebucket.s3.amazonaws.com"}};
const QueryParams kNoQuery;

std::string FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return "<missing>";
}

std::string DocSignature(const std::string& authorization) {
  return authorization.substr(authorization.rfind('=') + 1);
}

TEST(SignerTest, SignsS3DocumentationGetObject) {
  const HeaderList headers{{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  const Signer signer(S3SignerConfig("us-east-1"));
  auto added = signer.SignHeaders({.method = "GET",
                                   .path = "/test.txt",
                                   .query = kNoQuery,
                                   .headers = headers,
                                   .payload_hash = kEmptyPayloadSha256},
                                  kDocCredentials, kDocTime);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(FindHeader(*added, "X-Amz-Date"), "20130524T000000Z");
  EXPECT_EQ(FindHeader(*added, "X-Amz-Content-SHA256"), kEmptyPayloadSha256);
  EXPECT_EQ(FindHeader(*added, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SignerTest, SignsS3DocumentationSubresourceAndListQueries) {
  struct Case {
    QueryParams query;
    std::string_view signature;
  };
  const Case cases[] = {
      {{{"lifecycle", ""}}, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
      {{{"max-keys", "2"}, {"prefix", "J"}},
       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
  };
  const Signer signer(S3SignerConfig("us-east-1"));
  for (const Case& c : cases) {
    auto added = signer.SignHeaders({.method = "GET",
                                     .path = "/",
                                     .query = c.query,
                                     .headers = kDocHost,
                                     .payload_hash = kEmptyPayloadSha256},
                                    kDocCredentials, kDocTime);
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_EQ(DocSignature(FindHeader(*added, "Authorization")), c.signature);
  }
}

TEST(SignerTest, PresignsS3DocumentationUrl) {
  const Signer signer(S3SignerConfig("us-east-1"));
  auto params = signer.Presign({.method = "GET",
                                .path = "/test.txt",
                                .query = kNoQuery,
                                .headers = kDocHost,
                                .payload_hash = kUnsignedPayload},
                               kDocCredentials, kDocTime, 86400);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  const QueryParams want{
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
      {"X-Amz-Date", "20130524T000000Z"},
      {"X-Amz-Expires", "86400"},
      {"X-Amz-SignedHeaders", "host"},
      {"X-Amz-Signature", "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"},
  };
  EXPECT_EQ(*params, want);
}

TEST(SignerTest, SessionTokenIsSignedHeaderAndQueryParam) {
  Credentials creds = kDocCredentials;
  creds.session_token = "FQoGZXIvYXdzEXAMPLE";
  const Signer signer(S3SignerConfig("us-east-1"));
  const RequestToSign request{.method = "GET",
                              .path = "/test.txt",
                              .query = kNoQuery,
                              .headers = kDocHost,
                              .payload_hash = kUnsignedPayload};
  auto added = signer.SignHeaders(request, creds, kDocTime);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(FindHeader(*added, "X-Amz-Security-Token"), creds.session_token);
  EXPECT_NE(FindHeader(*added, "Authorization").find("x-amz-security-token"), std::string::npos);
  auto params = signer.Presign(request, creds, kDocTime, 60);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(FindHeader(*params, "X-Amz-Security-Token"), creds.session_token);
}

TEST(SignerTest, RejectsBadRequestsWithoutLeakingSecrets) {
  const HeaderList with_date{{"Host", "h"}, {"X-Amz-Date", "20130524T000000Z"}};
  const HeaderList with_auth{{"Host", "h"}, {"authorization", "x"}};
  const HeaderList no_host{{"Range", "bytes=0-1"}};
  struct Case {
    std::string_view method;
    std::string_view path;
    const HeaderList& headers;
    Credentials creds;
  };
  const Case cases[] = {
      {"GET", "/k", no_host, kDocCredentials},
      {"GET", "/k", with_date, kDocCredentials},
      {"GET", "/k", with_auth, kDocCredentials},
      {"", "/k", kDocHost, kDocCredentials},
      {"GET", "k", kDocHost, kDocCredentials},
      {"GET", "/k", kDocHost, {.access_key_id = "AKID", .secret_access_key = ""}},
      {"GET", "/k", kDocHost, {.access_key_id = "", .secret_access_key = "SECRETKEY"}},
  };
  const Signer signer(S3SignerConfig("us-east-1"));
  for (const Case& c : cases) {
    auto added = signer.SignHeaders({.method = c.method,
                                     .path = c.path,
                                     .query = kNoQuery,
                                     .headers = c.headers,
                                     .payload_hash = kEmptyPayloadSha256},
                                    c.creds, kDocTime);
    ASSERT_FALSE(added.ok()) << c.method << " " << c.path;
    EXPECT_EQ(added.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(added.status().message().find("SECRETKEY"), std::string::npos);
    EXPECT_EQ(added.status().message().find("wJalr"), std::string::npos);
  }
}

TEST(SignerTest, PresignRejectsBadExpiryAndOwnParams) {
  const Signer signer(S3SignerConfig("us-east-1"));
  const QueryParams clash{{"X-Amz-Signature", "forged"}};
  RequestToSign request{.method = "GET",
                        .path = "/k",
                        .query = kNoQuery,
                        .headers = kDocHost,
                        .payload_hash = kUnsignedPayload};
  for (int64_t expires : {int64_t{0}, int64_t{-5}, kMaxPresignExpiresSeconds + 1}) {
    EXPECT_EQ(signer.Presign(request, kDocCredentials, kDocTime, expires).status().code(),
              Code::kInvalidArgument)
        << expires;
  }
  EXPECT_TRUE(signer.Presign(request, kDocCredentials, kDocTime, kMaxPresignExpiresSeconds).ok());
  const RequestToSign clashing{.method = "GET",
                               .path = "/k",
                               .query = clash,
                               .headers = kDocHost,
                               .payload_hash = kUnsignedPayload};
  EXPECT_FALSE(signer.Presign(clashing, kDocCredentials, kDocTime, 60).ok());
  EXPECT_FALSE(signer.Presign(request, kDocCredentials, -1, 60).ok());
}

// The key cache must be invisible: same signatures as deriving every time, across dates,
// secrets and threads.
TEST(SignerTest, CachedKeysMatchUncached) {
  SignerConfig uncached_config = S3SignerConfig("eu-west-3");
  uncached_config.cache_signing_keys = false;
  const Signer cached(S3SignerConfig("eu-west-3"));
  const Signer uncached(std::move(uncached_config));
  const RequestToSign request{.method = "GET",
                              .path = "/k",
                              .query = kNoQuery,
                              .headers = kDocHost,
                              .payload_hash = kUnsignedPayload};
  auto sign_all = [&](const Signer& signer) {
    std::vector<std::string> out;
    for (int round = 0; round < 2; ++round) {
      for (int secret_idx = 0; secret_idx < 12; ++secret_idx) {  // More than the cache holds.
        for (int64_t day = 0; day < 3; ++day) {
          const Credentials creds{.access_key_id = "AKID",
                                  .secret_access_key = "secret" + std::to_string(secret_idx)};
          auto added = signer.SignHeaders(request, creds, kDocTime + day * 86400);
          out.push_back(added.ok() ? FindHeader(*added, "Authorization") : "error");
        }
      }
    }
    return out;
  };
  const std::vector<std::string> want = sign_all(uncached);
  EXPECT_EQ(sign_all(cached), want);
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& result : per_thread) {
    threads.emplace_back([&] { result = sign_all(cached); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& result : per_thread) {
    EXPECT_EQ(result, want);
  }
}

}  // namespace
}  // namespace bucketflow::s3
