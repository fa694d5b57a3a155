#include "onboarding/plan.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "onboarding/policies.h"

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

Plan FixedPlan() {
  Result<Plan> plan = ResolvePlan({.bucket = "art-bucket",
                                   .service_account = "123456789012",
                                   .external_id = "ext-42",
                                   .ui_origin = "https://ui.example.com"});
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return *plan;
}

TEST(PlanTest, ResolvesDefaults) {
  const Plan plan = FixedPlan();
  EXPECT_EQ(plan.principal_arn, "arn:aws:iam::123456789012:root");
  EXPECT_EQ(plan.role_name, "bucketflow-art-bucket");
  EXPECT_EQ(plan.policy_name, "bucketflow-art-bucket-artifacts");
  EXPECT_EQ(plan.region, "us-east-1");
  EXPECT_FALSE(plan.external_id_generated);
  EXPECT_TRUE(plan.external_id_condition);
}

TEST(PlanTest, GeneratesAnExternalIdWhenNoneIsGiven) {
  Result<Plan> plan = ResolvePlan({.bucket = "abc", .service_account = "123456789012"});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->external_id_generated);
  EXPECT_EQ(plan->external_id.size(), 32u);
  EXPECT_NE(RenderPlan(*plan, PlanFormat::kText)
                .find("Hand it, with the role ARN, to the\n"
                      "  Bucketflow operator"),
            std::string::npos);
}

TEST(PlanTest, RejectsBadFlagsNamingThem) {
  struct Case {
    PlanFlags flags;
    std::string_view fragment;
  };
  const Case cases[] = {
      {{.bucket = "Bad", .service_account = "123456789012"}, "--bucket: invalid bucket name"},
      {{.bucket = "abc", .service_account = "1234"}, "--service-account"},
      {{.bucket = "abc", .service_account = "123456789012", .external_id = "a b"}, "--external-id"},
      {{.bucket = "abc", .service_account = "123456789012", .role_name = "a/b"}, "--role-name"},
      {{.bucket = "abc", .service_account = "123456789012", .policy_name = "a b"}, "--policy-name"},
      {{.bucket = "abc", .service_account = "123456789012", .ui_origin = "https://x/"},
       "--ui-origin"},
      {{.bucket = "abc", .service_account = "123456789012", .region = "EU WEST"}, "--region"},
  };
  for (const Case& c : cases) {
    Result<Plan> plan = ResolvePlan(c.flags);
    ASSERT_FALSE(plan.ok()) << c.fragment;
    EXPECT_EQ(plan.status().code(), Code::kInvalidArgument);
    EXPECT_NE(plan.status().message().find(c.fragment), std::string::npos)
        << plan.status().message();
  }
}

TEST(PlanTest, TextHasEverySectionAndIsDeterministic) {
  const Plan plan = FixedPlan();
  const std::string text = RenderPlan(plan, PlanFormat::kText);
  EXPECT_EQ(text, RenderPlan(plan, PlanFormat::kText));
  for (const std::string& needle :
       {CorsRulesJson("https://ui.example.com"), PermissionPolicyJson("art-bucket", true),
        PermissionPolicyJson("art-bucket", false), TrustPolicyJson(plan.principal_arn, "ext-42"),
        AbortIncompleteUploadsLifecycleJson(), std::string("RECOMMENDED"),
        std::string("aws s3api create-bucket --bucket art-bucket\n"),
        std::string("aws s3api put-bucket-cors --bucket art-bucket"),
        std::string("aws iam create-role --role-name bucketflow-art-bucket"),
        std::string("aws iam put-role-policy --role-name bucketflow-art-bucket"),
        std::string("aws iam create-policy --policy-name bucketflow-art-bucket-artifacts"),
        std::string("aws iam attach-role-policy --role-name bucketflow-art-bucket"),
        std::string("External ID: ext-42\n")}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
  EXPECT_EQ(text.find("Bucketflow operator"), std::string::npos);
}

TEST(PlanTest, RegionOutsideUsEast1GetsALocationConstraint) {
  Result<Plan> plan = ResolvePlan({.bucket = "abc",
                                   .service_account = "123456789012",
                                   .external_id = "e1",
                                   .region = "eu-west-1"});
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(RenderPlan(*plan, PlanFormat::kText)
                .find("create-bucket --bucket abc --create-bucket-configuration "
                      "LocationConstraint=eu-west-1"),
            std::string::npos);
}

TEST(PlanTest, JsonHoldsEveryDocument) {
  const Plan plan = FixedPlan();
  const json::value doc = json::parse(RenderPlan(plan, PlanFormat::kJson));
  EXPECT_EQ(doc.at("external_id"), "ext-42");
  EXPECT_EQ(doc.at("external_id_generated"), false);
  EXPECT_EQ(json::serialize(doc.at("cors_rules")), CorsRulesJson("https://ui.example.com"));
  EXPECT_EQ(json::serialize(doc.at("permission_policy")), PermissionPolicyJson("art-bucket", true));
  EXPECT_EQ(json::serialize(doc.at("trust_policy")),
            TrustPolicyJson("arn:aws:iam::123456789012:root", "ext-42"));
  EXPECT_EQ(doc.at("aws_cli").as_array().size(), 6u);
}

TEST(PlanTest, CloudFormationTemplate) {
  const json::value doc = json::parse(RenderPlan(FixedPlan(), PlanFormat::kCloudFormation));
  const json::value& bucket = doc.at("Resources").at("ArtifactBucket");
  EXPECT_EQ(bucket.at("Type"), "AWS::S3::Bucket");
  EXPECT_EQ(json::serialize(bucket.at("Properties").at("CorsConfiguration")),
            R"({"CorsRules":[{"AllowedHeaders":["*"],"AllowedMethods":["GET"],)"
            R"("AllowedOrigins":["https://ui.example.com"],"ExposedHeaders":[],"MaxAge":3600}]})");
  const json::value& role = doc.at("Resources").at("BucketflowRole");
  EXPECT_EQ(role.at("Type"), "AWS::IAM::Role");
  EXPECT_EQ(json::serialize(role.at("Properties").at("AssumeRolePolicyDocument")),
            TrustPolicyJson("arn:aws:iam::123456789012:root", "ext-42"));
  EXPECT_EQ(role.at("Properties").at("Policies").at(0).at("PolicyName"),
            "bucketflow-art-bucket-artifacts");
  EXPECT_EQ(json::serialize(doc.at("Outputs").at("RoleArn").at("Value")),
            R"({"Fn::GetAtt":["BucketflowRole","Arn"]})");
  EXPECT_EQ(doc.at("Outputs").at("ExternalId").at("Value"), "ext-42");
}

TEST(PlanTest, WithoutTheConditionTheTrustPolicyHasNoneAndTheTextWarns) {
  Result<Plan> plan = ResolvePlan({.bucket = "abc",
                                   .service_account = "arn:aws:iam:::user/tenant",
                                   .external_id = "e1",
                                   .without_external_id_condition = true});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(AppliedTrustPolicy(*plan),
            TrustPolicyJsonWithoutExternalId("arn:aws:iam:::user/tenant"));
  EXPECT_NE(RenderPlan(*plan, PlanFormat::kText).find("confused-deputy"), std::string::npos);
}

TEST(PlanTest, ParsesFormats) {
  EXPECT_EQ(*ParsePlanFormat("text"), PlanFormat::kText);
  EXPECT_EQ(*ParsePlanFormat("json"), PlanFormat::kJson);
  EXPECT_EQ(*ParsePlanFormat("cloudformation"), PlanFormat::kCloudFormation);
  EXPECT_EQ(ParsePlanFormat("yaml").status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace bucketflow::onboarding
