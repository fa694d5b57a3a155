#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "s3/credentials_provider.h"
#include "s3/retry.h"
#include "s3/signer.h"

namespace bucketflow::s3 {

inline constexpr std::string_view kIamApiVersion = "2010-05-08";
inline constexpr std::string_view kGlobalIamEndpoint = "https://iam.amazonaws.com";

struct IamConfig {
  // scheme://host[:port]: https://iam.amazonaws.com, or radosgw's S3 endpoint.
  std::string endpoint = std::string(kGlobalIamEndpoint);
  // IAM is global; AWS signs it for us-east-1.
  std::string region = "us-east-1";
  RetryPolicy retry = {};
  int connect_timeout_ms = 5000;
  int idle_timeout_ms = 30000;
};

struct IamRole {
  std::string arn;  // as the endpoint reports it: radosgw leaves the account empty
  std::string role_name;
  std::string role_id;
  std::string assume_role_policy_document;  // JSON, URL-decoded when AWS encodes it
};

struct IamPolicy {
  std::string arn;
  std::string policy_name;
  std::string default_version_id;
};

struct AttachedPolicy {
  std::string policy_name;
  std::string policy_arn;
};

// Calls IAM's query API (form POST, Version 2010-05-08, SigV4 service "iam") with the caller's
// credentials. Safe for concurrent use. Errors carry IAM's code, message and request id:
// NoSuchEntity is kNotFound, EntityAlreadyExists kAlreadyExists, AccessDenied
// kPermissionDenied, NotImplemented / MethodNotAllowed / HTTP 405 and 501 (radosgw has no
// managed policies) kUnimplemented, throttling, 5xx and connection errors kUnavailable after
// the retries, anything else kInvalidArgument. Policy documents are sent as given (send
// compact JSON: radosgw rejects spaces encoded as '+', and this client encodes them as %20).
class IamClient {
 public:
  // Fails for an endpoint that is not scheme://host[:port] or an invalid retry policy.
  // `transport`, `credentials` and `clock` must outlive the client.
  static Result<std::unique_ptr<IamClient>> Create(IamConfig config, http::HttpTransport& transport,
                                                   CredentialsProvider& credentials,
                                                   const Clock& clock);

  Result<IamRole> GetRole(std::string_view role_name);
  Result<IamRole> CreateRole(std::string_view role_name, std::string_view trust_policy_json,
                             std::string_view description);
  Status UpdateAssumeRolePolicy(std::string_view role_name, std::string_view trust_policy_json);

  // Inline role policies. GetRolePolicy returns the (URL-decoded) document.
  Result<std::string> GetRolePolicy(std::string_view role_name, std::string_view policy_name);
  Status PutRolePolicy(std::string_view role_name, std::string_view policy_name,
                       std::string_view policy_json);
  Status DeleteRolePolicy(std::string_view role_name, std::string_view policy_name);

  // Managed policies.
  Result<IamPolicy> CreatePolicy(std::string_view policy_name, std::string_view policy_json);
  Result<IamPolicy> GetPolicy(std::string_view policy_arn);
  // The (URL-decoded) document of one version of a managed policy.
  Result<std::string> GetPolicyVersion(std::string_view policy_arn, std::string_view version_id);
  // Makes `policy_json` the policy's default version.
  Status CreatePolicyVersion(std::string_view policy_arn, std::string_view policy_json);
  Status AttachRolePolicy(std::string_view role_name, std::string_view policy_arn);
  // Every page.
  Result<std::vector<AttachedPolicy>> ListAttachedRolePolicies(std::string_view role_name);

 private:
  IamClient(IamConfig config, std::string url, std::string host, http::HttpTransport& transport,
            CredentialsProvider& credentials, const Clock& clock);

  // Sends the form with retries; returns the body of the 2xx response.
  Result<std::string> Call(const QueryParams& params);
  Result<http::ClientRequest> BuildRequest(const std::string& form);

  // Immutable after construction.
  const IamConfig config_;
  const std::string url_;   // "https://iam.amazonaws.com/"
  const std::string host_;  // "iam.amazonaws.com", or "127.0.0.1:7480"
  const Signer signer_;
  http::HttpTransport& transport_;
  CredentialsProvider& credentials_;
  const Clock& clock_;
};

// "https://iam.amazonaws.com" unless a flag or AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL says
// otherwise: the first non-empty of `flag`, `env_iam`, `env_any`.
std::string ResolveIamEndpoint(std::string_view flag, std::string_view env_iam,
                               std::string_view env_any);

}  // namespace bucketflow::s3
