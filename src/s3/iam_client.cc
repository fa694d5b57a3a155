#include "s3/iam_client.h"

#include <pugixml.hpp>
#include <utility>

#include "core/crypto.h"
#include "core/strings.h"
#include "s3/s3_request.h"
#include "s3/sts_client.h"
#include "s3/xml.h"
#include "s3/xml_internal.h"

// The query API: https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf ("Making Query
// requests"). Shapes of the results: API_GetRole.html, API_CreatePolicy.html,
// API_ListAttachedRolePolicies.html. radosgw answers in the same shapes without a namespace,
// sends errors in S3's <Error> shape and answers 405 for the managed-policy actions.

namespace bucketflow::s3 {
namespace {

constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";

bool IsUnimplemented(int http_status, std::string_view code) {
  return http_status == 405 || http_status == 501 || code == "NotImplemented" ||
         code == "MethodNotAllowed" || code == "UnsupportedOperation";
}

// A non-2xx answer as a Status; see the class comment for the mapping.
Status ErrorStatus(std::string_view action, const http::ClientResponse& response) {
  const std::string prefix =
      "IAM " + std::string(action) + " failed (HTTP " + std::to_string(response.status) + "): ";
  const Result<ServiceError> parsed = ParseServiceError(response.body);
  const std::string code = parsed.ok() ? parsed->code : std::string();
  const std::string detail = parsed.ok() ? ServiceErrorToStatus(*parsed).message()
                                         : "response is not an IAM error document";
  if (IsUnimplemented(response.status, code)) {
    return Status(Code::kUnimplemented, prefix + detail);
  }
  if (response.status >= 500 || response.status == 429) {
    return Status(Code::kUnavailable, prefix + detail);
  }
  if (code == "EntityAlreadyExists") {
    return Status(Code::kAlreadyExists, prefix + detail);
  }
  const Code mapped = parsed.ok() ? ServiceErrorToStatus(*parsed).code() : Code::kInvalidArgument;
  return Status(mapped, prefix + detail);
}

// AWS URL-encodes policy documents in its answers (RFC 3986); radosgw does not.
Result<std::string> DecodeDocument(std::string text) {
  const std::string_view trimmed = TrimWhitespace(text);
  if (trimmed.empty() || trimmed.front() == '{') {
    return std::string(trimmed);
  }
  std::optional<std::string> decoded = UrlDecode(trimmed, /*plus_as_space=*/false);
  if (!decoded) {
    return Status::InvalidArgument("malformed IAM policy document: bad percent-encoding");
  }
  return *std::move(decoded);
}

// <ACTIONResponse><ACTIONResult> of a successful call.
Result<XmlDocument> ParseResult(std::string_view body, std::string_view action,
                                pugi::xml_node& result) {
  const std::string what = std::string(action) + " response";
  ASSIGN_OR_RETURN(XmlDocument doc, ParseXml(body, std::string(action) + "Response", what));
  result = XmlChild(doc.root, std::string(action) + "Result");
  if (!result) {
    return Status::InvalidArgument("malformed ", what, ": missing <", action, "Result>");
  }
  return doc;
}

Result<IamRole> ParseRole(std::string_view body, std::string_view action) {
  pugi::xml_node result;
  ASSIGN_OR_RETURN(const XmlDocument doc, ParseResult(body, action, result));
  const pugi::xml_node role = XmlChild(result, "Role");
  const std::string what = std::string(action) + " response";
  IamRole out;
  ASSIGN_OR_RETURN(out.arn, XmlRequiredText(role, "Arn", what));
  out.role_name = XmlChildText(role, "RoleName");
  out.role_id = XmlChildText(role, "RoleId");
  ASSIGN_OR_RETURN(out.assume_role_policy_document,
                   DecodeDocument(XmlChildText(role, "AssumeRolePolicyDocument")));
  return out;
}

Result<IamPolicy> ParsePolicy(std::string_view body, std::string_view action) {
  pugi::xml_node result;
  ASSIGN_OR_RETURN(const XmlDocument doc, ParseResult(body, action, result));
  const pugi::xml_node policy = XmlChild(result, "Policy");
  IamPolicy out;
  ASSIGN_OR_RETURN(out.arn, XmlRequiredText(policy, "Arn", std::string(action) + " response"));
  out.policy_name = XmlChildText(policy, "PolicyName");
  out.default_version_id = XmlChildText(policy, "DefaultVersionId");
  return out;
}

QueryParams Params(std::string_view action,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
  QueryParams params{{"Action", std::string(action)}, {"Version", std::string(kIamApiVersion)}};
  for (const auto& [key, value] : args) {
    params.emplace_back(std::string(key), std::string(value));
  }
  return params;
}

}  // namespace

std::string ResolveIamEndpoint(std::string_view flag, std::string_view env_iam,
                               std::string_view env_any) {
  for (const std::string_view candidate : {flag, env_iam, env_any}) {
    if (!candidate.empty()) {
      return std::string(candidate);
    }
  }
  return std::string(kGlobalIamEndpoint);
}

Result<std::unique_ptr<IamClient>> IamClient::Create(IamConfig config,
                                                     http::HttpTransport& transport,
                                                     CredentialsProvider& credentials,
                                                     const Clock& clock) {
  Result<Endpoint> endpoint = ParseEndpoint(config.endpoint);
  if (!endpoint.ok()) {
    return Status::InvalidArgument("IAM endpoint: ", endpoint.status().message());
  }
  RETURN_IF_ERROR(ValidateRetryPolicy(config.retry));
  std::string url = endpoint->scheme + "://" + endpoint->authority + "/";
  std::string host = endpoint->authority;
  return std::unique_ptr<IamClient>(new IamClient(std::move(config), std::move(url),
                                                  std::move(host), transport, credentials, clock));
}

IamClient::IamClient(IamConfig config, std::string url, std::string host,
                     http::HttpTransport& transport, CredentialsProvider& credentials,
                     const Clock& clock)
    : config_(std::move(config)),
      url_(std::move(url)),
      host_(std::move(host)),
      signer_(SignerConfig{.region = config_.region, .service = "iam"}),
      transport_(transport),
      credentials_(credentials),
      clock_(clock) {}

Result<IamRole> IamClient::GetRole(std::string_view role_name) {
  ASSIGN_OR_RETURN(const std::string body, Call(Params("GetRole", {{"RoleName", role_name}})));
  return ParseRole(body, "GetRole");
}

Result<IamRole> IamClient::CreateRole(std::string_view role_name,
                                      std::string_view trust_policy_json,
                                      std::string_view description) {
  QueryParams params = Params(
      "CreateRole", {{"RoleName", role_name}, {"AssumeRolePolicyDocument", trust_policy_json}});
  if (!description.empty()) {
    params.emplace_back("Description", std::string(description));
  }
  ASSIGN_OR_RETURN(const std::string body, Call(params));
  return ParseRole(body, "CreateRole");
}

Status IamClient::UpdateAssumeRolePolicy(std::string_view role_name,
                                         std::string_view trust_policy_json) {
  return Call(Params("UpdateAssumeRolePolicy",
                     {{"RoleName", role_name}, {"PolicyDocument", trust_policy_json}}))
      .status();
}

Result<std::string> IamClient::GetRolePolicy(std::string_view role_name,
                                             std::string_view policy_name) {
  ASSIGN_OR_RETURN(
      const std::string body,
      Call(Params("GetRolePolicy", {{"RoleName", role_name}, {"PolicyName", policy_name}})));
  pugi::xml_node result;
  ASSIGN_OR_RETURN(const XmlDocument doc, ParseResult(body, "GetRolePolicy", result));
  return DecodeDocument(XmlChildText(result, "PolicyDocument"));
}

Status IamClient::PutRolePolicy(std::string_view role_name, std::string_view policy_name,
                                std::string_view policy_json) {
  return Call(Params("PutRolePolicy", {{"RoleName", role_name},
                                       {"PolicyName", policy_name},
                                       {"PolicyDocument", policy_json}}))
      .status();
}

Status IamClient::DeleteRolePolicy(std::string_view role_name, std::string_view policy_name) {
  return Call(Params("DeleteRolePolicy", {{"RoleName", role_name}, {"PolicyName", policy_name}}))
      .status();
}

Result<IamPolicy> IamClient::CreatePolicy(std::string_view policy_name,
                                          std::string_view policy_json) {
  ASSIGN_OR_RETURN(
      const std::string body,
      Call(Params("CreatePolicy", {{"PolicyName", policy_name}, {"PolicyDocument", policy_json}})));
  return ParsePolicy(body, "CreatePolicy");
}

Result<IamPolicy> IamClient::GetPolicy(std::string_view policy_arn) {
  ASSIGN_OR_RETURN(const std::string body, Call(Params("GetPolicy", {{"PolicyArn", policy_arn}})));
  return ParsePolicy(body, "GetPolicy");
}

Result<std::string> IamClient::GetPolicyVersion(std::string_view policy_arn,
                                                std::string_view version_id) {
  ASSIGN_OR_RETURN(
      const std::string body,
      Call(Params("GetPolicyVersion", {{"PolicyArn", policy_arn}, {"VersionId", version_id}})));
  pugi::xml_node result;
  ASSIGN_OR_RETURN(const XmlDocument doc, ParseResult(body, "GetPolicyVersion", result));
  return DecodeDocument(XmlChildText(XmlChild(result, "PolicyVersion"), "Document"));
}

Status IamClient::CreatePolicyVersion(std::string_view policy_arn, std::string_view policy_json) {
  return Call(Params("CreatePolicyVersion", {{"PolicyArn", policy_arn},
                                             {"PolicyDocument", policy_json},
                                             {"SetAsDefault", "true"}}))
      .status();
}

Status IamClient::AttachRolePolicy(std::string_view role_name, std::string_view policy_arn) {
  return Call(Params("AttachRolePolicy", {{"RoleName", role_name}, {"PolicyArn", policy_arn}}))
      .status();
}

Result<std::vector<AttachedPolicy>> IamClient::ListAttachedRolePolicies(
    std::string_view role_name) {
  std::vector<AttachedPolicy> out;
  std::string marker;
  do {
    QueryParams params = Params("ListAttachedRolePolicies", {{"RoleName", role_name}});
    if (!marker.empty()) {
      params.emplace_back("Marker", marker);
    }
    ASSIGN_OR_RETURN(const std::string body, Call(params));
    pugi::xml_node result;
    ASSIGN_OR_RETURN(const XmlDocument doc, ParseResult(body, "ListAttachedRolePolicies", result));
    for (const pugi::xml_node member : XmlChild(result, "AttachedPolicies").children()) {
      out.push_back({.policy_name = XmlChildText(member, "PolicyName"),
                     .policy_arn = XmlChildText(member, "PolicyArn")});
    }
    const bool truncated = TrimWhitespace(XmlChildText(result, "IsTruncated")) == "true";
    marker = truncated ? XmlChildText(result, "Marker") : std::string();
  } while (!marker.empty());
  return out;
}

Result<http::ClientRequest> IamClient::BuildRequest(const std::string& form) {
  ASSIGN_OR_RETURN(const Credentials credentials, credentials_.Get());
  http::ClientRequest request;
  request.method = "POST";
  request.url = url_;
  request.body = form;
  request.connect_timeout_ms = config_.connect_timeout_ms;
  request.idle_timeout_ms = config_.idle_timeout_ms;
  HeaderList headers{{"Host", host_}, {"Content-Type", std::string(kFormContentType)}};
  const QueryParams no_query;
  const std::string payload_hash = Sha256Hex(form);
  ASSIGN_OR_RETURN(HeaderList added, signer_.SignHeaders({.method = "POST",
                                                          .path = "/",
                                                          .query = no_query,
                                                          .headers = headers,
                                                          .payload_hash = payload_hash},
                                                         credentials, clock_.NowMillis() / 1000));
  headers.insert(headers.end(), added.begin(), added.end());
  request.headers = std::move(headers);
  return request;
}

Result<std::string> IamClient::Call(const QueryParams& params) {
  const std::string_view action = params.front().second;
  const std::string form = FormEncode(params);
  Status last;
  for (int attempt = 0; attempt < config_.retry.max_attempts; ++attempt) {
    if (attempt > 0) {
      SleepBeforeRetry(config_.retry, attempt - 1);
    }
    // Signed per attempt: a retry after a long backoff needs a fresh x-amz-date.
    ASSIGN_OR_RETURN(const http::ClientRequest request, BuildRequest(form));
    Result<http::ClientResponse> response = transport_.Send(request);
    if (!response.ok()) {
      last = Status(response.status().code(), "IAM " + std::string(action) + " at " +
                                                  config_.endpoint + ": " +
                                                  response.status().message());
    } else if (response->status >= 200 && response->status < 300) {
      return std::move(response->body);
    } else {
      last = ErrorStatus(action, *response);
    }
    if (!IsRetryable(last)) {
      return last;
    }
  }
  return Status(last.code(), last.message() + " (gave up after " +
                                 std::to_string(config_.retry.max_attempts) + " attempts)");
}

}  // namespace bucketflow::s3
