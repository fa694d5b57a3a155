#include "onboarding/plan.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "onboarding/policies.h"

namespace bucketflow::onboarding {
namespace {

namespace json = boost::json;

constexpr std::string_view kDefaultRegion = "us-east-1";
constexpr size_t kMaxRoleName = 64;
constexpr size_t kMaxPolicyName = 128;

// IAM names: [\w+=,.@-], 1..max characters.
Status CheckIamName(std::string_view flag, std::string_view name, size_t max_size) {
  const bool size_ok = !name.empty() && name.size() <= max_size;
  const bool chars_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_+=,.@-").find(c) != std::string_view::npos;
  });
  if (!size_ok || !chars_ok) {
    return Status::InvalidArgument(flag, " '", name, "' must be 1 to ", max_size,
                                   " letters, digits or _+=,.@-");
  }
  return Status::Ok();
}

Status CheckRegion(std::string_view region) {
  const bool ok = !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  return ok ? Status::Ok()
            : Status::InvalidArgument("--region '", region,
                                      "' is not a region name (such as us-east-1)");
}

template <typename Fn>
Status Flagged(std::string_view flag, Fn&& check) {
  Status status = check();
  if (!status.ok()) {
    return Status(status.code(), std::string(flag) + ": " + status.message());
  }
  return status;
}

// Single-quoted for a POSIX shell.
std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::vector<std::string> AwsCliCommands(const Plan& plan) {
  std::string create_bucket = "aws s3api create-bucket --bucket " + plan.bucket;
  if (plan.region != kDefaultRegion) {
    create_bucket += " --create-bucket-configuration LocationConstraint=" + plan.region;
  }
  const std::string policy = AppliedPermissionPolicy(plan);
  return {
      create_bucket,
      "aws s3api put-bucket-cors --bucket " + plan.bucket + " --cors-configuration " +
          ShellQuote(R"({"CORSRules":)" + CorsRulesJson(plan.ui_origin) + "}"),
      "aws iam create-role --role-name " + plan.role_name + " --assume-role-policy-document " +
          ShellQuote(AppliedTrustPolicy(plan)),
      "aws iam create-policy --policy-name " + plan.policy_name + " --policy-document " +
          ShellQuote(policy),
      "aws iam attach-role-policy --role-name " + plan.role_name +
          " --policy-arn arn:aws:iam::ACCOUNT_ID:policy/" + plan.policy_name,
      "aws iam put-role-policy --role-name " + plan.role_name + " --policy-name " +
          plan.policy_name + " --policy-document " + ShellQuote(policy),
  };
}

void AddExternalIdNote(const Plan& plan, std::string& out) {
  out += "External ID: " + plan.external_id + "\n";
  if (plan.external_id_generated) {
    out +=
        "  Generated for this plan with a cryptographic RNG. Hand it, with the role ARN, to the\n"
        "  Bucketflow operator; run plan again with --external-id " +
        plan.external_id + " to get the same documents.\n";
  }
  if (!plan.external_id_condition) {
    out +=
        "  WARNING: the trust policy has no sts:ExternalId condition, so the role is open to\n"
        "  the confused-deputy problem. Use this only for endpoints that reject the condition.\n";
  }
}

std::string RenderText(const Plan& plan) {
  const std::vector<std::string> commands = AwsCliCommands(plan);
  std::string out = "Bucketflow onboarding plan for bucket " + plan.bucket + "\n\n";
  out += "1. Bucket " + plan.bucket + " (region " + plan.region + ") with this CORS rule:\n";
  out += "   " + CorsRulesJson(plan.ui_origin) + "\n\n";
  out += "2. Permission policy " + plan.policy_name + ":\n";
  out += "   " + AppliedPermissionPolicy(plan) + "\n";
  out +=
      "   The BucketflowAbortMultipart statement (s3:AbortMultipartUpload) is RECOMMENDED, not\n"
      "   required: it lets Bucketflow clean up failed large uploads. Without it the minimal\n"
      "   policy is:\n";
  out += "   " + PermissionPolicyJson(plan.bucket, false) + "\n";
  out += "   and the bucket should get this lifecycle rule, which aborts incomplete uploads:\n";
  out += "   " + AbortIncompleteUploadsLifecycleJson() + "\n\n";
  out += "3. Role " + plan.role_name + " with this trust policy (principal " + plan.principal_arn +
         "):\n";
  out += "   " + AppliedTrustPolicy(plan) + "\n\n";
  out +=
      "4. The same with the aws CLI (create-policy + attach-role-policy, or put-role-policy\n"
      "   where managed policies are unavailable, as on radosgw):\n";
  for (const std::string& command : commands) {
    out += "   " + command + "\n";
  }
  out += "   aws s3api put-bucket-lifecycle-configuration --bucket " + plan.bucket +
         " --lifecycle-configuration " + ShellQuote(AbortIncompleteUploadsLifecycleJson()) +
         "   # only without s3:AbortMultipartUpload\n\n";
  AddExternalIdNote(plan, out);
  return out;
}

std::string RenderJson(const Plan& plan) {
  json::object out;
  out["bucket"] = plan.bucket;
  out["region"] = plan.region;
  out["role_name"] = plan.role_name;
  out["policy_name"] = plan.policy_name;
  out["principal_arn"] = plan.principal_arn;
  out["external_id"] = plan.external_id;
  out["external_id_generated"] = plan.external_id_generated;
  out["external_id_condition"] = plan.external_id_condition;
  out["cors_rules"] = json::parse(CorsRulesJson(plan.ui_origin));
  out["permission_policy"] = json::parse(AppliedPermissionPolicy(plan));
  out["minimal_permission_policy"] = json::parse(PermissionPolicyJson(plan.bucket, false));
  out["lifecycle_configuration"] = json::parse(AbortIncompleteUploadsLifecycleJson());
  out["trust_policy"] = json::parse(AppliedTrustPolicy(plan));
  json::array commands;
  for (const std::string& command : AwsCliCommands(plan)) {
    commands.emplace_back(json::string(command));
  }
  out["aws_cli"] = std::move(commands);
  return json::serialize(out) + "\n";
}

// CloudFormation spells the CORS fields differently from S3's JSON (ExposedHeaders, MaxAge).
json::object CfnCorsRule(const Plan& plan) {
  const json::object rule = json::parse(CorsRulesJson(plan.ui_origin)).as_array().at(0).as_object();
  json::object out;
  out["AllowedHeaders"] = rule.at("AllowedHeaders");
  out["AllowedMethods"] = rule.at("AllowedMethods");
  out["AllowedOrigins"] = rule.at("AllowedOrigins");
  out["ExposedHeaders"] = rule.at("ExposeHeaders");
  out["MaxAge"] = rule.at("MaxAgeSeconds");
  return out;
}

json::object CfnResources(const Plan& plan) {
  json::object bucket_props;
  bucket_props["BucketName"] = plan.bucket;
  bucket_props["CorsConfiguration"] = json::object{{"CorsRules", json::array{CfnCorsRule(plan)}}};
  json::object policy;
  policy["PolicyName"] = plan.policy_name;
  policy["PolicyDocument"] = json::parse(AppliedPermissionPolicy(plan));
  json::object role_props;
  role_props["RoleName"] = plan.role_name;
  role_props["AssumeRolePolicyDocument"] = json::parse(AppliedTrustPolicy(plan));
  role_props["Policies"] = json::array{std::move(policy)};
  json::object resources;
  resources["ArtifactBucket"] =
      json::object{{"Type", "AWS::S3::Bucket"}, {"Properties", std::move(bucket_props)}};
  resources["BucketflowRole"] =
      json::object{{"Type", "AWS::IAM::Role"}, {"Properties", std::move(role_props)}};
  return resources;
}

std::string RenderCloudFormation(const Plan& plan) {
  json::object outputs;
  outputs["RoleArn"] =
      json::object{{"Description", "Give this to the Bucketflow operator"},
                   {"Value", json::object{{"Fn::GetAtt", json::array{"BucketflowRole", "Arn"}}}}};
  outputs["ExternalId"] = json::object{{"Description", "Give this to the Bucketflow operator"},
                                       {"Value", plan.external_id}};
  json::object doc;
  doc["AWSTemplateFormatVersion"] = "2010-09-09";
  doc["Description"] = "Bucketflow artifact bucket " + plan.bucket + " and its access role";
  doc["Resources"] = CfnResources(plan);
  doc["Outputs"] = std::move(outputs);
  return json::serialize(doc) + "\n";
}

}  // namespace

Result<Plan> ResolvePlan(const PlanFlags& flags) {
  Plan plan;
  RETURN_IF_ERROR(Flagged("--bucket", [&] { return ValidateBucketName(flags.bucket); }));
  plan.bucket = flags.bucket;
  Result<std::string> principal = PrincipalArnFor(flags.service_account);
  if (!principal.ok()) {
    return Status::InvalidArgument("--service-account: ", principal.status().message());
  }
  plan.principal_arn = *principal;
  if (flags.external_id.empty()) {
    plan.external_id = GenerateExternalId();
    plan.external_id_generated = true;
  } else {
    RETURN_IF_ERROR(
        Flagged("--external-id", [&] { return ValidateExternalId(flags.external_id); }));
    plan.external_id = flags.external_id;
  }
  plan.role_name = flags.role_name.empty() ? "bucketflow-" + plan.bucket : flags.role_name;
  RETURN_IF_ERROR(CheckIamName("--role-name", plan.role_name, kMaxRoleName));
  plan.policy_name =
      flags.policy_name.empty() ? "bucketflow-" + plan.bucket + "-artifacts" : flags.policy_name;
  RETURN_IF_ERROR(CheckIamName("--policy-name", plan.policy_name, kMaxPolicyName));
  RETURN_IF_ERROR(Flagged("--ui-origin", [&] { return ValidateUiOrigin(flags.ui_origin); }));
  plan.ui_origin = flags.ui_origin;
  plan.region = flags.region.empty() ? std::string(kDefaultRegion) : flags.region;
  RETURN_IF_ERROR(CheckRegion(plan.region));
  plan.external_id_condition = !flags.without_external_id_condition;
  return plan;
}

Result<PlanFormat> ParsePlanFormat(std::string_view name) {
  if (name == "text") {
    return PlanFormat::kText;
  }
  if (name == "json") {
    return PlanFormat::kJson;
  }
  if (name == "cloudformation") {
    return PlanFormat::kCloudFormation;
  }
  return Status::InvalidArgument("--format '", name, "' is not one of text, json, cloudformation");
}

std::string AppliedPermissionPolicy(const Plan& plan) {
  return PermissionPolicyJson(plan.bucket, /*allow_abort_multipart=*/true);
}

std::string AppliedTrustPolicy(const Plan& plan) {
  return plan.external_id_condition ? TrustPolicyJson(plan.principal_arn, plan.external_id)
                                    : TrustPolicyJsonWithoutExternalId(plan.principal_arn);
}

std::string AbortIncompleteUploadsLifecycleJson() {
  return R"({"Rules":[{"ID":"bucketflow-abort-incomplete-uploads","Status":"Enabled",)"
         R"("Filter":{"Prefix":""},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1}}]})";
}

std::string RenderPlan(const Plan& plan, PlanFormat format) {
  switch (format) {
    case PlanFormat::kText:
      return RenderText(plan);
    case PlanFormat::kJson:
      return RenderJson(plan);
    case PlanFormat::kCloudFormation:
      return RenderCloudFormation(plan);
  }
  return RenderText(plan);
}

}  // namespace bucketflow::onboarding
