#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "http/client.h"
#include "s3/credentials.h"
#include "s3/signer.h"
#include "s3/sigv4.h"
#include "s3/sts_xml.h"

namespace bucketflow::s3 {

inline constexpr std::string_view kStsApiVersion = "2011-06-15";
inline constexpr std::string_view kGlobalStsEndpoint = "https://sts.amazonaws.com";

// "https://sts.<region>.amazonaws.com"; the global endpoint for an empty region.
std::string StsEndpointForRegion(std::string_view region);

// application/x-www-form-urlencoded, but with spaces as %20 and never '+': radosgw does not
// decode '+'. Every byte but A-Z a-z 0-9 - _ . ~ is percent-encoded.
std::string FormEncode(const QueryParams& params);

struct StsConfig {
  // Scheme, host and optional port (and path): "https://sts.eu-west-1.amazonaws.com",
  // "http://127.0.0.1:8000" for radosgw.
  std::string endpoint = std::string(kGlobalStsEndpoint);
  // The region SigV4 signs for.
  std::string region = "us-east-1";
  // Attempts per call, including the first; throttling, 5xx and connection errors are retried.
  int max_attempts = 4;
  // Full-jitter exponential backoff: attempt n waits random(0, min(max, base * 2^n)).
  int64_t backoff_base_ms = 200;
  int64_t backoff_max_ms = 5000;
  int connect_timeout_ms = 3000;
  int idle_timeout_ms = 10000;
};

// The waits between retries, injected so tests are instant and deterministic.
struct RetryHooks {
  // Blocks for this many milliseconds. Default: std::this_thread::sleep_for.
  std::function<void(int64_t ms)> sleep = {};
  // A uniform number in [0, 1). Default: a mutex-guarded PRNG.
  std::function<double()> random = {};
};

struct AssumeRoleRequest {
  std::string role_arn = {};
  std::string role_session_name = {};
  std::string external_id = {};  // Omitted from the request when empty.
  int duration_seconds = 3600;
};

struct WebIdentityRequest {
  std::string role_arn = {};
  std::string role_session_name = {};
  std::string web_identity_token = {};  // A secret: never logged.
  int duration_seconds = 3600;
};

// Calls STS over its query API (form POST). Safe for concurrent use. Errors carry STS's code,
// message and request id: kPermissionDenied for AccessDenied, kUnavailable for throttling, 5xx
// and connection errors (after the retries), kInvalidArgument otherwise.
class StsClient {
 public:
  // `transport` and `clock` must outlive the client.
  StsClient(StsConfig config, http::HttpTransport& transport, const Clock& clock,
            RetryHooks hooks = {});

  // Signed with `caller` (service "sts").
  Result<AssumedRole> AssumeRole(const AssumeRoleRequest& request, const Credentials& caller);
  // Unsigned: the token is the authentication.
  Result<AssumedRole> AssumeRoleWithWebIdentity(const WebIdentityRequest& request);

 private:
  // Sends the form with retries; returns the body of the 2xx response.
  Result<std::string> Call(std::string_view action, const std::string& form,
                           const Credentials* caller);
  Result<http::ClientRequest> BuildRequest(const std::string& form,
                                           const Credentials* caller) const;
  int64_t BackoffMs(int attempt);

  // Immutable after construction.
  const StsConfig config_;
  http::HttpTransport& transport_;
  const Clock& clock_;
  const Signer signer_;
  RetryHooks hooks_;

  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // GUARDED_BY(rng_mu_); only for the default RetryHooks::random.
};

}  // namespace bucketflow::s3
