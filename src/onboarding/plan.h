#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

// `bucketflow bucket plan`: everything a bucket owner needs to set up DESIGN.md section 2's
// contract by hand, rendered as text, JSON or a CloudFormation template. Pure functions.
namespace bucketflow::onboarding {

// The flags as given; empty strings mean "not given".
struct PlanFlags {
  std::string bucket = {};
  std::string service_account = {};  // a 12-digit account id or an IAM principal ARN
  std::string external_id = {};
  std::string role_name = {};
  std::string policy_name = {};
  std::string ui_origin = {};
  std::string region = {};
  // Leaves sts:ExternalId out of the trust policy, for endpoints that reject every AssumeRole
  // when it is present (radosgw). The role is then open to the confused-deputy problem.
  bool without_external_id_condition = false;
};

// The validated inputs every rendering and `apply` work from.
struct Plan {
  std::string bucket;
  std::string principal_arn;
  std::string external_id;
  bool external_id_generated = false;  // then it must be handed to the Bucketflow operator
  std::string role_name;               // default "bucketflow-<bucket>"
  std::string policy_name;             // default "bucketflow-<bucket>-artifacts"
  std::string ui_origin;               // "" = any origin
  std::string region;                  // default "us-east-1"
  bool external_id_condition = true;
};

// Validates the flags (bucket name first: nothing is planned for a bad name) and fills in the
// defaults, generating an External ID with the CSPRNG when none is given. Errors are one line
// naming the flag.
Result<Plan> ResolvePlan(const PlanFlags& flags);

enum class PlanFormat { kText, kJson, kCloudFormation };
Result<PlanFormat> ParsePlanFormat(std::string_view name);  // text | json | cloudformation

// The permission policy `apply` attaches: with the recommended s3:AbortMultipartUpload.
std::string AppliedPermissionPolicy(const Plan& plan);
// The trust policy `apply` gives the role (with or without the sts:ExternalId condition).
std::string AppliedTrustPolicy(const Plan& plan);

// The lifecycle rule (put-bucket-lifecycle-configuration JSON) that aborts incomplete multipart
// uploads after a day: the alternative to granting s3:AbortMultipartUpload.
std::string AbortIncompleteUploadsLifecycleJson();

// Exact and deterministic for a given Plan. The text ends with a newline.
std::string RenderPlan(const Plan& plan, PlanFormat format);

}  // namespace bucketflow::onboarding
