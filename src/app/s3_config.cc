// Validation of the S3 artifact-storage flags (--artifacts-destination s3://..., --role-arn,
// endpoints, region). Part of app/config: the only code that reads flags and environment.
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "core/strings.h"
#include "s3/s3_request.h"

namespace bucketflow::app {
namespace {

// AWS's limits and alphabets for AssumeRole's parameters, checked here so that a typo fails at
// startup with the flag's name instead of as an STS error later.
constexpr size_t kMinStsParam = 2;
constexpr size_t kMaxSessionName = 64;
constexpr size_t kMaxExternalId = 1224;
// AWS's ceiling for AssumeRole DurationSeconds. The floor is left to STS (900 on AWS; radosgw's
// `rgw sts min session duration` may allow less), which refuses with a named error at startup.
constexpr int kMaxSessionDuration = 43200;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// [\w+=,.@-] plus `extra`, length kMinStsParam..max_size.
Status CheckStsParam(std::string_view flag, std::string_view value, size_t max_size,
                     std::string_view extra) {
  if (value.size() < kMinStsParam || value.size() > max_size) {
    return Status::InvalidArgument(flag, " must be ", kMinStsParam, " to ", max_size,
                                   " characters long");
  }
  std::string symbols = "_+=,.@-" + std::string(extra);
  for (char c : value) {
    if (!IsWordChar(c) && symbols.find(c) == std::string::npos) {
      return Status::InvalidArgument(flag, " may hold only letters, digits and ", symbols);
    }
  }
  return Status::Ok();
}

// arn:PARTITION:iam::ACCOUNT:role/NAME (radosgw leaves ACCOUNT empty).
Status CheckRoleArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) {
      break;
    }
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  bool ok = parts.size() == 5 && parts[0] == "arn" && !parts[1].empty() && parts[2] == "iam" &&
            arn.substr(start).starts_with("role/") && arn.size() > start + 5;
  if (!ok) {
    return Status::InvalidArgument("--role-arn ", arn,
                                   " is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
  }
  return Status::Ok();
}

Status CheckRegion(std::string_view region) {
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return Status::InvalidArgument("--region ", region,
                                     " is not a region name (such as us-east-1)");
    }
  }
  if (region.empty()) {
    return Status::InvalidArgument("--region must not be empty");
  }
  return Status::Ok();
}

// "" or scheme://host[:port] without a trailing slash.
Result<std::string> ResolveEndpoint(std::string_view flag, const std::string& url) {
  if (url.empty()) {
    return std::string();
  }
  if (Result<s3::Endpoint> endpoint = s3::ParseEndpoint(url); !endpoint.ok()) {
    return Status::InvalidArgument(flag, " ", url, ": ", endpoint.status().message());
  }
  std::string trimmed = url;
  while (trimmed.ends_with('/')) {
    trimmed.pop_back();
  }
  return trimmed;
}

// "s3://BUCKET[/PREFIX]" -> bucket and prefix (no leading or trailing '/').
Status SplitS3Uri(std::string_view uri, S3ArtifactsConfig& config) {
  std::string_view rest = uri.substr(std::string_view("s3://").size());
  size_t slash = rest.find('/');
  config.bucket = std::string(rest.substr(0, slash));
  if (Status valid = s3::ValidateBucketName(config.bucket); !valid.ok()) {
    return Status::InvalidArgument("--artifacts-destination ", uri, ": ", valid.message());
  }
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  while (prefix.ends_with('/')) {
    prefix.remove_suffix(1);
  }
  for (std::string_view segment : Split(prefix, '/')) {
    if (!prefix.empty() && (segment.empty() || segment == "." || segment == "..")) {
      return Status::InvalidArgument("--artifacts-destination ", uri,
                                     ": the prefix must not hold empty, '.' or '..' segments");
    }
  }
  config.prefix = std::string(prefix);
  return Status::Ok();
}

Result<s3::AddressingStyle> ResolveAddressing(std::string_view value) {
  std::optional<s3::AddressingStyle> style = s3::ParseAddressingStyle(value);
  if (!style.has_value()) {
    return Status::InvalidArgument("--s3-addressing ", value, " is not one of path, virtual, auto");
  }
  return *style;
}

}  // namespace

Status CheckRoleSessionDuration(int seconds) {
  if (seconds < 1 || seconds > kMaxSessionDuration) {
    return Status::InvalidArgument("--role-session-duration ", seconds, " must be 1 to ",
                                   kMaxSessionDuration, " seconds");
  }
  return Status::Ok();
}

std::string FlagOrEnv(const std::string& flag, std::initializer_list<const char*> names) {
  if (!flag.empty()) {
    return flag;
  }
  for (const char* name : names) {
    if (std::string value = Env(name); !value.empty()) {
      return value;
    }
  }
  return {};
}

Status CheckNoS3Flags(const ServerOptions& options) {
  const std::pair<std::string_view, bool> given[] = {
      {"--role-arn", !options.role_arn.empty()},
      {"--external-id", !options.external_id.empty()},
      {"--region", !options.region.empty()},
      {"--s3-endpoint-url", !options.s3_endpoint_url.empty()},
      {"--sts-endpoint-url", !options.sts_endpoint_url.empty()},
      {"--s3-addressing", options.s3_addressing != "auto"},
      {"--skip-bucket-verify", options.skip_bucket_verify},
  };
  for (const auto& [flag, set] : given) {
    if (set) {
      return Status::InvalidArgument(flag, " needs --artifacts-destination s3://BUCKET[/PREFIX]");
    }
  }
  return Status::Ok();
}

Result<S3ArtifactsConfig> ResolveS3Artifacts(const ServerOptions& options) {
  S3ArtifactsConfig config;
  RETURN_IF_ERROR(SplitS3Uri(options.artifacts_destination, config));
  std::string region = FlagOrEnv(options.region, {"AWS_REGION", "AWS_DEFAULT_REGION"});
  config.region = region.empty() ? "us-east-1" : region;
  RETURN_IF_ERROR(CheckRegion(config.region));
  ASSIGN_OR_RETURN(
      config.s3_endpoint,
      ResolveEndpoint("--s3-endpoint-url", FlagOrEnv(options.s3_endpoint_url,
                                                     {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"})));
  ASSIGN_OR_RETURN(config.sts_endpoint,
                   ResolveEndpoint("--sts-endpoint-url",
                                   FlagOrEnv(options.sts_endpoint_url,
                                             {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"})));
  ASSIGN_OR_RETURN(config.addressing, ResolveAddressing(options.s3_addressing));
  if (!options.role_arn.empty()) {
    RETURN_IF_ERROR(CheckRoleArn(options.role_arn));
    RETURN_IF_ERROR(
        CheckStsParam("--role-session-name", options.role_session_name, kMaxSessionName, ""));
    if (!options.external_id.empty()) {
      RETURN_IF_ERROR(CheckStsParam("--external-id", options.external_id, kMaxExternalId, ":/"));
    }
  } else if (!options.external_id.empty()) {
    return Status::InvalidArgument("--external-id needs --role-arn");
  }
  // Without --role-arn it still applies to the workspaces' roles.
  RETURN_IF_ERROR(CheckRoleSessionDuration(options.role_session_duration));
  config.role_arn = options.role_arn;
  config.external_id = options.external_id;
  config.role_session_name = options.role_session_name;
  config.role_session_duration = options.role_session_duration;
  config.skip_bucket_verify = options.skip_bucket_verify;
  return config;
}

}  // namespace bucketflow::app
