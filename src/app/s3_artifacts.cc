#include "app/s3_artifacts.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "onboarding/report.h"
#include "onboarding/verify.h"
#include "s3/assume_role_provider.h"
#include "s3/credential_providers.h"
#include "s3/credentials.h"

namespace bucketflow::app {
namespace {

std::string Location(const S3ArtifactsConfig& config) {
  std::string uri = "s3://" + config.bucket;
  if (!config.prefix.empty()) {
    uri += "/" + config.prefix;
  }
  return uri;
}

std::string Describe(const S3ArtifactsConfig& config) {
  std::string text = Location(config) + " (region " + config.region;
  if (!config.s3_endpoint.empty()) {
    text += ", endpoint " + config.s3_endpoint;
  }
  if (!config.role_arn.empty()) {
    text += ", role " + config.role_arn;
  }
  return text + ")";
}

}  // namespace

Result<std::unique_ptr<S3Artifacts>> S3Artifacts::Open(const S3ArtifactsConfig& config,
                                                       const Clock& clock) {
  std::unique_ptr<S3Artifacts> s3(new S3Artifacts());
  RETURN_IF_ERROR(s3->Connect(config, clock));
  return s3;
}

Status S3Artifacts::Connect(const S3ArtifactsConfig& config, const Clock& clock) {
  description_ = Describe(config);
  transport_ = http::MakeCurlTransport({});
  ASSIGN_OR_RETURN(s3::CredentialsProvider * credentials, MakeCredentials(config, clock));
  s3::S3ClientConfig client_config;
  client_config.region = config.region;
  client_config.endpoint = config.s3_endpoint;
  client_config.addressing_style = config.addressing;
  Result<std::unique_ptr<s3::S3Client>> client =
      s3::S3Client::Create(std::move(client_config), *transport_, *credentials, clock);
  if (!client.ok()) {
    return Status::InvalidArgument("S3 client for ", Location(config), ": ",
                                   client.status().message());
  }
  client_ = std::move(*client);
  RETURN_IF_ERROR(CheckBucket(config));
  if (!config.role_arn.empty()) {
    RETURN_IF_ERROR(VerifyBucket(config, clock));
  }
  repository_ =
      std::make_unique<artifacts::S3ArtifactRepository>(*client_, config.bucket, config.prefix);
  return Status::Ok();
}

Result<s3::CredentialsProvider*> S3Artifacts::MakeCredentials(const S3ArtifactsConfig& config,
                                                              const Clock& clock) {
  base_credentials_ = s3::MakeDefaultCredentialsChain({.env = s3::ProcessEnvironment(),
                                                       .region = config.region,
                                                       .sts_endpoint = config.sts_endpoint},
                                                      *transport_, clock);
  s3::CredentialsProvider* credentials = base_credentials_.get();
  if (!config.role_arn.empty()) {
    s3::StsConfig sts_config;
    sts_config.endpoint =
        config.sts_endpoint.empty() ? s3::StsEndpointForRegion(config.region) : config.sts_endpoint;
    sts_config.region = config.region;
    sts_ = std::make_unique<s3::StsClient>(std::move(sts_config), *transport_, clock);
    s3::AssumeRoleConfig role{.role_arn = config.role_arn,
                              .external_id = config.external_id,
                              .role_session_name = config.role_session_name,
                              .duration_seconds = config.role_session_duration};
    role.refresh.description = "AssumeRole " + config.role_arn;
    role_credentials_ = s3::MakeAssumeRoleProvider(*base_credentials_, *sts_, clock, role);
    credentials = role_credentials_.get();
  }
  // Fetched once here so that missing keys or a refused AssumeRole stop the startup, named.
  Result<s3::Credentials> first = credentials->Get();
  if (!first.ok()) {
    return Status::FailedPrecondition(config.role_arn.empty()
                                          ? "cannot find AWS credentials for " + Location(config)
                                          : "cannot assume role " + config.role_arn,
                                      ": ", first.status().message());
  }
  // ToString masks the secret key and the session token.
  spdlog::info("S3 artifacts {} with {}", Location(config), s3::ToString(*first));
  return credentials;
}

Status S3Artifacts::CheckBucket(const S3ArtifactsConfig& config) {
  Result<std::string> region = client_->HeadBucket(config.bucket);
  if (!region.ok()) {
    return Status::FailedPrecondition("bucket ", config.bucket, " is not reachable",
                                      config.s3_endpoint.empty() ? "" : " at " + config.s3_endpoint,
                                      ": ", region.status().message());
  }
  // With a role, VerifyBucket reports a region mismatch (a FAIL, with the fix).
  if (config.role_arn.empty() && !region->empty() && *region != config.region) {
    spdlog::warn("bucket {} is in region {}, not {}: set --region {}", config.bucket, *region,
                 config.region, *region);
  }
  return Status::Ok();
}

// The same checks as `bucketflow bucket verify`, minus the probes that leave traces in the
// customer's account on every start (AssumeRole without and with a wrong External ID, the
// denied CORS calls, an upload to abort); the role is assumed once, through the provider the
// server keeps (one AssumeRole per start).
Status S3Artifacts::VerifyBucket(const S3ArtifactsConfig& config, const Clock& clock) {
  const int64_t began_ms = clock.NowMillis();
  onboarding::VerifyDeps deps{.base_credentials = *base_credentials_,
                              .transport = *transport_,
                              .clock = clock,
                              .role_credentials = role_credentials_.get()};
  const onboarding::Report report = onboarding::VerifyBucket({.bucket = config.bucket,
                                                              .prefix = config.prefix,
                                                              .role_arn = config.role_arn,
                                                              .external_id = config.external_id,
                                                              .region = config.region,
                                                              .s3_endpoint = config.s3_endpoint,
                                                              .sts_endpoint = config.sts_endpoint,
                                                              .addressing = config.addressing,
                                                              .probe_external_id = false,
                                                              .probe_privileges = false},
                                                             deps);
  for (const std::string& line : onboarding::RenderTextLines(report)) {
    spdlog::info("bucket verify: {}", line);
  }
  spdlog::info("bucket verify of {} took {} ms", config.bucket, clock.NowMillis() - began_ms);
  if (report.ok()) {
    return Status::Ok();
  }
  std::string failed;
  for (const onboarding::Check& check : report.checks) {
    if (check.outcome == onboarding::Check::Outcome::kFail) {
      failed += (failed.empty() ? "" : "; ") + check.name + ": " + check.reason;
    }
  }
  if (config.skip_bucket_verify) {
    spdlog::warn(
        "!!! bucket {} FAILED verification ({}) and the server starts anyway because of "
        "--skip-bucket-verify: artifact uploads, downloads or the UI may not work !!!",
        config.bucket, failed);
    return Status::Ok();
  }
  return Status::FailedPrecondition("bucket ", config.bucket, " failed verification: ", failed,
                                    " (see the log above for the fix; --skip-bucket-verify starts "
                                    "anyway)");
}

}  // namespace bucketflow::app
