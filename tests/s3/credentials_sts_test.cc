#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "s3/credentials_fakes.h"
#include "s3/sts_client.h"

namespace bucketflow::s3 {
namespace {

using credtest::AssumeRoleXml;
using credtest::HandlerTransport;
using credtest::HeaderOf;
using credtest::ManualClock;
using credtest::Reply;
using credtest::StsErrorXml;

const Credentials kCaller{.access_key_id = "AKIDCALLER",
                          .secret_access_key = "CALLERSECRET",
                          .session_token = "CALLERTOKEN"};
const AssumeRoleRequest kRequest{.role_arn = "arn:aws:iam::123456789012:role/bucket access",
                                 .role_session_name = "bucketflow-ws1",
                                 .external_id = "ext id+42/x",
                                 .duration_seconds = 900};

struct StsFixture {
  ManualClock clock{1'700'000'000'000};
  std::vector<int64_t> sleeps;
  RetryHooks hooks{.sleep = [this](int64_t ms) { sleeps.push_back(ms); },
                   .random = [] { return 0.5; }};
};

TEST(CredentialsStsTest, FormEncodesSpacesAsPercent20NeverPlus) {
  EXPECT_EQ(FormEncode({{"A", "b c"}, {"Ext", "x+y/z=&"}}), "A=b%20c&Ext=x%2By%2Fz%3D%26");
}

TEST(CredentialsStsTest, RegionalEndpoint) {
  EXPECT_EQ(StsEndpointForRegion("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(StsEndpointForRegion(""), "https://sts.amazonaws.com");
}

TEST(CredentialsStsTest, AssumeRoleSendsSignedFormWithExternalId) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200, AssumeRoleXml("ASIATEMP", "2023-11-14T23:13:20Z"));
  });
  StsClient sts({.endpoint = "http://127.0.0.1:8000", .region = "us-east-1"}, transport,
                fixture.clock, fixture.hooks);
  auto role = sts.AssumeRole(kRequest, kCaller);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.access_key_id, "ASIATEMP");
  EXPECT_EQ(role->credentials.expiration_ms, 1'700'003'600'000);
  ASSERT_EQ(transport.requests().size(), 1u);
  const http::ClientRequest sent = transport.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:8000/");
  EXPECT_EQ(sent.body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbucket%20access"
            "&RoleSessionName=bucketflow-ws1&ExternalId=ext%20id%2B42%2Fx&DurationSeconds=900");
  EXPECT_EQ(sent.body.find('+'), std::string::npos);
  EXPECT_EQ(HeaderOf(sent, "Host"), "127.0.0.1:8000");
  EXPECT_EQ(HeaderOf(sent, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Security-Token"), "CALLERTOKEN");
  EXPECT_EQ(HeaderOf(sent, "X-Amz-Date"), "20231114T221320Z");
  const std::string authorization = HeaderOf(sent, "Authorization");
  EXPECT_EQ(authorization.rfind("AWS4-HMAC-SHA256 Credential=AKIDCALLER/20231114/us-east-1/sts/"
                                "aws4_request",
                                0),
            0u)
      << authorization;
}

TEST(CredentialsStsTest, OmitsEmptyExternalId) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200, AssumeRoleXml("ASIATEMP", "2023-11-14T23:13:20Z"));
  });
  StsClient sts({}, transport, fixture.clock, fixture.hooks);
  AssumeRoleRequest request = kRequest;
  request.external_id.clear();
  ASSERT_TRUE(sts.AssumeRole(request, kCaller).ok());
  EXPECT_EQ(transport.requests()[0].body.find("ExternalId"), std::string::npos);
  EXPECT_EQ(transport.requests()[0].url, "https://sts.amazonaws.com/");
}

TEST(CredentialsStsTest, AccessDeniedSurfacesCodeMessageAndRequestIdWithoutSecrets) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(403, StsErrorXml("AccessDenied", "not authorized to assume role"));
  });
  StsClient sts({}, transport, fixture.clock, fixture.hooks);
  auto role = sts.AssumeRole(kRequest, kCaller);
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), Code::kPermissionDenied);
  const std::string& message = role.status().message();
  EXPECT_NE(message.find("AccessDenied"), std::string::npos) << message;
  EXPECT_NE(message.find("not authorized to assume role"), std::string::npos) << message;
  EXPECT_NE(message.find("req-42"), std::string::npos) << message;
  EXPECT_EQ(message.find("CALLERSECRET"), std::string::npos);
  EXPECT_EQ(message.find("CALLERTOKEN"), std::string::npos);
  EXPECT_EQ(transport.requests().size(), 1u) << "AccessDenied must not be retried";
  EXPECT_TRUE(fixture.sleeps.empty());
}

TEST(CredentialsStsTest, RetriesThrottlingAndServerErrorsWithJitteredBackoff) {
  StsFixture fixture;
  int call = 0;
  HandlerTransport transport([&call](const http::ClientRequest&) -> Result<http::ClientResponse> {
    switch (call++) {
      case 0:
        return Reply(400, StsErrorXml("Throttling", "Rate exceeded"));
      case 1:
        return Status::Unavailable("connection reset");
      case 2:
        return Reply(503, "<html>busy</html>");
      default:
        return Reply(200, AssumeRoleXml("ASIAOK", "2023-11-14T23:13:20Z"));
    }
  });
  StsClient sts({.max_attempts = 4, .backoff_base_ms = 100, .backoff_max_ms = 300}, transport,
                fixture.clock, fixture.hooks);
  auto role = sts.AssumeRole(kRequest, kCaller);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.access_key_id, "ASIAOK");
  // random() = 0.5 of caps 100, 200, 300 (400 clamped).
  EXPECT_EQ(fixture.sleeps, (std::vector<int64_t>{50, 100, 150}));
}

TEST(CredentialsStsTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(500, StsErrorXml("InternalFailure", "boom"));
  });
  StsClient sts({.max_attempts = 3}, transport, fixture.clock, fixture.hooks);
  auto role = sts.AssumeRole(kRequest, kCaller);
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.status().code(), Code::kUnavailable);
  EXPECT_NE(role.status().message().find("InternalFailure"), std::string::npos);
  EXPECT_NE(role.status().message().find("3 attempts"), std::string::npos);
  EXPECT_EQ(transport.requests().size(), 3u);
  EXPECT_EQ(fixture.sleeps.size(), 2u);
}

TEST(CredentialsStsTest, MalformedSuccessBodyAndBadEndpointAreErrors) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200, "not xml");
  });
  StsClient sts({}, transport, fixture.clock, fixture.hooks);
  EXPECT_FALSE(sts.AssumeRole(kRequest, kCaller).ok());
  StsClient bad({.endpoint = "sts.amazonaws.com"}, transport, fixture.clock, fixture.hooks);
  EXPECT_EQ(bad.AssumeRole(kRequest, kCaller).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(transport.requests().size(), 1u);
}

TEST(CredentialsStsTest, WebIdentityIsUnsignedAndCarriesTheToken) {
  StsFixture fixture;
  HandlerTransport transport([](const http::ClientRequest&) -> Result<http::ClientResponse> {
    return Reply(200,
                 AssumeRoleXml("ASIAWEB", "2023-11-14T23:13:20Z", "AssumeRoleWithWebIdentity"));
  });
  StsClient sts({}, transport, fixture.clock, fixture.hooks);
  auto role = sts.AssumeRoleWithWebIdentity(
      {.role_arn = "arn:r", .role_session_name = "s", .web_identity_token = "eyJ.tok en"});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->credentials.access_key_id, "ASIAWEB");
  const http::ClientRequest sent = transport.requests()[0];
  EXPECT_EQ(HeaderOf(sent, "Authorization"), "<missing>");
  EXPECT_NE(sent.body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_NE(sent.body.find("WebIdentityToken=eyJ.tok%20en"), std::string::npos);
}

}  // namespace
}  // namespace bucketflow::s3
