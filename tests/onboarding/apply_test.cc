#include "onboarding/apply.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.h"
#include "onboarding/policies.h"
#include "s3/credential_providers.h"
#include "testing/fake_http_transport.h"

namespace bucketflow::onboarding {
namespace {

using testing::RecordedRequest;

class FixedClock final : public Clock {
 public:
  int64_t NowMillis() const override { return 1'700'000'000'000; }
};

std::string Xml(std::string_view root, std::string_view inner = "") {
  return "<" + std::string(root) + ">" + std::string(inner) + "</" + std::string(root) + ">";
}

std::string ErrorXml(std::string_view code) {
  return "<Error><Code>" + std::string(code) + "</Code><Message></Message></Error>";
}

// An in-memory S3 + IAM endpoint, just enough of both to apply a plan: one bucket, its CORS
// document, roles with trust policies and inline policies, and (unless `managed` is false, as
// on radosgw) managed policies. Counts the writes so tests can tell what changed.
class FakeEndpoint {
 public:
  bool managed = true;
  bool bucket_exists = false;
  std::optional<std::string> cors;
  std::map<std::string, std::string> trust;                            // role -> document
  std::map<std::pair<std::string, std::string>, std::string> inline_;  // (role, name) -> doc
  std::map<std::string, std::string> policies;                         // arn -> document
  std::map<std::string, std::vector<std::string>> attached;            // role -> arns
  std::vector<std::string> writes;

  Result<http::ClientResponse> Handle(const RecordedRequest& request) {
    if (request.method == "POST" && request.url == "http://fake/") {
      std::map<std::string, std::string> form;
      for (auto& [key, value] : ParseQuery(request.body)) {
        form[key] = value;
      }
      return Iam(form);
    }
    return S3(request);
  }

 private:
  http::ClientResponse S3(const RecordedRequest& request) {
    const bool cors_call = request.url.ends_with("?cors");
    if (request.method == "HEAD") {
      return testing::Respond(bucket_exists ? 200 : 404);
    }
    if (request.method == "PUT" && !cors_call) {
      writes.push_back("CreateBucket");
      bucket_exists = true;
      return testing::Respond(200);
    }
    if (request.method == "GET" && cors_call) {
      return cors ? testing::Respond(200, *cors)
                  : testing::Respond(404, ErrorXml("NoSuchCORSConfiguration"));
    }
    writes.push_back("PutBucketCors");
    cors = request.body;
    return testing::Respond(200);
  }

  static std::string RoleXml(std::string_view action, std::string_view name, std::string_view doc) {
    return Xml(std::string(action) + "Response",
               Xml(std::string(action) + "Result",
                   Xml("Role", Xml("RoleName", name) +
                                   Xml("Arn", "arn:aws:iam::123:role/" + std::string(name)) +
                                   Xml("AssumeRolePolicyDocument", UrlEncode(doc, false)))));
  }

  static std::string PolicyXml(std::string_view action, std::string_view arn) {
    return Xml(std::string(action) + "Response",
               Xml(std::string(action) + "Result",
                   Xml("Policy", Xml("Arn", arn) + Xml("DefaultVersionId", "v1"))));
  }

  http::ClientResponse Iam(std::map<std::string, std::string>& form) {
    const std::string action = form["Action"];
    const std::string role = form["RoleName"];
    const bool managed_action = action == "CreatePolicy" || action == "GetPolicy" ||
                                action == "GetPolicyVersion" || action == "AttachRolePolicy" ||
                                action == "CreatePolicyVersion" ||
                                action == "ListAttachedRolePolicies";
    if (managed_action && !managed) {
      return testing::Respond(405, ErrorXml("MethodNotAllowed"));
    }
    if (action == "GetRole") {
      return trust.contains(role) ? testing::Respond(200, RoleXml("GetRole", role, trust[role]))
                                  : testing::Respond(404, ErrorXml("NoSuchEntity"));
    }
    if (action == "CreateRole" || action == "UpdateAssumeRolePolicy") {
      writes.push_back(action);
      trust[role] =
          action == "CreateRole" ? form["AssumeRolePolicyDocument"] : form["PolicyDocument"];
      return testing::Respond(200, RoleXml(action, role, trust[role]));
    }
    if (action == "GetRolePolicy") {
      auto found = inline_.find({role, form["PolicyName"]});
      return found == inline_.end()
                 ? testing::Respond(404, ErrorXml("NoSuchEntity"))
                 : testing::Respond(
                       200, Xml("GetRolePolicyResponse",
                                Xml("GetRolePolicyResult", Xml("PolicyDocument", found->second))));
    }
    if (action == "PutRolePolicy") {
      writes.push_back(action);
      inline_[{role, form["PolicyName"]}] = form["PolicyDocument"];
      return testing::Respond(200, "<PutRolePolicyResponse/>");
    }
    return ManagedIam(action, form);
  }

  http::ClientResponse ManagedIam(const std::string& action,
                                  std::map<std::string, std::string>& form) {
    const std::string role = form["RoleName"];
    if (action == "ListAttachedRolePolicies") {
      std::string members;
      for (const std::string& arn : attached[role]) {
        members += Xml("member",
                       Xml("PolicyName", arn.substr(arn.rfind('/') + 1)) + Xml("PolicyArn", arn));
      }
      return testing::Respond(
          200, Xml("ListAttachedRolePoliciesResponse",
                   Xml("ListAttachedRolePoliciesResult", Xml("AttachedPolicies", members))));
    }
    if (action == "CreatePolicy") {
      const std::string arn = "arn:aws:iam::123:policy/" + form["PolicyName"];
      if (policies.contains(arn)) {
        return testing::Respond(409, ErrorXml("EntityAlreadyExists"));
      }
      writes.push_back(action);
      policies[arn] = form["PolicyDocument"];
      return testing::Respond(200, PolicyXml(action, arn));
    }
    const std::string arn = form["PolicyArn"];
    if (action == "GetPolicy") {
      return testing::Respond(200, PolicyXml(action, arn));
    }
    if (action == "GetPolicyVersion") {
      return testing::Respond(
          200, Xml("GetPolicyVersionResponse",
                   Xml("GetPolicyVersionResult",
                       Xml("PolicyVersion", Xml("Document", UrlEncode(policies[arn], false))))));
    }
    writes.push_back(action);
    if (action == "CreatePolicyVersion") {
      policies[arn] = form["PolicyDocument"];
    } else {
      attached[role].push_back(arn);
    }
    return testing::Respond(200, Xml(action + "Response"));
  }
};

class ApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_.SetHandler([this](const RecordedRequest& r) { return endpoint_.Handle(r); });
    s3::S3ClientConfig s3_config;
    s3_config.endpoint = "http://fake";
    s3_config.addressing_style = s3::AddressingStyle::kPath;
    s3_config.retry.max_attempts = 1;
    s3_ = s3::S3Client::Create(s3_config, transport_, credentials_, clock_).value();
    s3::IamConfig iam_config;
    iam_config.endpoint = "http://fake";
    iam_config.retry.max_attempts = 1;
    iam_ = s3::IamClient::Create(iam_config, transport_, credentials_, clock_).value();
    plan_ = *ResolvePlan(
        {.bucket = "bkt", .service_account = "arn:aws:iam:::user/tenant", .external_id = "ext-1"});
  }

  Result<ApplyResult> Apply(std::vector<std::string>* lines = nullptr) {
    endpoint_.writes.clear();
    return ApplyPlan(plan_, {.s3 = *s3_, .iam = *iam_}, [lines](const AppliedStep& step) {
      if (lines != nullptr) {
        lines->push_back(step.name + " " + std::string(StepOutcomeName(step.outcome)));
      }
    });
  }

  FakeEndpoint endpoint_;
  testing::FakeHttpTransport transport_;
  s3::StaticCredentialsProvider credentials_{
      s3::Credentials{.access_key_id = "AKID", .secret_access_key = "SECRET"}};
  FixedClock clock_;
  std::unique_ptr<s3::S3Client> s3_;
  std::unique_ptr<s3::IamClient> iam_;
  Plan plan_;
};

TEST_F(ApplyTest, CreatesEverythingWithAManagedPolicyThenChangesNothing) {
  std::vector<std::string> lines;
  Result<ApplyResult> first = Apply(&lines);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(lines, (std::vector<std::string>{"bucket created", "cors created", "role created",
                                             "policy created"}));
  EXPECT_TRUE(first->changed());
  EXPECT_EQ(first->role_arn, "arn:aws:iam::123:role/bucketflow-bkt");
  EXPECT_EQ(first->external_id, "ext-1");
  EXPECT_EQ(endpoint_.writes,
            (std::vector<std::string>{"CreateBucket", "PutBucketCors", "CreateRole", "CreatePolicy",
                                      "AttachRolePolicy"}));
  EXPECT_EQ(endpoint_.cors, CorsConfigurationXml(""));
  EXPECT_EQ(endpoint_.trust["bucketflow-bkt"],
            TrustPolicyJson("arn:aws:iam:::user/tenant", "ext-1"));
  EXPECT_EQ(endpoint_.policies["arn:aws:iam::123:policy/bucketflow-bkt-artifacts"],
            PermissionPolicyJson("bkt", true));

  lines.clear();
  Result<ApplyResult> second = Apply(&lines);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->changed());
  EXPECT_TRUE(endpoint_.writes.empty());
  EXPECT_EQ(lines, (std::vector<std::string>{"bucket unchanged", "cors unchanged", "role unchanged",
                                             "policy unchanged"}));
}

TEST_F(ApplyTest, FallsBackToAnInlinePolicyWhereManagedPoliciesAreUnimplemented) {
  endpoint_.managed = false;
  ASSERT_TRUE(Apply().ok());
  EXPECT_EQ(endpoint_.writes.back(), "PutRolePolicy");
  EXPECT_EQ((endpoint_.inline_[{"bucketflow-bkt", "bucketflow-bkt-artifacts"}]),
            PermissionPolicyJson("bkt", true));
  Result<ApplyResult> second = Apply();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->changed());
}

TEST_F(ApplyTest, RewritesOnlyWhatDiffers) {
  ASSERT_TRUE(Apply().ok());
  endpoint_.cors =
      "<CORSConfiguration><CORSRule><AllowedMethod>PUT</AllowedMethod>"
      "</CORSRule></CORSConfiguration>";
  endpoint_.policies["arn:aws:iam::123:policy/bucketflow-bkt-artifacts"] = R"({"Statement":[]})";
  std::vector<std::string> lines;
  ASSERT_TRUE(Apply(&lines).ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"bucket unchanged", "cors updated", "role unchanged",
                                             "policy updated"}));
  EXPECT_EQ(endpoint_.writes, (std::vector<std::string>{"PutBucketCors", "CreatePolicyVersion"}));
}

TEST_F(ApplyTest, UpdatesTheTrustPolicyWhenTheExternalIdChanges) {
  ASSERT_TRUE(Apply().ok());
  plan_.external_id = "ext-2";
  ASSERT_TRUE(Apply().ok());
  EXPECT_EQ(endpoint_.writes, std::vector<std::string>{"UpdateAssumeRolePolicy"});
  EXPECT_NE(endpoint_.trust["bucketflow-bkt"].find("ext-2"), std::string::npos);
}

TEST_F(ApplyTest, KeepsTheRolesExternalIdWhenNoneWasGiven) {
  ASSERT_TRUE(Apply().ok());
  plan_.external_id = GenerateExternalId();
  plan_.external_id_generated = true;
  Result<ApplyResult> again = Apply();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed());
  EXPECT_EQ(again->external_id, "ext-1");
  EXPECT_TRUE(again->external_id_reused);
}

TEST_F(ApplyTest, AttachesAnExistingUnattachedManagedPolicy) {
  endpoint_.policies["arn:aws:iam::123:policy/bucketflow-bkt-artifacts"] =
      PermissionPolicyJson("bkt", true);
  ASSERT_TRUE(Apply().ok());
  EXPECT_EQ(endpoint_.writes.back(), "AttachRolePolicy");
  EXPECT_EQ(endpoint_.attached["bucketflow-bkt"],
            std::vector<std::string>{"arn:aws:iam::123:policy/bucketflow-bkt-artifacts"});
}

TEST_F(ApplyTest, StopsAtTheFirstErrorNamingTheStep) {
  transport_.Enqueue(403, "");  // HeadBucket: someone else's bucket
  Result<ApplyResult> result = Apply();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(result.status().message().rfind("bucket: ", 0), 0u) << result.status().message();
  EXPECT_TRUE(endpoint_.writes.empty());
}

TEST(SameDocumentsTest, PolicyComparisonIgnoresRepresentation) {
  const std::string ours = TrustPolicyJson("arn:aws:iam:::user/tenant", "x");
  const std::string radosgw =
      R"({"Statement":[{"Condition":{"StringEquals":{"sts:ExternalId":["x"]}},)"
      R"("Action":["sts:AssumeRole"],"Principal":{"AWS":["arn:aws:iam:::user/tenant"]},)"
      R"("Effect":"Allow"}],"Version":"2012-10-17"})";
  EXPECT_TRUE(SamePolicyDocument(ours, radosgw));
  EXPECT_FALSE(SamePolicyDocument(ours, TrustPolicyJson("arn:aws:iam:::user/tenant", "y")));
  EXPECT_FALSE(
      SamePolicyDocument(PermissionPolicyJson("b", true), PermissionPolicyJson("b", false)));
  EXPECT_FALSE(SamePolicyDocument("not json", "{}"));
  EXPECT_TRUE(SamePolicyDocument("not json", "not json"));
}

TEST(SameDocumentsTest, CorsComparisonIgnoresOrderNamespaceAndIds) {
  const std::string rgw =
      "<CORSConfiguration><CORSRule><ID>r1</ID><AllowedMethod>GET</AllowedMethod>"
      "<AllowedOrigin>*</AllowedOrigin><AllowedHeader>*</AllowedHeader>"
      "<MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>";
  EXPECT_TRUE(SameCorsConfiguration(CorsConfigurationXml(""), rgw));
  EXPECT_FALSE(SameCorsConfiguration(CorsConfigurationXml("http://a.example"), rgw));
  EXPECT_FALSE(SameCorsConfiguration("<oops", rgw));
}

}  // namespace
}  // namespace bucketflow::onboarding
