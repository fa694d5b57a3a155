// Registering a workspace's bucket: validation and defaults, the no-sharing rule, and the
// verification report. Shared by `bucketflow workspace bucket set` and the REST API.
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/workspace_artifacts.h"
#include "app/workspace_bucket_internal.h"
#include "core/strings.h"
#include "onboarding/policies.h"
#include "onboarding/report.h"
#include "onboarding/verify.h"
#include "s3/s3_request.h"

namespace bucketflow::app {
namespace {

constexpr size_t kMaxSessionName = 64;  // STS's limit for RoleSessionName
constexpr size_t kMaxRolePath = 512;    // IAM's limit for path + name
// Keys are at most 1024 bytes; leave room for "<exp>/<run>/artifacts/<path>".
constexpr size_t kMaxPrefix = 512;
constexpr std::string_view kDefaultRegion = "us-east-1";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. ACCOUNT is AWS's 12 digits, a radosgw tenant,
// or empty (radosgw's roles without a tenant: arn:aws:iam:::role/NAME).
Status CheckRoleArn(std::string_view arn) {
  const Status bad = Status::InvalidArgument(
      "role ARN '", arn, "' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
  std::vector<std::string_view> fields = Split(arn, ':');
  if (fields.size() != 6 || fields[0] != "arn" || fields[1].empty() || fields[2] != "iam" ||
      !fields[3].empty() || !fields[5].starts_with("role/")) {
    return bad;
  }
  for (char c : fields[1]) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) {
      return bad;
    }
  }
  for (char c : fields[4]) {
    if (!IsAlnum(c) && c != '_' && c != '-') {
      return bad;
    }
  }
  std::string_view name = fields[5].substr(5);
  if (name.empty() || name.size() > kMaxRolePath || name.ends_with('/') || name.starts_with('/')) {
    return bad;
  }
  for (char c : name) {
    if (!IsAlnum(c) && std::string_view("_+=,.@-/").find(c) == std::string_view::npos) {
      return bad;
    }
  }
  return Status::Ok();
}

Result<std::string> NormalizePrefix(std::string_view prefix) {
  while (prefix.starts_with('/')) {
    prefix.remove_prefix(1);
  }
  while (prefix.ends_with('/')) {
    prefix.remove_suffix(1);
  }
  if (prefix.size() > kMaxPrefix) {
    return Status::InvalidArgument("prefix is longer than ", kMaxPrefix, " characters");
  }
  for (char c : prefix) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') {
      return Status::InvalidArgument("prefix '", prefix,
                                     "' holds a control character or a backslash");
    }
  }
  if (!prefix.empty()) {
    for (std::string_view segment : Split(prefix, '/')) {
      if (segment.empty() || segment == "." || segment == "..") {
        return Status::InvalidArgument("prefix '", prefix,
                                       "' must not hold empty, '.' or '..' segments");
      }
    }
  }
  return std::string(prefix);
}

Status CheckRegion(std::string_view region) {
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return Status::InvalidArgument("region '", region,
                                     "' is not a region name (such as us-east-1)");
    }
  }
  return Status::Ok();
}

// "" or scheme://host[:port], without a trailing slash.
Result<std::string> NormalizeEndpoint(std::string_view what, std::string url) {
  if (url.empty()) {
    return url;
  }
  if (Result<s3::Endpoint> endpoint = s3::ParseEndpoint(url); !endpoint.ok()) {
    return Status::InvalidArgument(what, " '", url, "': ", endpoint.status().message());
  }
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

// The same prefix, or one inside the other at a '/' boundary ("" holds everything).
bool PrefixesOverlap(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) {
    std::swap(a, b);
  }
  return a.empty() || b == a || (b.starts_with(a) && b[a.size()] == '/');
}

}  // namespace

namespace internal {

s3::DefaultChainConfig BaseChainConfig() {
  const std::string region = FlagOrEnv("", {"AWS_REGION", "AWS_DEFAULT_REGION"});
  return {.env = s3::ProcessEnvironment(),
          .region = region.empty() ? std::string(kDefaultRegion) : region,
          .sts_endpoint = FlagOrEnv("", {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"})};
}

std::string RoleSessionName(std::string_view workspace_name) {
  std::string name = "bucketflow-" + std::string(workspace_name);
  if (name.size() > kMaxSessionName) {
    name.resize(kMaxSessionName);
  }
  return name;
}

Result<s3::AddressingStyle> ParseAddressing(std::string_view value) {
  std::optional<s3::AddressingStyle> style =
      value.empty() ? s3::AddressingStyle::kAuto : s3::ParseAddressingStyle(value);
  if (!style.has_value()) {
    return Status::InvalidArgument("addressing '", value, "' is not one of auto, path, virtual");
  }
  return *style;
}

bool SameBucket(const store::WorkspaceBucket& a, const store::WorkspaceBucket& b) {
  auto fields = [](const store::WorkspaceBucket& w) {
    return std::tie(w.bucket, w.prefix, w.region, w.s3_endpoint, w.sts_endpoint, w.addressing,
                    w.role_arn, w.external_id);
  };
  return fields(a) == fields(b);
}

std::vector<api::BucketCheck> VerifyWith(const store::Workspace& workspace,
                                         const store::WorkspaceBucket& bucket,
                                         s3::CredentialsProvider& base,
                                         http::HttpTransport& transport, const Clock& clock) {
  onboarding::VerifyTarget target{.bucket = bucket.bucket,
                                  .prefix = bucket.prefix,
                                  .role_arn = bucket.role_arn,
                                  .external_id = bucket.external_id,
                                  .role_session_name = RoleSessionName(workspace.name),
                                  .region = bucket.region,
                                  .s3_endpoint = bucket.s3_endpoint,
                                  .sts_endpoint = bucket.sts_endpoint};
  const Result<s3::AddressingStyle> addressing = ParseAddressing(bucket.addressing);
  target.addressing = addressing.ok() ? *addressing : s3::AddressingStyle::kAuto;
  onboarding::VerifyDeps deps{.base_credentials = base, .transport = transport, .clock = clock};
  const onboarding::Report report = onboarding::VerifyBucket(target, deps);
  std::vector<api::BucketCheck> checks;
  checks.reserve(report.checks.size());
  for (const onboarding::Check& check : report.checks) {
    checks.push_back({.name = check.name,
                      .outcome = std::string(onboarding::OutcomeLabel(check.outcome)),
                      .reason = check.reason,
                      .fix = check.fix});
  }
  return checks;
}

}  // namespace internal

Result<store::WorkspaceBucket> NormalizeWorkspaceBucket(const store::Workspace& workspace,
                                                        store::WorkspaceBucket bucket) {
  if (bucket.bucket.empty()) {
    return Status::InvalidArgument("a bucket name is required");
  }
  // Its message names the bucket and the rule broken.
  RETURN_IF_ERROR(onboarding::ValidateBucketName(bucket.bucket));
  ASSIGN_OR_RETURN(bucket.prefix, NormalizePrefix(bucket.prefix));
  if (bucket.region.empty()) {
    bucket.region = std::string(kDefaultRegion);
  }
  RETURN_IF_ERROR(CheckRegion(bucket.region));
  ASSIGN_OR_RETURN(bucket.s3_endpoint,
                   NormalizeEndpoint("S3 endpoint", std::move(bucket.s3_endpoint)));
  ASSIGN_OR_RETURN(bucket.sts_endpoint,
                   NormalizeEndpoint("STS endpoint", std::move(bucket.sts_endpoint)));
  if (bucket.addressing.empty()) {
    bucket.addressing = "auto";
  }
  RETURN_IF_ERROR(internal::ParseAddressing(bucket.addressing));
  if (bucket.role_arn.empty()) {
    return Status::InvalidArgument(
        "a role ARN is required: the role Bucketflow assumes to reach the bucket");
  }
  RETURN_IF_ERROR(CheckRoleArn(bucket.role_arn));
  if (bucket.external_id.empty()) {
    bucket.external_id = workspace.external_id;
  }
  if (Status valid = onboarding::ValidateExternalId(bucket.external_id); !valid.ok()) {
    return Status::InvalidArgument("external ID: ", valid.message());
  }
  return bucket;
}

Status CheckBucketNotShared(store::AccessStore& store, const store::Workspace& workspace,
                            const store::WorkspaceBucket& bucket) {
  ASSIGN_OR_RETURN(std::vector<store::Workspace> workspaces, store.ListWorkspaces());
  for (const store::Workspace& other : workspaces) {
    if (other.id == workspace.id || !other.bucket) {
      continue;
    }
    const store::WorkspaceBucket& theirs = *other.bucket;
    // Bucket names are only unique per endpoint (two radosgw clusters may both have "ml").
    if (theirs.bucket != bucket.bucket ||
        ToLower(theirs.s3_endpoint) != ToLower(bucket.s3_endpoint) ||
        !PrefixesOverlap(theirs.prefix, bucket.prefix)) {
      continue;
    }
    // Neither the other workspace's name nor its prefix: a workspace admin must not learn
    // where another tenant keeps its artifacts.
    return Status::AlreadyExists("bucket ", bucket.bucket, " (prefix ", bucket.prefix,
                                 ") overlaps the artifact store of another workspace");
  }
  return Status::Ok();
}

std::vector<api::BucketCheck> VerifyWorkspaceBucket(const store::Workspace& workspace,
                                                    const store::WorkspaceBucket& bucket,
                                                    const Clock& clock) {
  std::unique_ptr<http::HttpTransport> transport = http::MakeCurlTransport({});
  std::unique_ptr<s3::CredentialsProvider> base =
      s3::MakeDefaultCredentialsChain(internal::BaseChainConfig(), *transport, clock);
  return internal::VerifyWith(workspace, bucket, *base, *transport, clock);
}

}  // namespace bucketflow::app
