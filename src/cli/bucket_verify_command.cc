// `bucketflow bucket verify`: flags and AWS environment variables are read here; the checks
// are onboarding::VerifyBucket, the same function the server runs at start-up.
#include "cli/bucket_verify_command.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "core/clock.h"
#include "http/client.h"
#include "onboarding/policies.h"
#include "onboarding/report.h"
#include "onboarding/verify.h"
#include "s3/credential_providers.h"
#include "s3/s3_request.h"

namespace bucketflow::cli {
namespace {

Result<s3::AddressingStyle> Addressing(std::string_view value) {
  std::optional<s3::AddressingStyle> style = s3::ParseAddressingStyle(value);
  if (!style.has_value()) {
    return Status::InvalidArgument("--s3-addressing '", value,
                                   "' is not one of path, virtual, auto");
  }
  return *style;
}

constexpr int kFailure = 1;
constexpr int kUsageError = 2;

// The flags as given; empty strings fall back to the environment.
struct VerifyFlags {
  std::string bucket;
  std::string role_arn;
  std::string external_id;
  std::string ui_origin;
  std::string other_bucket;
  std::string region;
  std::string s3_endpoint_url;
  std::string sts_endpoint_url;
  std::string s3_addressing = "auto";
  bool json = false;
};

Status CheckEndpoint(std::string_view flag, const std::string& url) {
  if (url.empty()) {
    return Status::Ok();
  }
  Result<s3::Endpoint> endpoint = s3::ParseEndpoint(url);
  return endpoint.ok() ? Status::Ok()
                       : Status::InvalidArgument(flag, " ", url, ": ", endpoint.status().message());
}

// arn:PARTITION:iam::ACCOUNT:role/NAME; radosgw leaves ACCOUNT empty.
Status CheckRoleArn(std::string_view arn) {
  const size_t role = arn.find(":role/");
  if (!arn.starts_with("arn:") || arn.find(":iam::") == std::string_view::npos ||
      role == std::string_view::npos || role + 6 >= arn.size()) {
    return Status::InvalidArgument("--role-arn ", arn,
                                   " is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
  }
  return Status::Ok();
}

Result<onboarding::VerifyTarget> Resolve(const VerifyFlags& flags) {
  onboarding::VerifyTarget target;
  RETURN_IF_ERROR(s3::ValidateBucketName(flags.bucket));
  if (!flags.other_bucket.empty()) {
    RETURN_IF_ERROR(s3::ValidateBucketName(flags.other_bucket));
  }
  RETURN_IF_ERROR(CheckRoleArn(flags.role_arn));
  if (!flags.external_id.empty()) {
    RETURN_IF_ERROR(onboarding::ValidateExternalId(flags.external_id));
  }
  RETURN_IF_ERROR(onboarding::ValidateUiOrigin(flags.ui_origin));
  target.bucket = flags.bucket;
  target.other_bucket = flags.other_bucket;
  target.role_arn = flags.role_arn;
  target.external_id = flags.external_id;
  target.ui_origin = flags.ui_origin;
  const std::string region = app::FlagOrEnv(flags.region, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  target.region = region.empty() ? "us-east-1" : region;
  target.s3_endpoint =
      app::FlagOrEnv(flags.s3_endpoint_url, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  target.sts_endpoint =
      app::FlagOrEnv(flags.sts_endpoint_url, {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"});
  RETURN_IF_ERROR(CheckEndpoint("--s3-endpoint-url", target.s3_endpoint));
  RETURN_IF_ERROR(CheckEndpoint("--sts-endpoint-url", target.sts_endpoint));
  ASSIGN_OR_RETURN(target.addressing, Addressing(flags.s3_addressing));
  return target;
}

int RunVerify(const VerifyFlags& flags) {
  Result<onboarding::VerifyTarget> target = Resolve(flags);
  if (!target.ok()) {
    std::fprintf(stderr, "bucketflow: %s\n", target.status().message().c_str());
    return kUsageError;
  }
  SystemClock clock;
  std::unique_ptr<http::HttpTransport> transport = http::MakeCurlTransport({});
  std::unique_ptr<s3::CredentialsProvider> base =
      s3::MakeDefaultCredentialsChain({.env = s3::ProcessEnvironment(),
                                       .region = target->region,
                                       .sts_endpoint = target->sts_endpoint},
                                      *transport, clock);
  onboarding::VerifyDeps deps{.base_credentials = *base, .transport = *transport, .clock = clock};
  const onboarding::Report report = onboarding::VerifyBucket(*target, deps);
  const std::string out =
      flags.json ? onboarding::RenderJson(report) + "\n" : onboarding::RenderText(report);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return report.ok() ? 0 : kFailure;
}

}  // namespace

void AddBucketVerifyCommand(CLI::App& bucket, int& exit_code) {
  CLI::App* verify = bucket.add_subcommand(
      "verify", "Check, with the role, everything the server will do with the bucket");
  verify->set_help_flag("--help", "Print this help and exit");
  // Owned by the subcommand's callbacks, which CLI11 keeps as long as the App.
  auto flags = std::make_shared<VerifyFlags>();
  verify->add_option("--bucket", flags->bucket, "The artifact bucket")->required();
  verify->add_option("--role-arn", flags->role_arn, "The role Bucketflow assumes")->required();
  verify->add_option("--external-id", flags->external_id, "The role's External ID");
  verify->add_option("--ui-origin", flags->ui_origin,
                     "The web UI's origin for the CORS checks (default: any origin)");
  verify->add_option("--other-bucket", flags->other_bucket,
                     "An existing bucket the role must NOT reach (least-privilege check)");
  verify->add_option("--region", flags->region,
                     "Region (AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
  verify->add_option("--s3-endpoint-url", flags->s3_endpoint_url,
                     "S3 endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)");
  verify->add_option("--sts-endpoint-url", flags->sts_endpoint_url,
                     "STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)");
  verify->add_option("--s3-addressing", flags->s3_addressing, "path, virtual or auto")
      ->capture_default_str();
  verify->add_flag("--json", flags->json, "Print the report as JSON");
  verify->callback([flags, &exit_code] { exit_code = RunVerify(*flags); });
}

}  // namespace bucketflow::cli
