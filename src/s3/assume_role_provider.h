#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "s3/credential_providers.h"
#include "s3/credentials_provider.h"
#include "s3/sts_client.h"

namespace bucketflow::s3 {

struct RefreshConfig {
  // Refresh when less than this remains before the credentials expire.
  int64_t refresh_before_expiry_ms = 5 * 60 * 1000;
  // After a failed refresh, keep serving still-valid credentials this long before trying again,
  // so a failing STS is not called on every request.
  int64_t retry_after_failure_ms = 10 * 1000;
  // Names the source in warnings: "AssumeRole arn:aws:iam::1:role/x".
  std::string description = "credentials";
};

// Caches the credentials a fetch function returns and fetches again shortly before they
// expire. Single flight: one fetch at a time; concurrent callers wait for its result. When a
// refresh fails while the cached credentials are still valid they are served (with a warning
// that names the source, never a secret); once expired, the error is returned. Credentials
// with expires_at_ms == 0 are cached forever. Safe for concurrent use.
class RefreshingCredentialsProvider final : public CredentialsProvider {
 public:
  using Fetch = std::function<Result<Credentials>()>;
  // `clock` must outlive the provider.
  RefreshingCredentialsProvider(Fetch fetch, const Clock& clock, RefreshConfig config = {});
  Result<Credentials> Get() override;

 private:
  bool IsFreshLocked(int64_t now_ms) const;
  // What callers get once the latest fetch has finished.
  Result<Credentials> OutcomeLocked(int64_t now_ms) const;

  // Immutable after construction.
  const Fetch fetch_;
  const Clock& clock_;
  const RefreshConfig config_;

  mutable std::mutex mu_;
  std::condition_variable done_;
  std::optional<Credentials> cached_;  // GUARDED_BY(mu_)
  Status last_error_;                  // GUARDED_BY(mu_); of the latest fetch
  int64_t last_failure_ms_ = 0;        // GUARDED_BY(mu_)
  bool fetching_ = false;              // GUARDED_BY(mu_)
  uint64_t generation_ = 0;            // GUARDED_BY(mu_); counts finished fetches
};

struct AssumeRoleConfig {
  std::string role_arn = {};
  std::string external_id = {};
  std::string role_session_name = {};
  int duration_seconds = 3600;
  RefreshConfig refresh = {};
};

// Temporary credentials for a role, assumed with the base provider's credentials and cached
// until shortly before they expire (see RefreshingCredentialsProvider). `base`, `sts` and
// `clock` must outlive the provider. Safe for concurrent use.
std::unique_ptr<CredentialsProvider> MakeAssumeRoleProvider(CredentialsProvider& base,
                                                            StsClient& sts, const Clock& clock,
                                                            AssumeRoleConfig config);

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME] ->
// AssumeRoleWithWebIdentity, re-reading the token file on every refresh (it is rotated).
// kNotFound when the variables are unset. `clock` must outlive the provider.
std::unique_ptr<CredentialsProvider> MakeWebIdentityProvider(Environment env,
                                                             std::unique_ptr<StsClient> sts,
                                                             const Clock& clock);

}  // namespace bucketflow::s3
