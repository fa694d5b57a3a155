#include "s3/signer.h"

#include <algorithm>
#include <utility>

#include "core/strings.h"

// Header and query auth built from the per-step functions in sigv4.h; the step numbers match
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.
namespace bucketflow::s3 {
namespace {

// A handful of live (secret, date) pairs at most: one per credential in rotation.
constexpr size_t kMaxCachedKeys = 8;

bool HasHeader(const HeaderList& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return EqualsIgnoreCase(header.first, name); });
}

bool HasParam(const QueryParams& query, std::string_view key) {
  return std::any_of(query.begin(), query.end(),
                     [&](const auto& param) { return EqualsIgnoreCase(param.first, key); });
}

// A caller-supplied auth parameter would be signed and then duplicated by ours.
Status CheckNoAuthParams(const QueryParams& query) {
  for (std::string_view owned :
       {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Security-Token", "X-Amz-Signature"}) {
    if (HasParam(query, owned)) {
      return Status::InvalidArgument("presign request already has a ", owned, " parameter");
    }
  }
  return Status::Ok();
}

std::string BuildCanonicalRequest(const RequestToSign& request, const CanonicalHeaders& headers,
                                  std::string_view canonical_query, UriRules uri_rules) {
  return CanonicalRequest({.method = request.method,
                           .canonical_uri = CanonicalUri(request.path, uri_rules),
                           .canonical_query = canonical_query,
                           .headers = headers,
                           .payload_hash = request.payload_hash});
}

}  // namespace

SignerConfig S3SignerConfig(std::string region) {
  return SignerConfig{.region = std::move(region),
                      .service = "s3",
                      .uri_rules = kS3UriRules,
                      .add_content_sha256_header = true};
}

Signer::Signer(SignerConfig config) : config_(std::move(config)) {}

Status Signer::Validate(const RequestToSign& request, const Credentials& credentials) const {
  if (config_.region.empty() || config_.service.empty()) {
    return Status::InvalidArgument("SigV4 signer needs a region and a service");
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("SigV4 credentials lack an access key id or secret key");
  }
  if (request.method.empty()) {
    return Status::InvalidArgument("SigV4 request has no method");
  }
  if (!request.path.empty() && request.path.front() != '/') {
    return Status::InvalidArgument("SigV4 request path must start with '/'");
  }
  if (request.payload_hash.empty()) {
    return Status::InvalidArgument("SigV4 request has no payload hash");
  }
  if (!HasHeader(request.headers, "host")) {
    return Status::InvalidArgument("SigV4 request has no Host header");
  }
  for (std::string_view owned : {"authorization", "x-amz-date", "x-amz-security-token"}) {
    if (HasHeader(request.headers, owned)) {
      return Status::InvalidArgument("SigV4 request already has a ", owned, " header");
    }
  }
  return Status::Ok();
}

Sha256Digest Signer::SigningKey(const Credentials& credentials, std::string_view date) const {
  const SigningKeyParts parts{.secret_access_key = credentials.secret_access_key,
                              .date = date,
                              .region = config_.region,
                              .service = config_.service};
  if (!config_.cache_signing_keys) {
    return DeriveSigningKey(parts);
  }
  {
    std::lock_guard lock(mu_);
    for (const CachedKey& entry : cache_) {
      if (entry.date == date && entry.secret_access_key == credentials.secret_access_key) {
        return entry.key;
      }
    }
  }
  // Derive outside the lock; a racing thread may derive the same key, which is harmless.
  const Sha256Digest key = DeriveSigningKey(parts);
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) {
    // Keys are only valid for their date: older dates go first, then everything.
    std::erase_if(cache_, [&](const CachedKey& entry) { return entry.date != date; });
    if (cache_.size() >= kMaxCachedKeys) {
      cache_.clear();
    }
  }
  cache_.push_back(
      {.secret_access_key = credentials.secret_access_key, .date = std::string(date), .key = key});
  return key;
}

std::string Signer::SignCanonicalRequest(std::string_view canonical_request,
                                         const SigningTime& time,
                                         const Credentials& credentials) const {
  // Step 2: string to sign.
  const std::string scope = CredentialScope(time.date, config_.region, config_.service);
  const std::string string_to_sign = StringToSign(time.amz_date, scope, canonical_request);
  // Steps 3 and 4: signing key and signature.
  return Signature(SigningKey(credentials, time.date), string_to_sign);
}

Result<HeaderList> Signer::SignHeaders(const RequestToSign& request, const Credentials& credentials,
                                       int64_t unix_seconds) const {
  RETURN_IF_ERROR(Validate(request, credentials));
  if (config_.add_content_sha256_header && HasHeader(request.headers, "x-amz-content-sha256")) {
    return Status::InvalidArgument("SigV4 request already has an x-amz-content-sha256 header");
  }
  ASSIGN_OR_RETURN(const SigningTime time, FormatSigningTime(unix_seconds));

  HeaderList added{{"X-Amz-Date", time.amz_date}};
  if (config_.add_content_sha256_header) {
    added.emplace_back("X-Amz-Content-SHA256", std::string(request.payload_hash));
  }
  const bool has_token = !credentials.session_token.empty();
  if (has_token && config_.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  HeaderList all_headers = request.headers;
  all_headers.insert(all_headers.end(), added.begin(), added.end());

  // Step 1: canonical request.
  const CanonicalHeaders headers = CanonicalizeHeaders(all_headers);
  const std::string canonical_request = BuildCanonicalRequest(
      request, headers, CanonicalQueryString(request.query), config_.uri_rules);
  // Steps 2 to 4.
  const std::string scope = CredentialScope(time.date, config_.region, config_.service);
  const std::string signature = SignCanonicalRequest(canonical_request, time, credentials);
  // Step 5: attach.
  if (has_token && !config_.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  added.emplace_back("Authorization", AuthorizationHeader(credentials.access_key_id, scope,
                                                          headers.signed_headers, signature));
  return added;
}

Result<QueryParams> Signer::Presign(const RequestToSign& request, const Credentials& credentials,
                                    int64_t unix_seconds, int64_t expires_seconds) const {
  RETURN_IF_ERROR(Validate(request, credentials));
  if (expires_seconds < 1 || expires_seconds > kMaxPresignExpiresSeconds) {
    return Status::InvalidArgument("presign expiry ", expires_seconds, "s is outside 1..",
                                   kMaxPresignExpiresSeconds, "s");
  }
  RETURN_IF_ERROR(CheckNoAuthParams(request.query));
  ASSIGN_OR_RETURN(const SigningTime time, FormatSigningTime(unix_seconds));

  // Step 1: canonical request; the auth parameters are part of the signed query.
  const CanonicalHeaders headers = CanonicalizeHeaders(request.headers);
  const std::string scope = CredentialScope(time.date, config_.region, config_.service);
  QueryParams added{
      {"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
      {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
      {"X-Amz-Date", time.amz_date},
      {"X-Amz-Expires", std::to_string(expires_seconds)},
      {"X-Amz-SignedHeaders", headers.signed_headers},
  };
  const bool has_token = !credentials.session_token.empty();
  if (has_token && config_.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  QueryParams all_params = request.query;
  all_params.insert(all_params.end(), added.begin(), added.end());
  const std::string canonical_request =
      BuildCanonicalRequest(request, headers, CanonicalQueryString(all_params), config_.uri_rules);
  // Steps 2 to 4.
  std::string signature = SignCanonicalRequest(canonical_request, time, credentials);
  // Step 5: attach.
  if (has_token && !config_.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  added.emplace_back("X-Amz-Signature", std::move(signature));
  return added;
}

}  // namespace bucketflow::s3
