#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "s3/credentials.h"

// AWS Signature Version 4, as free functions per phase of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html, plus the two
// ways of attaching a signature (Authorization header, presigned query). All functions are
// pure and safe for concurrent use.
namespace bucketflow::s3 {

// (name, value) pairs in request order; names may repeat.
using HeaderList = std::vector<std::pair<std::string, std::string>>;
// Decoded (key, value) query parameters in request order; keys may repeat.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Presigned URLs may live at most 7 days.
inline constexpr int64_t kMaxPresignExpiresSeconds = 7 * 24 * 3600;

// How the path enters the canonical URI. Every service but S3 removes dot segments and
// duplicate slashes, then URI-encodes the (already encoded) path again; S3 signs the path
// exactly as sent.
struct UriRules {
  bool normalize = true;
  bool encode = true;
};
inline constexpr UriRules kDefaultUriRules{.normalize = true, .encode = true};
inline constexpr UriRules kS3UriRules{.normalize = false, .encode = false};

// The request timestamp in both SigV4 forms.
struct SigningTime {
  std::string amz_date;  // "20150830T123600Z"
  std::string date;      // "20150830"
};
// Fails for times outside years 1970..9999.
Result<SigningTime> FormatSigningTime(int64_t unix_seconds);

// --- Step 1: canonical request -----------------------------------------------------------------

// URI-encodes per AWS: every byte but A-Z a-z 0-9 - _ . ~ becomes %XX (uppercase hex); '/' is
// kept when `keep_slash`.
std::string UriEncode(std::string_view in, bool keep_slash);
// `path` is the path as sent on the request line (without the query). Empty becomes "/".
std::string CanonicalUri(std::string_view path, UriRules rules);
// Keys and values URI-encoded, pairs sorted by encoded key then encoded value.
std::string CanonicalQueryString(const QueryParams& params);

struct CanonicalHeaders {
  std::string canonical;       // "name:value\n" per header, sorted by name
  std::string signed_headers;  // "host;x-amz-date"
};
// Lowercases and trims names, trims values and collapses whitespace runs to one space, joins
// repeated names with ',' in request order, and drops headers AWS clients never sign
// (user-agent, expect, x-amzn-trace-id, authorization).
CanonicalHeaders CanonicalizeHeaders(const HeaderList& headers);

struct CanonicalRequestParts {
  std::string_view method;
  std::string_view canonical_uri;
  std::string_view canonical_query;
  const CanonicalHeaders& headers;
  std::string_view payload_hash;  // Hex SHA-256 of the body, or kUnsignedPayload.
};
std::string CanonicalRequest(const CanonicalRequestParts& parts);

// --- Step 2: string to sign --------------------------------------------------------------------

// "20150830/us-east-1/service/aws4_request"
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);
std::string StringToSign(std::string_view amz_date, std::string_view credential_scope,
                         std::string_view canonical_request);

// --- Step 3: signing key -----------------------------------------------------------------------

struct SigningKeyParts {
  std::string_view secret_access_key;
  std::string_view date;  // "20150830"
  std::string_view region;
  std::string_view service;
};
// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request". A secret: never log.
Sha256Digest DeriveSigningKey(const SigningKeyParts& parts);

// --- Step 4: signature -------------------------------------------------------------------------

// Lowercase hex HMAC-SHA256 of the string to sign.
std::string Signature(const Sha256Digest& signing_key, std::string_view string_to_sign);

// --- Step 5: attach ----------------------------------------------------------------------------

// "AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex"
std::string AuthorizationHeader(std::string_view access_key_id, std::string_view credential_scope,
                                std::string_view signed_headers, std::string_view signature);

}  // namespace bucketflow::s3
