// `bucketflow bucket plan|apply|verify`: bucket onboarding (DESIGN.md section 2). Flags and
// AWS environment variables are read here; the work is in onboarding/.
#include "cli/bucket_commands.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "cli/bucket_verify_command.h"
#include "core/clock.h"
#include "http/client.h"
#include "onboarding/apply.h"
#include "onboarding/plan.h"
#include "s3/credential_providers.h"
#include "s3/iam_client.h"
#include "s3/s3_client.h"

namespace bucketflow::cli {
namespace {

Result<s3::AddressingStyle> ParseAddressing(std::string_view value) {
  std::optional<s3::AddressingStyle> style = s3::ParseAddressingStyle(value);
  if (!style.has_value()) {
    return Status::InvalidArgument("--s3-addressing '", value,
                                   "' is not one of path, virtual, auto");
  }
  return *style;
}

constexpr int kFailure = 1;
constexpr int kUsageError = 2;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "bucketflow: %s\n", message.c_str());
  return code;
}

void AddPlanFlags(CLI::App& command, BucketCommandState& state) {
  onboarding::PlanFlags& flags = state.flags;
  command.set_help_flag("--help", "Print this help and exit");
  command.add_option("--bucket", flags.bucket, "The artifact bucket")->required();
  command
      .add_option("--service-account", flags.service_account,
                  "Bucketflow's AWS account id (12 digits) or IAM principal ARN")
      ->required();
  command.add_option("--external-id", flags.external_id,
                     "The sts:ExternalId to require (default: a new random one)");
  command.add_option("--role-name", flags.role_name, "Default: bucketflow-<bucket>");
  command.add_option("--policy-name", flags.policy_name, "Default: bucketflow-<bucket>-artifacts");
  command.add_option("--ui-origin", flags.ui_origin,
                     "The Bucketflow UI's origin, scheme://host[:port] (default: any origin)");
  command.add_option("--region", flags.region, "The bucket's region (AWS_REGION, us-east-1)");
  command.add_flag("--without-external-id-condition", flags.without_external_id_condition,
                   "Leave sts:ExternalId out of the trust policy (only for endpoints such as "
                   "radosgw that reject it; the role is then open to the confused deputy)");
}

Result<onboarding::Plan> ResolveFlags(const BucketCommandState& state) {
  onboarding::PlanFlags flags = state.flags;
  flags.region = app::FlagOrEnv(flags.region, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  return onboarding::ResolvePlan(flags);
}

int RunPlan(const BucketCommandState& state) {
  Result<onboarding::Plan> plan = ResolveFlags(state);
  if (!plan.ok()) {
    return Fail(kUsageError, plan.status().message());
  }
  Result<onboarding::PlanFormat> format = onboarding::ParsePlanFormat(state.format);
  if (!format.ok()) {
    return Fail(kUsageError, format.status().message());
  }
  const std::string text = onboarding::RenderPlan(*plan, *format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

void PrintStep(const onboarding::AppliedStep& step) {
  std::printf("%-7s %-9s %s\n", (step.name + ":").c_str(),
              std::string(onboarding::StepOutcomeName(step.outcome)).c_str(), step.detail.c_str());
  std::fflush(stdout);
}

void PrintSummary(const onboarding::Plan& plan, const onboarding::ApplyResult& result) {
  if (!result.changed()) {
    std::printf("nothing to change\n");
  }
  std::printf("Role ARN:    %s\nExternal ID: %s\n", result.role_arn.c_str(),
              result.external_id.c_str());
  if (result.external_id_reused) {
    std::printf("The External ID is the one the role already requires.\n");
  } else if (plan.external_id_generated) {
    std::printf(
        "The External ID was generated now: hand it, with the role ARN, to the "
        "Bucketflow operator.\n");
  }
  if (!plan.external_id_condition) {
    std::printf(
        "WARNING: the trust policy has no sts:ExternalId condition: the role is open to "
        "the confused-deputy problem.\n");
  }
}

struct ApplyStack {
  std::unique_ptr<http::HttpTransport> transport;
  SystemClock clock;
  std::unique_ptr<s3::CredentialsProvider> credentials;
  std::unique_ptr<s3::S3Client> s3;
  std::unique_ptr<s3::IamClient> iam;
};

Status BuildStack(const BucketCommandState& state, const onboarding::Plan& plan,
                  ApplyStack& stack) {
  ASSIGN_OR_RETURN(const s3::AddressingStyle addressing, ParseAddressing(state.s3_addressing));
  const std::string any = app::FlagOrEnv("", {"AWS_ENDPOINT_URL"});
  stack.transport = http::MakeCurlTransport({});
  stack.credentials = s3::MakeDefaultCredentialsChain(
      {.env = s3::ProcessEnvironment(),
       .region = plan.region,
       .sts_endpoint =
           app::FlagOrEnv(state.sts_endpoint_url, {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"})},
      *stack.transport, stack.clock);
  s3::S3ClientConfig s3_config;
  s3_config.region = plan.region;
  s3_config.endpoint =
      app::FlagOrEnv(state.s3_endpoint_url, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  s3_config.addressing_style = addressing;
  Result<std::unique_ptr<s3::S3Client>> s3 =
      s3::S3Client::Create(std::move(s3_config), *stack.transport, *stack.credentials, stack.clock);
  if (!s3.ok()) {
    return Status::InvalidArgument("--s3-endpoint-url: ", s3.status().message());
  }
  stack.s3 = std::move(*s3);
  s3::IamConfig iam_config;
  iam_config.endpoint = s3::ResolveIamEndpoint(state.iam_endpoint_url,
                                               app::FlagOrEnv("", {"AWS_ENDPOINT_URL_IAM"}), any);
  // AWS signs IAM for us-east-1; other endpoints (radosgw) take the configured region.
  iam_config.region = iam_config.endpoint == s3::kGlobalIamEndpoint ? "us-east-1" : plan.region;
  ASSIGN_OR_RETURN(stack.iam, s3::IamClient::Create(std::move(iam_config), *stack.transport,
                                                    *stack.credentials, stack.clock));
  return Status::Ok();
}

int RunApply(const BucketCommandState& state) {
  Result<onboarding::Plan> plan = ResolveFlags(state);
  if (!plan.ok()) {
    return Fail(kUsageError, plan.status().message());
  }
  ApplyStack stack;
  if (Status built = BuildStack(state, *plan, stack); !built.ok()) {
    return Fail(kUsageError, built.message());
  }
  if (Result<s3::Credentials> admin = stack.credentials->Get(); !admin.ok()) {
    return Fail(kFailure,
                "cannot find the bucket owner's AWS credentials: " + admin.status().message());
  }
  Result<onboarding::ApplyResult> result =
      onboarding::ApplyPlan(*plan, {.s3 = *stack.s3, .iam = *stack.iam}, PrintStep);
  if (!result.ok()) {
    return Fail(kFailure, "apply failed at " + result.status().message());
  }
  PrintSummary(*plan, *result);
  return 0;
}

void AddEndpointFlags(CLI::App& command, BucketCommandState& state) {
  command.add_option("--s3-endpoint-url", state.s3_endpoint_url,
                     "S3 endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)");
  command.add_option("--sts-endpoint-url", state.sts_endpoint_url,
                     "STS endpoint for web-identity credentials (AWS_ENDPOINT_URL_STS, ...)");
  command.add_option("--iam-endpoint-url", state.iam_endpoint_url,
                     "IAM endpoint (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, "
                     "https://iam.amazonaws.com)");
  command.add_option("--s3-addressing", state.s3_addressing, "path, virtual or auto")
      ->capture_default_str();
}

}  // namespace

CLI::App* AddBucketCommands(CLI::App& app, BucketCommandState& state) {
  CLI::App* bucket = app.add_subcommand("bucket", "Set up and check an artifact bucket");
  bucket->set_help_flag("--help", "Print this help and exit");
  bucket->require_subcommand(1);

  CLI::App* plan = bucket->add_subcommand(
      "plan", "Print the bucket, CORS rule, policies and role the bucket owner must create");
  AddPlanFlags(*plan, state);
  plan->add_option("--format", state.format, "text, json or cloudformation")->capture_default_str();
  plan->callback([&state] { state.exit_code = RunPlan(state); });

  CLI::App* apply = bucket->add_subcommand(
      "apply", "Create or update the bucket, CORS rule, role and policy with admin credentials");
  AddPlanFlags(*apply, state);
  AddEndpointFlags(*apply, state);
  apply->callback([&state] { state.exit_code = RunApply(state); });

  AddBucketVerifyCommand(*bucket, state.exit_code);
  return bucket;
}

}  // namespace bucketflow::cli
