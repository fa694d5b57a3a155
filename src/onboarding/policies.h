#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

// The documents of DESIGN.md section 2, the bring-your-own-bucket contract: the bucket's CORS
// rule, the role's permission policy and its trust policy. Pure functions; every JSON document
// is compact (no spaces: radosgw does not decode '+' in IAM form bodies) and deterministic.
namespace bucketflow::onboarding {

inline constexpr std::string_view kPolicyVersion = "2012-10-17";
inline constexpr int kCorsMaxAgeSeconds = 3600;

// S3's naming rules for general-purpose buckets: 3..63 characters of a-z 0-9 '.' '-', starting
// and ending with a letter or digit, no "..", ".-" or "-.", not an IPv4 address, none of AWS's
// reserved prefixes ("xn--", "sthree-", "amzn-s3-demo-") or suffixes ("-s3alias", "--ol-s3",
// ".mrap", "--x-s3", "--table-s3"). The error names the rule broken.
Status ValidateBucketName(std::string_view name);

// "" (any origin) or exactly scheme://host[:port] with scheme http or https and no path, query
// or trailing '/': what a browser sends as its Origin header.
Status ValidateUiOrigin(std::string_view ui_origin);

// s3:ListBucket on arn:aws:s3:::BUCKET; s3:PutObject, s3:GetObject, s3:DeleteObject on
// arn:aws:s3:::BUCKET/*; with `allow_abort_multipart`, a third statement allowing
// s3:AbortMultipartUpload on arn:aws:s3:::BUCKET/*.
// REQUIRES: ValidateBucketName(bucket).ok()
std::string PermissionPolicyJson(std::string_view bucket, bool allow_abort_multipart);

// Lets `principal_arn` call sts:AssumeRole only with Condition StringEquals sts:ExternalId.
std::string TrustPolicyJson(std::string_view principal_arn, std::string_view external_id);

// The same trust policy without the sts:ExternalId condition. Only for endpoints that reject
// every AssumeRole when the condition is present (radosgw): the role is then open to the
// confused-deputy problem, and callers must say so.
std::string TrustPolicyJsonWithoutExternalId(std::string_view principal_arn);

// [{"AllowedHeaders":["*"],"AllowedMethods":["GET"],"AllowedOrigins":[ORIGIN],
//   "ExposeHeaders":[],"MaxAgeSeconds":3600}] with ORIGIN = ui_origin, or "*" when it is "".
// REQUIRES: ValidateUiOrigin(ui_origin).ok()
std::string CorsRulesJson(std::string_view ui_origin);

// The same rule as S3's PutBucketCors body (<CORSConfiguration>).
// REQUIRES: ValidateUiOrigin(ui_origin).ok() (it admits nothing that needs XML escaping)
std::string CorsConfigurationXml(std::string_view ui_origin);

// A 12-digit account id -> "arn:aws:iam::ID:root"; an IAM principal ARN
// ("arn:PARTITION:iam::ACCOUNT:root|user/..|role/..", ACCOUNT may be empty as on radosgw) is
// returned unchanged. Anything else is kInvalidArgument.
Result<std::string> PrincipalArnFor(std::string_view account_id_or_arn);

// 32 lowercase hex characters (128 bits) from OpenSSL's CSPRNG: a valid sts:ExternalId.
std::string GenerateExternalId();

// Checks a caller-supplied External ID against STS's rules: 2..1224 characters of
// [A-Za-z0-9+=,.@:/_-].
Status ValidateExternalId(std::string_view external_id);

}  // namespace bucketflow::onboarding
