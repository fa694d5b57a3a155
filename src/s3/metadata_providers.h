#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "s3/credential_providers.h"
#include "s3/credentials_provider.h"

namespace bucketflow::s3 {

inline constexpr std::string_view kContainerCredentialsHost = "http://169.254.170.2";
inline constexpr std::string_view kImdsEndpoint = "http://169.254.169.254";
// Metadata services are local: a slow answer means there is none.
inline constexpr int kMetadataTimeoutMs = 1000;

// Parses the JSON both metadata services return: {"AccessKeyId", "SecretAccessKey", "Token",
// "Expiration"} (IMDS adds "Code": "Success"). Errors never quote the secrets.
Result<Credentials> ParseMetadataCredentials(std::string_view json);

// Container credentials (ECS, EKS Pod Identity): GET
// 169.254.170.2 + AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or AWS_CONTAINER_CREDENTIALS_FULL_URI
// (https, or http to a loopback or the ECS/EKS link-local hosts only), with the
// Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN or the file named by
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on every refresh). kNotFound when neither
// URI variable is set. Cached until shortly before expiry. `transport` and `clock` must
// outlive the provider.
std::unique_ptr<CredentialsProvider> MakeContainerProvider(Environment env,
                                                           http::HttpTransport& transport,
                                                           const Clock& clock);

// EC2 instance metadata, IMDSv2: PUT /latest/api/token (6 h TTL), then GET the role name and
// its credentials under /latest/meta-data/iam/security-credentials/. The endpoint is
// AWS_EC2_METADATA_SERVICE_ENDPOINT or 169.254.169.254; AWS_EC2_METADATA_DISABLED=true turns
// it off. kNotFound when disabled or unreachable (not on EC2). Cached until shortly before
// expiry. `transport` and `clock` must outlive the provider.
std::unique_ptr<CredentialsProvider> MakeImdsProvider(Environment env,
                                                      http::HttpTransport& transport,
                                                      const Clock& clock);

}  // namespace bucketflow::s3
