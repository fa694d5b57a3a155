// VerifyBucket against a scripted S3 + STS (FakeHttpTransport with a routing handler): each
// misconfiguration gives the right outcome, reason and fix, and probe objects are cleaned up.
#include "onboarding/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "core/strings.h"
#include "onboarding/report.h"
#include "s3/credential_providers.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::onboarding {
namespace {

using ::bucketflow::testing::FakeHttpTransport;
using ::bucketflow::testing::RecordedRequest;
using ::bucketflow::testing::Respond;
using ::testing::HasSubstr;
using Outcome = Check::Outcome;

constexpr int64_t kNowMs = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr std::string_view kS3 = "http://s3.test";
constexpr std::string_view kSts = "http://sts.test";

class FixedClock : public Clock {
 public:
  int64_t NowMillis() const override { return kNowMs; }
};

std::string S3Error(std::string_view code) {
  return "<Error><Code>" + std::string(code) + "</Code><RequestId>REQ1</RequestId></Error>";
}

std::string AssumeRoleXml() {
  return "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>"
         "<Arn>arn:aws:sts::123456789012:assumed-role/bucketflow/v</Arn></AssumedRoleUser>"
         "<Credentials><AccessKeyId>ASIATEMP</AccessKeyId>"
         "<SecretAccessKey>tempsecret</SecretAccessKey><SessionToken>token</SessionToken>"
         "<Expiration>2023-11-14T23:13:20Z</Expiration></Credentials></AssumeRoleResult>"
         "</AssumeRoleResponse>";
}

// What the fake S3 and STS allow; every default is a correct setup.
struct World {
  bool role_exists = true;
  bool external_id_enforced = true;
  bool bucket_exists = true;
  std::string bucket_region = "";  // empty: no x-amz-bucket-region (as radosgw)
  bool objects_allowed = true;
  bool cors_rule = true;
  bool config_allowed = false;  // s3:* on *
  bool abort_allowed = true;
  std::map<std::string, std::string> objects = {};
  int uploads_left = 0;
};

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetHandler([this](const RecordedRequest& request) { return Handle(request); });
  }

  Report Run() {
    VerifyDeps deps{.base_credentials = base_, .transport = transport_, .clock = clock_};
    deps.s3_retry.max_attempts = 1;
    deps.sts_hooks.sleep = [](int64_t) {};
    return VerifyBucket(target_, deps);
  }

  Result<http::ClientResponse> Handle(const RecordedRequest& request) {
    if (request.url.starts_with(kSts)) {
      return Sts(request);
    }
    std::string path = request.url.substr(kS3.size());
    std::string query;
    if (const size_t mark = path.find('?'); mark != std::string::npos) {
      query = path.substr(mark + 1);
      path.resize(mark);
    }
    const size_t slash = path.find('/', 1);
    const std::string bucket = path.substr(1, slash == std::string::npos ? slash : slash - 1);
    const std::string key = slash == std::string::npos ? "" : path.substr(slash + 1);
    if (bucket == "other-bucket") {
      return world_.config_allowed ? Respond(200, "<ListBucketResult/>")
                                   : Respond(403, S3Error("AccessDenied"));
    }
    if (!world_.bucket_exists) {
      return Respond(404, request.method == "HEAD" ? "" : S3Error("NoSuchBucket"));
    }
    return key.empty() ? BucketCall(request, query) : ObjectCall(request, key, query);
  }

  http::ClientResponse Sts(const RecordedRequest& request) {
    ++assume_role_calls_;
    if (!world_.role_exists) {
      return Respond(404,
                     "<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>no role"
                     "</Message></Error><RequestId>STS1</RequestId></ErrorResponse>");
    }
    const bool right_id = request.body.find("ExternalId=ext-123&") != std::string::npos ||
                          request.body.ends_with("ExternalId=ext-123");
    if (world_.external_id_enforced && !right_id) {
      return Respond(403,
                     "<ErrorResponse><Error><Code>AccessDenied</Code></Error>"
                     "<RequestId>STS2</RequestId></ErrorResponse>");
    }
    return Respond(200, AssumeRoleXml());
  }

  http::ClientResponse BucketCall(const RecordedRequest& request, const std::string& query) {
    if (request.method == "HEAD") {
      http::Headers headers;
      if (!world_.bucket_region.empty()) {
        headers.emplace_back("x-amz-bucket-region", world_.bucket_region);
      }
      return world_.objects_allowed ? Respond(200, "", headers) : Respond(403);
    }
    if (query == "cors") {
      if (!world_.config_allowed) {
        return Respond(403, S3Error("AccessDenied"));
      }
      return request.method == "GET" ? Respond(200, "<CORSConfiguration/>")
                                     : Respond(400, S3Error("MalformedXML"));
    }
    if (!world_.objects_allowed) {
      return Respond(403, S3Error("AccessDenied"));
    }
    std::string listing = "<ListBucketResult><IsTruncated>false</IsTruncated>";
    for (const auto& [key, body] : world_.objects) {
      listing += "<Contents><Key>" + key + "</Key><Size>" + std::to_string(body.size()) +
                 "</Size></Contents>";
    }
    return Respond(200, listing + "</ListBucketResult>");
  }

  http::ClientResponse ObjectCall(const RecordedRequest& request, const std::string& key,
                                  const std::string& query) {
    const std::string decoded = UrlDecode(key, false).value_or(key);
    if (request.method == "OPTIONS" || request.Header("Origin")) {
      const bool cors = world_.cors_rule && request.Header("Origin");
      http::Headers headers;
      if (cors) {
        headers.emplace_back("Access-Control-Allow-Origin", "*");
      }
      const bool preflight_ok = request.method == "OPTIONS" ? cors : true;
      return Respond(preflight_ok ? 200 : 403, "", headers);
    }
    if (!world_.objects_allowed) {
      return Respond(403, S3Error("AccessDenied"));
    }
    if (query == "uploads") {
      ++world_.uploads_left;
      return Respond(200,
                     "<InitiateMultipartUploadResult><UploadId>U1</UploadId>"
                     "</InitiateMultipartUploadResult>");
    }
    if (query.starts_with("uploadId=")) {
      if (!world_.abort_allowed) {
        return Respond(403, S3Error("AccessDenied"));
      }
      --world_.uploads_left;
      return Respond(204);
    }
    if (request.method == "PUT") {
      world_.objects[decoded] = request.body;
      return Respond(200, "", {{"ETag", "\"e\""}});
    }
    if (request.method == "DELETE") {
      world_.objects.erase(decoded);
      return Respond(204);
    }
    auto found = world_.objects.find(decoded);
    return found == world_.objects.end() ? Respond(404, S3Error("NoSuchKey"))
                                         : Respond(200, found->second);
  }

  const Check* Find(const Report& report, std::string_view name) {
    for (const Check& check : report.checks) {
      if (check.name == name) {
        return &check;
      }
    }
    ADD_FAILURE() << "no check named " << name << " in\n" << RenderText(report);
    return nullptr;
  }

  World world_;
  VerifyTarget target_{.bucket = "artifacts-bkt",
                       .role_arn = "arn:aws:iam::123456789012:role/bucketflow",
                       .external_id = "ext-123",
                       .region = "us-east-1",
                       .s3_endpoint = std::string(kS3),
                       .sts_endpoint = std::string(kSts),
                       .addressing = s3::AddressingStyle::kPath};
  FakeHttpTransport transport_;
  s3::StaticCredentialsProvider base_{{.access_key_id = "AKIDBASE", .secret_access_key = "base"}};
  FixedClock clock_;
  int assume_role_calls_ = 0;
};

std::vector<std::string> Names(const Report& report) {
  std::vector<std::string> names;
  for (const Check& check : report.checks) {
    names.push_back(check.name);
  }
  return names;
}

TEST_F(VerifyTest, CorrectSetupPassesEveryCheckInOrder) {
  const Report report = Run();
  EXPECT_TRUE(report.ok()) << RenderText(report);
  EXPECT_EQ(Names(report),
            (std::vector<std::string>{"assume role", "external id enforced", "bucket", "put object",
                                      "get object", "list objects", "cors preflight", "cors get",
                                      "delete object", "least privilege: bucket configuration",
                                      "multipart abort"}));
  for (const Check& check : report.checks) {
    EXPECT_EQ(check.outcome, Outcome::kPass) << check.name << ": " << check.reason;
  }
  EXPECT_TRUE(world_.objects.empty());
  EXPECT_EQ(world_.uploads_left, 0);
  EXPECT_EQ(assume_role_calls_, 3);
  // The probe lives under the scratch prefix; the CORS requests carry the default origin.
  bool saw_preflight = false;
  for (const RecordedRequest& request : transport_.requests()) {
    if (request.method == "PUT" && request.url.find("/artifacts-bkt/") != std::string::npos &&
        request.url.find("uploadId") == std::string::npos) {
      EXPECT_THAT(request.url, HasSubstr("/artifacts-bkt/.bucketflow-verify/"));
    }
    if (request.method == "OPTIONS") {
      saw_preflight = true;
      EXPECT_EQ(request.Header("Origin").value_or(""), "https://bucketflow.invalid");
      EXPECT_EQ(request.Header("Access-Control-Request-Method").value_or(""), "GET");
      EXPECT_THAT(request.url, HasSubstr("X-Amz-Signature="));
    }
  }
  EXPECT_TRUE(saw_preflight);
}

TEST_F(VerifyTest, OpenTrustPolicyWarnsOfConfusedDeputy) {
  world_.external_id_enforced = false;
  const Report report = Run();
  EXPECT_TRUE(report.ok());
  const Check* check = Find(report, "external id enforced");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->outcome, Outcome::kWarn);
  EXPECT_THAT(check->reason, HasSubstr("without an External ID and with a wrong External ID"));
  EXPECT_THAT(check->reason, HasSubstr("confused-deputy"));
  EXPECT_THAT(check->fix, HasSubstr("\"sts:ExternalId\":\"ext-123\""));
}

TEST_F(VerifyTest, NoExternalIdIsAWarningAndNotProbed) {
  target_.external_id = "";
  world_.external_id_enforced = false;
  const Report report = Run();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(Find(report, "external id enforced")->outcome, Outcome::kWarn);
  EXPECT_EQ(assume_role_calls_, 1);
}

TEST_F(VerifyTest, WrongRoleStopsAfterAssumeRoleWithStsError) {
  world_.role_exists = false;
  const Report report = Run();
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.checks.size(), 1u) << RenderText(report);
  EXPECT_EQ(report.checks[0].outcome, Outcome::kFail);
  EXPECT_THAT(report.checks[0].reason, HasSubstr("NoSuchEntity: no role (request id STS1)"));
  EXPECT_THAT(report.checks[0].reason, HasSubstr("were not run"));
  EXPECT_THAT(report.checks[0].fix, HasSubstr("check --role-arn"));
}

TEST_F(VerifyTest, MissingBucketStopsAtHeadBucket) {
  world_.bucket_exists = false;
  const Report report = Run();
  EXPECT_FALSE(report.ok());
  const Check& last = report.checks.back();
  EXPECT_EQ(last.name, "bucket");
  EXPECT_EQ(last.outcome, Outcome::kFail);
  EXPECT_THAT(last.reason, HasSubstr("bucket artifacts-bkt does not exist"));
  EXPECT_THAT(last.fix, HasSubstr("bucketflow bucket apply"));
}

TEST_F(VerifyTest, RegionMismatchFails) {
  world_.bucket_region = "eu-west-2";
  const Report report = Run();
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.checks.back().reason, HasSubstr("is in region eu-west-2, not us-east-1"));
  EXPECT_EQ(report.checks.back().fix, "set --region eu-west-2");
}

TEST_F(VerifyTest, RoleWithoutPolicyFailsWithThePolicyToAttach) {
  world_.objects_allowed = false;
  const Report report = Run();
  EXPECT_FALSE(report.ok());
  const Check& bucket = report.checks.back();
  EXPECT_EQ(bucket.name, "bucket");
  EXPECT_THAT(bucket.reason, HasSubstr("the role cannot reach bucket artifacts-bkt"));
  EXPECT_THAT(bucket.fix, HasSubstr("\"arn:aws:s3:::artifacts-bkt/*\""));
  EXPECT_THAT(bucket.fix, HasSubstr("s3:ListBucket"));
}

TEST_F(VerifyTest, MissingCorsRuleFailsBothCorsChecksAndStillCleansUp) {
  world_.cors_rule = false;
  target_.ui_origin = "https://ui.example.com";
  const Report report = Run();
  EXPECT_FALSE(report.ok());
  for (std::string_view name : {"cors preflight", "cors get"}) {
    const Check* check = Find(report, name);
    ASSERT_NE(check, nullptr);
    EXPECT_EQ(check->outcome, Outcome::kFail);
    EXPECT_THAT(check->reason, HasSubstr("Origin https://ui.example.com"));
    EXPECT_THAT(check->reason, HasSubstr("without Access-Control-Allow-Origin"));
    EXPECT_THAT(check->fix, HasSubstr("\"AllowedOrigins\":[\"https://ui.example.com\"]"));
  }
  EXPECT_EQ(Find(report, "delete object")->outcome, Outcome::kPass);
  EXPECT_TRUE(world_.objects.empty());
}

TEST_F(VerifyTest, OverBroadPolicyWarns) {
  world_.config_allowed = true;
  target_.other_bucket = "other-bucket";
  const Report report = Run();
  EXPECT_TRUE(report.ok()) << RenderText(report);
  const Check* config = Find(report, "least privilege: bucket configuration");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->outcome, Outcome::kWarn);
  EXPECT_THAT(config->reason, HasSubstr("over-privileged"));
  EXPECT_THAT(config->fix, HasSubstr("exactly this permission policy"));
  const Check* other = Find(report, "least privilege: other bucket");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->outcome, Outcome::kWarn);
  EXPECT_THAT(other->reason, HasSubstr("list bucket other-bucket"));
  // The write probe sent a body that is not XML, so nothing could have changed.
  for (const RecordedRequest& request : transport_.requests()) {
    if (request.method == "PUT" && request.url.ends_with("?cors")) {
      EXPECT_EQ(request.body, "<CORSConfiguration><CORSRule>");
    }
  }
}

TEST_F(VerifyTest, LeastPrivilegeOnOtherBucketPasses) {
  target_.other_bucket = "other-bucket";
  const Report report = Run();
  EXPECT_EQ(Find(report, "least privilege: other bucket")->outcome, Outcome::kPass);
}

TEST_F(VerifyTest, DeniedAbortWarnsWithLifecycleRule) {
  world_.abort_allowed = false;
  const Report report = Run();
  EXPECT_TRUE(report.ok());
  const Check* check = Find(report, "multipart abort");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->outcome, Outcome::kWarn);
  EXPECT_THAT(check->fix, HasSubstr("AbortIncompleteMultipartUpload"));
  EXPECT_THAT(check->fix, HasSubstr("s3:AbortMultipartUpload"));
}

TEST_F(VerifyTest, InjectedRoleCredentialsMakeNoStsCall) {
  s3::StaticCredentialsProvider role({.access_key_id = "ASIAROLE", .secret_access_key = "r"});
  VerifyDeps deps{.base_credentials = base_,
                  .transport = transport_,
                  .clock = clock_,
                  .role_credentials = &role};
  deps.s3_retry.max_attempts = 1;
  target_.probe_external_id = false;
  const Report report = VerifyBucket(target_, deps);
  EXPECT_TRUE(report.ok()) << RenderText(report);
  EXPECT_EQ(assume_role_calls_, 0);
  EXPECT_EQ(report.checks.front().name, "assume role");
  EXPECT_EQ(report.checks[1].name, "bucket");
}

TEST_F(VerifyTest, WithoutPrivilegeProbesNoCorsCallAndNoUploadIsMade) {
  target_.probe_privileges = false;
  const Report report = Run();
  EXPECT_TRUE(report.ok()) << RenderText(report);
  for (const Check& check : report.checks) {
    EXPECT_FALSE(check.name.starts_with("least privilege")) << check.name;
    EXPECT_NE(check.name, "multipart abort");
  }
  EXPECT_NE(Find(report, "cors get"), nullptr);  // what the UI needs is still checked
  for (const RecordedRequest& request : transport_.requests()) {
    EXPECT_EQ(request.url.find("cors"), std::string::npos) << request.url;
    EXPECT_EQ(request.url.find("uploads"), std::string::npos) << request.url;
  }
}

TEST(ReportTest, RendersTextAndJson) {
  Report report;
  report.checks.push_back({.name = "bucket", .outcome = Check::Outcome::kPass, .reason = "ok"});
  report.checks.push_back({.name = "cors get",
                           .outcome = Check::Outcome::kFail,
                           .reason = "no \"ACAO\"",
                           .fix = "put"});
  report.checks.push_back(
      {.name = "multipart abort", .outcome = Check::Outcome::kWarn, .reason = "r", .fix = "f"});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(RenderText(report),
            "PASS  bucket: ok\n"
            "FAIL  cors get: no \"ACAO\"\n"
            "      fix: put\n"
            "WARN  multipart abort: r\n"
            "      fix: f\n"
            "1 passed, 1 warning, 1 failed\n");
  const boost::json::value json = boost::json::parse(RenderJson(report));
  EXPECT_EQ(json.at("ok").as_bool(), false);
  EXPECT_EQ(json.at("failed").as_int64(), 1);
  EXPECT_EQ(json.at("checks").as_array().size(), 3u);
  EXPECT_EQ(json.at("checks").at(1).at("outcome").as_string(), "fail");
  EXPECT_EQ(json.at("checks").at(1).at("reason").as_string(), "no \"ACAO\"");
  EXPECT_EQ(json.at("checks").at(0).at("fix").as_string(), "");
  EXPECT_TRUE(Report{}.ok());
}

}  // namespace
}  // namespace bucketflow::onboarding
