#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "s3/credentials.h"
#include "s3/sigv4.h"

namespace bucketflow::s3 {

struct SignerConfig {
  std::string region;   // "us-east-1"
  std::string service;  // "s3", "sts"
  UriRules uri_rules = kDefaultUriRules;
  // S3 requires x-amz-content-sha256 on every header-signed request.
  bool add_content_sha256_header = false;
  // false: attach the session token after signing, unsigned (a few services want that).
  bool sign_session_token = true;
  // Caches derived signing keys per (secret, date): key derivation is 4 HMACs.
  bool cache_signing_keys = true;
};

// The config S3 needs: no path normalisation or re-encoding, x-amz-content-sha256 header.
SignerConfig S3SignerConfig(std::string region);

// The request as it will be sent.
struct RequestToSign {
  std::string_view method;        // "GET"
  std::string_view path;          // As on the request line, already percent-encoded; no query.
  const QueryParams& query;       // Decoded.
  const HeaderList& headers;      // Must include Host.
  std::string_view payload_hash;  // Hex SHA-256 of the body (kEmptyPayloadSha256), or
                                  // kUnsignedPayload.
};

// Signs requests for one region and service. Safe for concurrent use.
class Signer {
 public:
  explicit Signer(SignerConfig config);

  // Header auth. Returns the headers to add to the request: x-amz-date,
  // x-amz-content-sha256 (when configured), x-amz-security-token (when the credentials have
  // one) and Authorization.
  Result<HeaderList> SignHeaders(const RequestToSign& request, const Credentials& credentials,
                                 int64_t unix_seconds) const;

  // Query auth (presigned URL). Returns the X-Amz-* parameters to append to the query.
  // REQUIRES: the caller clamps expires_seconds to its policy; values outside
  // 1..kMaxPresignExpiresSeconds are rejected.
  Result<QueryParams> Presign(const RequestToSign& request, const Credentials& credentials,
                              int64_t unix_seconds, int64_t expires_seconds) const;

 private:
  Status Validate(const RequestToSign& request, const Credentials& credentials) const;
  // Steps 2 to 4: the hex signature of a canonical request.
  std::string SignCanonicalRequest(std::string_view canonical_request, const SigningTime& time,
                                   const Credentials& credentials) const;
  Sha256Digest SigningKey(const Credentials& credentials, std::string_view date) const;

  // Immutable after construction.
  const SignerConfig config_;

  struct CachedKey {
    std::string secret_access_key;
    std::string date;
    Sha256Digest key;
  };
  mutable std::mutex mu_;
  mutable std::vector<CachedKey> cache_;  // GUARDED_BY(mu_)
};

}  // namespace bucketflow::s3
