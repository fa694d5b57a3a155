#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/random.h"
#include "s3/credentials_fakes.h"
#include "s3/metadata_providers.h"

namespace bucketflow::s3 {
namespace {

using credtest::HandlerTransport;
using credtest::HeaderOf;
using credtest::ManualClock;
using credtest::Reply;

constexpr int64_t kStart = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr const char* kCredentialsJson =
    R"({"Code":"Success","AccessKeyId":"ASIAMETA","SecretAccessKey":"METASECRET",)"
    R"("Token":"METATOKEN","Expiration":"2023-11-14T23:13:20Z"})";

TEST(CredentialsMetadataTest, ParsesCredentialsJsonAndRejectsBadShapes) {
  auto credentials = ParseMetadataCredentials(kCredentialsJson);
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAMETA");
  EXPECT_EQ(credentials->session_token, "METATOKEN");
  EXPECT_EQ(credentials->expires_at_ms, kStart + 3'600'000);
  EXPECT_FALSE(ParseMetadataCredentials("not json").ok());
  EXPECT_FALSE(ParseMetadataCredentials("[1]").ok());
  EXPECT_FALSE(ParseMetadataCredentials(R"({"AccessKeyId":"A"})").ok());
  auto bad_time = ParseMetadataCredentials(
      R"({"AccessKeyId":"A","SecretAccessKey":"TOPSECRET","Expiration":"soon"})");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_EQ(bad_time.status().message().find("TOPSECRET"), std::string::npos);
  EXPECT_EQ(ParseMetadataCredentials(R"({"Code":"Failure"})").status().code(), Code::kUnavailable);
}

TEST(CredentialsMetadataTest, ContainerRelativeUriWithToken) {
  ManualClock clock(kStart);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200, kCredentialsJson);
  });
  auto provider = MakeContainerProvider(
      MapEnvironment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer xyz"}}),
      transport, clock);
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAMETA");
  ASSERT_TRUE(provider->Get().ok());
  ASSERT_EQ(transport.requests().size(), 1u) << "cached until near expiry";
  EXPECT_EQ(transport.requests()[0].url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(HeaderOf(transport.requests()[0], "Authorization"), "Bearer xyz");
  EXPECT_LE(transport.requests()[0].connect_timeout_ms, kMetadataTimeoutMs);
}

TEST(CredentialsMetadataTest, ContainerFullUriReadsTokenFileAndRejectsRemoteHttp) {
  const std::filesystem::path token_file =
      std::filesystem::temp_directory_path() / ("bf_ctoken_" + RandomHex(8));
  std::ofstream(token_file) << "file-token\n";
  ManualClock clock(kStart);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200, kCredentialsJson);
  });
  auto provider = MakeContainerProvider(
      MapEnvironment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/creds"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.string()}}),
      transport, clock);
  auto credentials = provider->Get();
  std::filesystem::remove(token_file);
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(HeaderOf(transport.requests()[0], "Authorization"), "file-token");
  auto remote = MakeContainerProvider(
      MapEnvironment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example.com/creds"}}),
      transport, clock);
  EXPECT_EQ(remote->Get().status().code(), Code::kInvalidArgument);
  EXPECT_EQ(transport.requests().size(), 1u);
}

TEST(CredentialsMetadataTest, ContainerUnsetIsNotFoundAndHttpErrorsSurface) {
  ManualClock clock(kStart);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(403, "denied");
  });
  EXPECT_EQ(MakeContainerProvider(MapEnvironment({}), transport, clock)->Get().status().code(),
            Code::kNotFound);
  auto denied = MakeContainerProvider(
      MapEnvironment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}}), transport, clock);
  EXPECT_EQ(denied->Get().status().code(), Code::kPermissionDenied);
}

TEST(CredentialsMetadataTest, ImdsV2TokenThenRoleThenCredentials) {
  ManualClock clock(kStart);
  HandlerTransport transport(
      [](const http::ClientRequest& request) -> Result<http::ClientResponse> {
        if (request.method == "PUT" && request.url == "http://127.0.0.1:1338/latest/api/token") {
          return Reply(200, "imds-session");
        }
        if (HeaderOf(request, "X-aws-ec2-metadata-token") != "imds-session") {
          return Reply(401, "");
        }
        if (request.url == "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/") {
          return Reply(200, "bucketflow-role\n");
        }
        if (request.url ==
            "http://127.0.0.1:1338/latest/meta-data/iam/security-credentials/bucketflow-role") {
          return Reply(200, kCredentialsJson);
        }
        return Reply(404, "");
      });
  auto provider = MakeImdsProvider(
      MapEnvironment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}}), transport,
      clock);
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAMETA");
  const auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(HeaderOf(requests[0], "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_LE(requests[0].connect_timeout_ms, kMetadataTimeoutMs);
  clock.Advance(56 * 60'000);  // 4 minutes left: refreshed.
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(transport.requests().size(), 6u);
}

TEST(CredentialsMetadataTest, ImdsDisabledOrUnreachableIsNotFound) {
  ManualClock clock(kStart);
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Status::Unavailable("connect timeout");
  });
  auto disabled =
      MakeImdsProvider(MapEnvironment({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}), transport, clock);
  EXPECT_EQ(disabled->Get().status().code(), Code::kNotFound);
  EXPECT_TRUE(transport.requests().empty());
  auto unreachable = MakeImdsProvider(MapEnvironment({}), transport, clock);
  auto credentials = unreachable->Get();
  EXPECT_EQ(credentials.status().code(), Code::kNotFound);
  EXPECT_NE(credentials.status().message().find("169.254.169.254"), std::string::npos);
}

}  // namespace
}  // namespace bucketflow::s3
