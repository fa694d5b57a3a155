#include "s3/metadata_providers.h"

#include <array>
#include <boost/json.hpp>
#include <utility>

#include "core/strings.h"
#include "s3/assume_role_provider.h"
#include "s3/xml.h"

namespace bucketflow::s3 {
namespace {

constexpr std::string_view kImdsTokenTtlSeconds = "21600";
constexpr std::string_view kImdsCredentialsPath = "/latest/meta-data/iam/security-credentials/";

std::string StringField(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    return {};
  }
  return std::string(value->get_string());
}

// http is only allowed to hosts on this machine or the link-local credential agents: anything
// else could be an attacker's server collecting the authorization token.
bool IsAllowedFullUri(std::string_view uri) {
  if (uri.starts_with("https://")) {
    return true;
  }
  if (!uri.starts_with("http://")) {
    return false;
  }
  const std::string_view rest = uri.substr(7);
  const std::string_view authority = rest.substr(0, rest.find('/'));
  static constexpr std::array<std::string_view, 6> kHosts = {
      "127.0.0.1", "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"};
  for (const std::string_view host : kHosts) {
    if (authority == host || authority.starts_with(std::string(host) + ":")) {
      return true;
    }
  }
  return false;
}

http::ClientRequest MetadataRequest(std::string method, std::string url) {
  http::ClientRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.connect_timeout_ms = kMetadataTimeoutMs;
  request.idle_timeout_ms = kMetadataTimeoutMs;
  return request;
}

// The body of a 200 response; `what` names the request in errors.
Result<std::string> SendForBody(http::HttpTransport& transport, const http::ClientRequest& request,
                                std::string_view what) {
  Result<http::ClientResponse> response = transport.Send(request);
  if (!response.ok()) {
    return Status(response.status().code(),
                  std::string(what) + " at " + request.url + ": " + response.status().message());
  }
  if (response->status != 200) {
    const Code code = response->status >= 500                              ? Code::kUnavailable
                      : response->status == 401 || response->status == 403 ? Code::kPermissionDenied
                                                                           : Code::kInvalidArgument;
    return Status(code, std::string(what) + " at " + request.url + ": HTTP " +
                            std::to_string(response->status));
  }
  return std::move(response->body);
}

Result<Credentials> FetchContainer(const Environment& env, http::HttpTransport& transport) {
  const std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").value_or("");
  const std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI").value_or("");
  if (relative.empty() && full.empty()) {
    return Status::NotFound("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set");
  }
  if (relative.empty() && !IsAllowedFullUri(full)) {
    return Status::InvalidArgument(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or http to "
        "a loopback or ECS/EKS agent host: '",
        full, "'");
  }
  http::ClientRequest request = MetadataRequest(
      "GET", relative.empty() ? full : std::string(kContainerCredentialsHost) + relative);
  std::string token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
  const std::string token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
  if (!token_file.empty()) {
    Result<std::string> contents = ReadCredentialFile(token_file);
    if (!contents.ok()) {
      return Status::FailedPrecondition("container authorization token: ",
                                        contents.status().message());
    }
    token = std::string(TrimWhitespace(*contents));
  }
  if (!token.empty()) {
    request.headers.emplace_back("Authorization", token);
  }
  ASSIGN_OR_RETURN(const std::string body,
                   SendForBody(transport, request, "container credentials"));
  return ParseMetadataCredentials(body);
}

Result<Credentials> FetchImds(const Environment& env, http::HttpTransport& transport) {
  if (EqualsIgnoreCase(env("AWS_EC2_METADATA_DISABLED").value_or(""), "true")) {
    return Status::NotFound("disabled by AWS_EC2_METADATA_DISABLED");
  }
  std::string endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("");
  if (endpoint.empty()) {
    endpoint = std::string(kImdsEndpoint);
  }
  while (endpoint.ends_with('/')) {
    endpoint.pop_back();
  }
  http::ClientRequest token_request = MetadataRequest("PUT", endpoint + "/latest/api/token");
  token_request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                                     std::string(kImdsTokenTtlSeconds));
  Result<std::string> token = SendForBody(transport, token_request, "IMDS token");
  if (!token.ok() && token.status().code() == Code::kUnavailable) {
    // Nothing answers: this is not an EC2 instance, so the chain should move on.
    return Status::NotFound(token.status().message());
  }
  RETURN_IF_ERROR(token);
  const std::string session_token(TrimWhitespace(*token));
  http::ClientRequest role_request =
      MetadataRequest("GET", endpoint + std::string(kImdsCredentialsPath));
  role_request.headers.emplace_back("X-aws-ec2-metadata-token", session_token);
  ASSIGN_OR_RETURN(const std::string roles, SendForBody(transport, role_request, "IMDS role"));
  const std::string role(TrimWhitespace(roles.substr(0, roles.find('\n'))));
  if (role.empty()) {
    return Status::NotFound("no IAM role attached to this instance");
  }
  http::ClientRequest credentials_request =
      MetadataRequest("GET", endpoint + std::string(kImdsCredentialsPath) + UrlEncode(role, false));
  credentials_request.headers.emplace_back("X-aws-ec2-metadata-token", session_token);
  ASSIGN_OR_RETURN(const std::string body,
                   SendForBody(transport, credentials_request, "IMDS credentials"));
  return ParseMetadataCredentials(body);
}

}  // namespace

Result<Credentials> ParseMetadataCredentials(std::string_view json) {
  boost::system::error_code error;
  const boost::json::value parsed = boost::json::parse(json, error);
  if (error || !parsed.is_object()) {
    return Status::InvalidArgument("metadata credentials are not a JSON object");
  }
  const boost::json::object& object = parsed.get_object();
  const std::string code = StringField(object, "Code");
  if (!code.empty() && code != "Success") {
    return Status::Unavailable("metadata credentials not ready: Code=", code);
  }
  Credentials out{.access_key_id = StringField(object, "AccessKeyId"),
                  .secret_access_key = StringField(object, "SecretAccessKey"),
                  .session_token = StringField(object, "Token")};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return Status::InvalidArgument("metadata credentials lack AccessKeyId or SecretAccessKey");
  }
  const std::string expiration = StringField(object, "Expiration");
  if (!expiration.empty()) {
    ASSIGN_OR_RETURN(out.expires_at_ms, ParseIso8601Millis(expiration));
  }
  return out;
}

std::unique_ptr<CredentialsProvider> MakeContainerProvider(Environment env,
                                                           http::HttpTransport& transport,
                                                           const Clock& clock) {
  auto fetch = [env = std::move(env), &transport] { return FetchContainer(env, transport); };
  return std::make_unique<RefreshingCredentialsProvider>(
      std::move(fetch), clock, RefreshConfig{.description = "container credentials"});
}

std::unique_ptr<CredentialsProvider> MakeImdsProvider(Environment env,
                                                      http::HttpTransport& transport,
                                                      const Clock& clock) {
  auto fetch = [env = std::move(env), &transport] { return FetchImds(env, transport); };
  return std::make_unique<RefreshingCredentialsProvider>(
      std::move(fetch), clock, RefreshConfig{.description = "instance metadata"});
}

}  // namespace bucketflow::s3
