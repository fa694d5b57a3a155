#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "onboarding/plan.h"
#include "s3/iam_client.h"
#include "s3/s3_client.h"

// `bucketflow bucket apply`: makes an endpoint match a Plan with the bucket owner's admin
// credentials, touching only what differs, so that a second run changes nothing.
namespace bucketflow::onboarding {

enum class StepOutcome { kCreated, kUpdated, kUnchanged };
std::string_view StepOutcomeName(StepOutcome outcome);  // "created", "updated", "unchanged"

struct AppliedStep {
  std::string name;  // "bucket", "cors", "role", "policy"
  StepOutcome outcome = StepOutcome::kUnchanged;
  std::string detail;  // "bucket b", "inline role policy p (managed policies unsupported)"
};

struct ApplyResult {
  std::vector<AppliedStep> steps;
  std::string role_arn;     // as the endpoint reported it (radosgw's has an empty account)
  std::string external_id;  // the one the trust policy requires now
  // The plan's External ID was generated but the role already required one: that one was
  // kept, so that the operator's copy stays valid and a second run changes nothing.
  bool external_id_reused = false;
  bool changed() const;
};

// Borrowed clients, both signing with the owner's admin credentials.
struct ApplyClients {
  s3::S3Client& s3;
  s3::IamClient& iam;
};

// In order: the bucket (HeadBucket, then CreateBucket when missing), its CORS rule
// (GetBucketCors, PutBucketCors when different), the role (GetRole, CreateRole when missing,
// UpdateAssumeRolePolicy when its trust policy differs), the permission policy (a managed policy
// created and attached; where the endpoint answers kUnimplemented, as radosgw does, an inline
// role policy; rewritten only when different). When the plan's External ID was generated and
// the role exists with one, the existing one is kept. `on_step` sees each step as it completes, so
// a failure part-way still shows what was done. The first error stops the run and is returned,
// naming the step.
Result<ApplyResult> ApplyPlan(Plan plan, ApplyClients clients,
                              const std::function<void(const AppliedStep&)>& on_step);

// Whether two IAM policy documents say the same thing: key order, a single string versus a
// one-element list, list order and URL-decoding differences (AWS and radosgw normalise what
// they store) are ignored. Documents that are not JSON are equal only when byte-identical.
bool SamePolicyDocument(std::string_view a, std::string_view b);

// Whether two <CORSConfiguration> documents hold the same rules (element order within a rule,
// namespaces, whitespace and rule IDs ignored).
bool SameCorsConfiguration(std::string_view a, std::string_view b);

}  // namespace bucketflow::onboarding
