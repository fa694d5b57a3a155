#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace bucketflow::s3 {

// Parsers for STS and IAM query-API responses. Pure functions. Error messages never contain
// the secret key or the session token. AWS wraps results in <...Response xmlns=...> with
// <ResponseMetadata>; radosgw omits both the namespace and (for STS) the metadata.

struct TemporaryCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  int64_t expiration_ms = 0;  // epoch milliseconds
};

struct AssumedRole {
  TemporaryCredentials credentials;
  std::string assumed_role_arn;  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
  std::string assumed_role_id;   // "ROLEID:SESSION"; may be empty
};

// Parses <AssumeRoleResponse>.
Result<AssumedRole> ParseAssumeRoleResponse(std::string_view xml);

// Parses <AssumeRoleWithWebIdentityResponse>; the same credentials shape as AssumeRole.
Result<AssumedRole> ParseAssumeRoleWithWebIdentityResponse(std::string_view xml);

struct RoleInfo {
  std::string arn;
  std::string role_name;
  std::string role_id;
};

// Parses IAM <GetRoleResponse> or <CreateRoleResponse> (both carry <Result><Role>).
Result<RoleInfo> ParseGetRoleResponse(std::string_view xml);
Result<RoleInfo> ParseCreateRoleResponse(std::string_view xml);

}  // namespace bucketflow::s3
