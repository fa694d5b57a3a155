#include "s3/iam_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "s3/credential_providers.h"
#include "s3/credentials_fakes.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::s3 {
namespace {

using credtest::ManualClock;
using testing::FakeHttpTransport;

constexpr std::string_view kRgwRole =
    "<GetRoleResponse><GetRoleResult><Role><RoleId>a4b8</RoleId><RoleName>rec-role</RoleName>"
    "<Arn>arn:aws:iam:::role/rec-role</Arn><AssumeRolePolicyDocument>{&quot;Version&quot;:"
    "&quot;2012-10-17&quot;}</AssumeRolePolicyDocument></Role></GetRoleResult>"
    "</GetRoleResponse>";
constexpr std::string_view kAwsNoSuchEntity =
    "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender"
    "</Type><Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message>"
    "</Error><RequestId>req-1</RequestId></ErrorResponse>";

std::string RgwError(std::string_view code) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + std::string(code) +
         "</Code><Message></Message><RequestId>tx1</RequestId></Error>";
}

struct IamFixture {
  ManualClock clock{1'700'000'000'000};
  FakeHttpTransport transport;
  StaticCredentialsProvider credentials{
      Credentials{.access_key_id = "AKIDADMIN", .secret_access_key = "ADMINSECRET"}};
  std::unique_ptr<IamClient> client;

  explicit IamFixture(std::string endpoint = "http://127.0.0.1:7480") {
    IamConfig config;
    config.endpoint = std::move(endpoint);
    config.retry.max_attempts = 3;
    config.retry.sleep_ms = [](int64_t) {};
    config.retry.random = [] { return uint64_t{0}; };
    auto created = IamClient::Create(std::move(config), transport, credentials, clock);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    client = std::move(*created);
  }
};

TEST(IamClientTest, GetRoleSendsSignedQueryForm) {
  IamFixture fixture;
  fixture.transport.Enqueue(200, std::string(kRgwRole));
  Result<IamRole> role = fixture.client->GetRole("rec-role");
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->arn, "arn:aws:iam:::role/rec-role");
  EXPECT_EQ(role->role_name, "rec-role");
  EXPECT_EQ(role->role_id, "a4b8");
  EXPECT_EQ(role->assume_role_policy_document, R"({"Version":"2012-10-17"})");
  const testing::RecordedRequest sent = fixture.transport.last_request();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://127.0.0.1:7480/");
  EXPECT_EQ(sent.body, "Action=GetRole&Version=2010-05-08&RoleName=rec-role");
  EXPECT_EQ(sent.Header("Host"), "127.0.0.1:7480");
  EXPECT_EQ(sent.Header("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  const std::string authorization(sent.Header("Authorization").value_or(""));
  EXPECT_EQ(authorization.rfind(
                "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20231114/us-east-1/iam/aws4_request", 0),
            0u)
      << authorization;
}

TEST(IamClientTest, PolicyDocumentsAreEncodedWithPercent20NeverPlus) {
  IamFixture fixture;
  fixture.transport.Enqueue(200, "<PutRolePolicyResponse/>");
  ASSERT_TRUE(fixture.client->PutRolePolicy("r", "p", R"({"a":"b c+d"})").ok());
  const std::string body = fixture.transport.last_request().body;
  EXPECT_EQ(body,
            "Action=PutRolePolicy&Version=2010-05-08&RoleName=r&PolicyName=p"
            "&PolicyDocument=%7B%22a%22%3A%22b%20c%2Bd%22%7D");
}

TEST(IamClientTest, DecodesAwsUrlEncodedDocuments) {
  IamFixture fixture;
  fixture.transport.Enqueue(
      200,
      "<GetRolePolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
      "<GetRolePolicyResult><RoleName>r</RoleName><PolicyName>p</PolicyName><PolicyDocument>"
      "%7B%22Version%22%3A%222012-10-17%22%2C%22a%22%3A%22b+c%22%7D</PolicyDocument>"
      "</GetRolePolicyResult></GetRolePolicyResponse>");
  Result<std::string> doc = fixture.client->GetRolePolicy("r", "p");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(*doc, R"({"Version":"2012-10-17","a":"b+c"})");
}

TEST(IamClientTest, ErrorCodesMapToStatusCodes) {
  struct Case {
    int http_status;
    std::string body;
    Code code;
    std::string_view fragment;
  };
  const Case cases[] = {
      {404, std::string(kAwsNoSuchEntity), Code::kNotFound, "The role with name r"},
      {404, RgwError("NoSuchEntity"), Code::kNotFound, "NoSuchEntity (request id tx1)"},
      {409, RgwError("EntityAlreadyExists"), Code::kAlreadyExists, "EntityAlreadyExists"},
      {405, RgwError("MethodNotAllowed"), Code::kUnimplemented, "HTTP 405"},
      {501, RgwError("NotImplemented"), Code::kUnimplemented, "NotImplemented"},
      {403, RgwError("AccessDenied"), Code::kPermissionDenied, "AccessDenied"},
      {400, RgwError("MalformedPolicyDocument"), Code::kInvalidArgument, "Malformed"},
      {400, "not xml", Code::kInvalidArgument, "not an IAM error document"},
  };
  for (const Case& c : cases) {
    IamFixture fixture;
    fixture.transport.Enqueue(c.http_status, c.body);
    const Status status = fixture.client->GetRole("r").status();
    EXPECT_EQ(status.code(), c.code) << c.body;
    EXPECT_NE(status.message().find(c.fragment), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("IAM GetRole failed"), std::string::npos) << status.message();
    EXPECT_EQ(fixture.transport.request_count(), 1u);
  }
}

TEST(IamClientTest, RetriesThrottlingAndServerErrors) {
  IamFixture fixture;
  fixture.transport.Enqueue(503, RgwError("ServiceUnavailable"));
  fixture.transport.EnqueueError(Status::Unavailable("connection refused"));
  fixture.transport.Enqueue(200, std::string(kRgwRole));
  ASSERT_TRUE(fixture.client->GetRole("rec-role").ok());
  EXPECT_EQ(fixture.transport.request_count(), 3u);
}

TEST(IamClientTest, GivesUpAfterMaxAttempts) {
  IamFixture fixture;
  for (int attempt = 0; attempt < 3; ++attempt) {
    fixture.transport.Enqueue(500, RgwError("InternalError"));
  }
  const Status status = fixture.client->GetRole("r").status();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("gave up after 3 attempts"), std::string::npos);
}

TEST(IamClientTest, CreatePolicyAndListAttachedPages) {
  IamFixture fixture("https://iam.amazonaws.com");
  fixture.transport.Enqueue(
      200,
      "<CreatePolicyResponse><CreatePolicyResult><Policy><PolicyName>p</PolicyName>"
      "<DefaultVersionId>v1</DefaultVersionId><Arn>arn:aws:iam::123456789012:policy/p</Arn>"
      "</Policy></CreatePolicyResult></CreatePolicyResponse>");
  Result<IamPolicy> policy = fixture.client->CreatePolicy("p", "{}");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->arn, "arn:aws:iam::123456789012:policy/p");
  EXPECT_EQ(policy->default_version_id, "v1");
  EXPECT_EQ(fixture.transport.last_request().url, "https://iam.amazonaws.com/");

  fixture.transport.Enqueue(
      200,
      "<ListAttachedRolePoliciesResponse><ListAttachedRolePoliciesResult><AttachedPolicies>"
      "<member><PolicyName>a</PolicyName><PolicyArn>arn:a</PolicyArn></member>"
      "</AttachedPolicies><IsTruncated>true</IsTruncated><Marker>m1</Marker>"
      "</ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>");
  fixture.transport.Enqueue(
      200,
      "<ListAttachedRolePoliciesResponse><ListAttachedRolePoliciesResult><AttachedPolicies>"
      "<member><PolicyName>b</PolicyName><PolicyArn>arn:b</PolicyArn></member>"
      "</AttachedPolicies><IsTruncated>false</IsTruncated>"
      "</ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>");
  Result<std::vector<AttachedPolicy>> attached = fixture.client->ListAttachedRolePolicies("r");
  ASSERT_TRUE(attached.ok()) << attached.status().ToString();
  ASSERT_EQ(attached->size(), 2u);
  EXPECT_EQ((*attached)[1].policy_arn, "arn:b");
  EXPECT_NE(fixture.transport.last_request().body.find("&Marker=m1"), std::string::npos);
}

TEST(IamClientTest, MalformedSuccessBodyIsAnError) {
  IamFixture fixture;
  fixture.transport.Enqueue(200, "<GetRoleResponse><GetRoleResult/></GetRoleResponse>");
  EXPECT_EQ(fixture.client->GetRole("r").status().code(), Code::kInvalidArgument);
}

TEST(IamClientTest, RejectsBadEndpoint) {
  ManualClock clock{0};
  FakeHttpTransport transport;
  StaticCredentialsProvider credentials{
      Credentials{.access_key_id = "a", .secret_access_key = "b"}};
  for (const std::string_view endpoint : {"iam.amazonaws.com", "https://host/path", ""}) {
    auto created =
        IamClient::Create({.endpoint = std::string(endpoint)}, transport, credentials, clock);
    EXPECT_EQ(created.status().code(), Code::kInvalidArgument) << endpoint;
  }
}

TEST(IamClientTest, ResolvesEndpointFromFlagThenEnvironment) {
  EXPECT_EQ(ResolveIamEndpoint("http://flag", "http://iam", "http://any"), "http://flag");
  EXPECT_EQ(ResolveIamEndpoint("", "http://iam", "http://any"), "http://iam");
  EXPECT_EQ(ResolveIamEndpoint("", "", "http://any"), "http://any");
  EXPECT_EQ(ResolveIamEndpoint("", "", ""), "https://iam.amazonaws.com");
}

}  // namespace
}  // namespace bucketflow::s3
