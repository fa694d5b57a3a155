#include "onboarding/verify.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/random.h"
#include "onboarding/policies.h"
#include "onboarding/verify_internal.h"
#include "s3/credential_providers.h"

// The role and bucket checks, and the order of everything. A check that cannot pass because an
// earlier gate failed (no role, no bucket) is left out rather than failed again: one cause,
// one FAIL line, whose reason says what was not run.
namespace bucketflow::onboarding {
namespace {

using internal::AddFail;
using internal::AddPass;
using internal::AddWarn;

constexpr std::string_view kAssumeRole = "assume role";
constexpr std::string_view kExternalId = "external id enforced";
constexpr std::string_view kBucket = "bucket";
constexpr std::string_view kNotRun = " The checks that need it were not run.";
// STS's shortest session: verify needs the credentials for seconds.
constexpr int kSessionSeconds = 900;

std::unique_ptr<s3::StsClient> MakeSts(const VerifyTarget& target, VerifyDeps& deps) {
  s3::StsConfig config;
  config.endpoint =
      target.sts_endpoint.empty() ? s3::StsEndpointForRegion(target.region) : target.sts_endpoint;
  config.region = target.region;
  return std::make_unique<s3::StsClient>(std::move(config), deps.transport, deps.clock,
                                         deps.sts_hooks);
}

std::string AssumeRoleFix(const VerifyTarget& target, const Status& error) {
  switch (error.code()) {
    case Code::kNotFound:
      return "check --role-arn: no role " + target.role_arn + " exists at this endpoint";
    case Code::kPermissionDenied:
      return "the role's trust policy must allow Bucketflow's principal to call sts:AssumeRole" +
             std::string(
                 target.external_id.empty() ? "" : " with sts:ExternalId " + target.external_id) +
             " (bucketflow bucket plan prints it), and --role-arn must name that role";
    case Code::kUnavailable:
      return "check that STS answers at the endpoint (--sts-endpoint-url, --region)";
    default:
      return "check --role-arn and --external-id against the role (bucketflow bucket plan)";
  }
}

// AssumeRole with the configured External ID; the role's credentials on success.
std::optional<s3::Credentials> AssumeRole(const VerifyTarget& target, VerifyDeps& deps,
                                          s3::StsClient& sts, Report& report) {
  if (deps.role_credentials != nullptr) {
    Result<s3::Credentials> role = deps.role_credentials->Get();
    if (!role.ok()) {
      AddFail(report, kAssumeRole, role.status().message() + "." + std::string(kNotRun),
              AssumeRoleFix(target, role.status()));
      return std::nullopt;
    }
    AddPass(report, kAssumeRole, "temporary credentials for " + target.role_arn);
    return *role;
  }
  Result<s3::Credentials> base = deps.base_credentials.Get();
  if (!base.ok()) {
    AddFail(report, kAssumeRole,
            "no credentials of Bucketflow's own to call AssumeRole with: " +
                base.status().message() + "." + std::string(kNotRun),
            "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where instance "
            "or container credentials exist");
    return std::nullopt;
  }
  Result<s3::AssumedRole> assumed = sts.AssumeRole({.role_arn = target.role_arn,
                                                    .role_session_name = target.role_session_name,
                                                    .external_id = target.external_id,
                                                    .duration_seconds = kSessionSeconds},
                                                   *base);
  if (!assumed.ok()) {
    AddFail(report, kAssumeRole,
            "STS refused AssumeRole of " + target.role_arn + ": " + assumed.status().message() +
                "." + std::string(kNotRun),
            AssumeRoleFix(target, assumed.status()));
    return std::nullopt;
  }
  AddPass(report, kAssumeRole,
          "assumed " + target.role_arn +
              (target.external_id.empty() ? " (no External ID given)" : " with the External ID"));
  const s3::TemporaryCredentials& temporary = assumed->credentials;
  return s3::Credentials{.access_key_id = temporary.access_key_id,
                         .secret_access_key = temporary.secret_access_key,
                         .session_token = temporary.session_token,
                         .expires_at_ms = temporary.expiration_ms};
}

std::string ExternalIdFix(const VerifyTarget& target) {
  const std::string id = target.external_id.empty() ? "EXTERNAL_ID" : target.external_id;
  return "add \"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + id +
         "\"}} to the trust policy statement that allows sts:AssumeRole (radosgw never checks "
         "sts:ExternalId, so there this warning is expected)";
}

// The role must refuse AssumeRole without the External ID and with a wrong one.
void CheckExternalId(const VerifyTarget& target, VerifyDeps& deps, s3::StsClient& sts,
                     Report& report) {
  if (target.external_id.empty()) {
    AddWarn(report, kExternalId, "no External ID given: the confused-deputy defence is off",
            "generate one (bucketflow bucket plan) and " + ExternalIdFix(target));
    return;
  }
  Result<s3::Credentials> base = deps.base_credentials.Get();
  if (!base.ok()) {
    AddWarn(report, kExternalId, "could not check: " + base.status().message(),
            "make Bucketflow's own credentials available");
    return;
  }
  const std::pair<std::string, std::string> attempts[] = {
      {"without an External ID", ""},
      {"with a wrong External ID", "bucketflow-verify-wrong-" + RandomHex(8)}};
  std::string accepted;
  for (const auto& [what, external_id] : attempts) {
    Result<s3::AssumedRole> assumed = sts.AssumeRole({.role_arn = target.role_arn,
                                                      .role_session_name = target.role_session_name,
                                                      .external_id = external_id,
                                                      .duration_seconds = kSessionSeconds},
                                                     *base);
    if (assumed.ok()) {
      accepted += (accepted.empty() ? "" : " and ") + what;
    } else if (assumed.status().code() != Code::kPermissionDenied) {
      AddWarn(report, kExternalId,
              "could not check: AssumeRole " + what + " answered " + assumed.status().message(),
              "run verify again; if it persists, check the STS endpoint");
      return;
    }
  }
  if (!accepted.empty()) {
    AddWarn(
        report, kExternalId,
        "AssumeRole succeeded " + accepted + ": the role is open to the confused-deputy problem",
        ExternalIdFix(target));
    return;
  }
  AddPass(report, kExternalId,
          "AssumeRole without the External ID and with a wrong one is refused");
}

std::string BucketFix(const VerifyTarget& target, const Status& error) {
  switch (error.code()) {
    case Code::kNotFound:
      return "create the bucket (bucketflow bucket apply) or fix --bucket";
    case Code::kPermissionDenied:
      return internal::PolicyFix(target.bucket);
    case Code::kFailedPrecondition:
      return "the bucket is in another region: set --region to it";
    default:
      return "check --s3-endpoint-url, --region and --s3-addressing";
  }
}

// HeadBucket with the role, and the bucket's region against the configured one.
bool CheckBucket(const VerifyTarget& target, s3::S3Client& client, Report& report) {
  Result<std::string> region = client.HeadBucket(target.bucket);
  if (!region.ok()) {
    const std::string what = region.status().code() == Code::kNotFound
                                 ? "bucket " + target.bucket + " does not exist"
                                 : "the role cannot reach bucket " + target.bucket;
    AddFail(report, kBucket, what + ": " + region.status().message() + "." + std::string(kNotRun),
            BucketFix(target, region.status()));
    return false;
  }
  if (!region->empty() && *region != target.region) {
    AddFail(report, kBucket,
            "bucket " + target.bucket + " is in region " + *region + ", not " + target.region +
                ": presigned URLs and signatures would be wrong." + std::string(kNotRun),
            "set --region " + *region);
    return false;
  }
  AddPass(report, kBucket,
          "bucket " + target.bucket + " answers HeadBucket with the role" +
              (region->empty() ? " (the endpoint does not report its region)"
                               : " in region " + *region));
  return true;
}

std::unique_ptr<s3::S3Client> MakeClient(const VerifyTarget& target, VerifyDeps& deps,
                                         s3::CredentialsProvider& credentials, Report& report) {
  s3::S3ClientConfig config;
  config.region = target.region;
  config.endpoint = target.s3_endpoint;
  config.addressing_style = target.addressing;
  config.retry = deps.s3_retry;
  Result<std::unique_ptr<s3::S3Client>> client =
      s3::S3Client::Create(std::move(config), deps.transport, credentials, deps.clock);
  if (!client.ok()) {
    AddFail(report, kBucket, "bad S3 settings: " + client.status().message(),
            "check --s3-endpoint-url and --region");
    return nullptr;
  }
  return std::move(*client);
}

}  // namespace

bool Report::ok() const {
  for (const Check& check : checks) {
    if (check.outcome == Check::Outcome::kFail) {
      return false;
    }
  }
  return true;
}

Report VerifyBucket(const VerifyTarget& target, VerifyDeps& deps) {
  Report report;
  std::unique_ptr<s3::StsClient> sts = MakeSts(target, deps);
  std::optional<s3::Credentials> role = AssumeRole(target, deps, *sts, report);
  if (!role) {
    return report;
  }
  if (target.probe_external_id) {
    CheckExternalId(target, deps, *sts, report);
  }
  // Fixed for the seconds the checks take; the server's own provider refreshes for the long run.
  s3::StaticCredentialsProvider credentials(*role);
  std::unique_ptr<s3::S3Client> client = MakeClient(target, deps, credentials, report);
  if (client == nullptr || !CheckBucket(target, *client, report)) {
    return report;
  }
  internal::VerifyRun run{.target = target, .deps = deps, .client = *client, .report = report};
  internal::CheckProbeObject(run);
  if (target.probe_privileges) {
    internal::CheckLeastPrivilege(run);
    internal::CheckMultipartAbort(run);
  }
  return report;
}

}  // namespace bucketflow::onboarding
