#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/client.h"
#include "s3/sigv4.h"

// Pure helpers for building S3 requests and reading S3 responses; S3Client composes them.
namespace bucketflow::s3 {

// An endpoint URL split into what requests need: "http://127.0.0.1:17580".
struct Endpoint {
  std::string scheme;     // "http" or "https"
  std::string host;       // "127.0.0.1", "s3.us-east-1.amazonaws.com"
  std::string authority;  // host plus ":port" when the port is not the scheme's default
};

// Accepts "scheme://host[:port]" with an optional trailing '/'; no path, query, or user info.
Result<Endpoint> ParseEndpoint(std::string_view url);

// True for AWS's own S3 endpoints ("s3.amazonaws.com", "s3.<region>.amazonaws.com", ...).
bool IsAwsEndpoint(const Endpoint& endpoint);

// Bucket names S3 accepts: 3..63 of [a-z0-9.-], starting and ending with a letter or digit.
// Legacy and radosgw buckets may also hold '_' and capitals, so those are allowed too.
Status ValidateBucketName(std::string_view bucket);
// Keys are 1..1024 bytes of UTF-8.
Status ValidateKey(std::string_view key);
// Whether the bucket can be a DNS label in front of the endpoint host (and still match a
// wildcard TLS certificate): lowercase letters, digits and '-', no dots.
bool IsVirtualHostCompatible(std::string_view bucket);

// Percent-encodes a key per path segment, '/' kept, exactly once (AWS's UriEncode rules).
std::string EncodeKey(std::string_view key);

// Host header and encoded path of one request, in either addressing style.
struct Target {
  std::string host;
  std::string path;  // "/bucket/a%20b" or "/a%20b"; what is sent is what is signed
};
Target ResolveTarget(const Endpoint& endpoint, bool virtual_hosted, std::string_view bucket,
                     std::string_view key);

// "a=1&uploads" from decoded params, encoded with the same rules the signer uses.
std::string EncodeQuery(const QueryParams& params);
// scheme://host + path [+ '?' + query].
std::string BuildUrl(const Endpoint& endpoint, const Target& target, const QueryParams& query);

// The first header with this name (case-insensitive).
std::optional<std::string_view> FindHeader(const http::Headers& headers, std::string_view name);

// The Status for a non-2xx response. Parses either XML error shape when there is a body; HEAD
// answers have none, so those map by HTTP status. 5xx and 429 are always kUnavailable; the
// message carries the S3 code, message and request id.
Status ErrorFromResponse(const http::ClientResponse& response);

// RFC 7231 IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT") to epoch milliseconds.
Result<int64_t> ParseHttpDate(std::string_view text);

}  // namespace bucketflow::s3
