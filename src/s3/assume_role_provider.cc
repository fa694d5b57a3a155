#include "s3/assume_role_provider.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "core/strings.h"

namespace bucketflow::s3 {
namespace {

Credentials FromTemporary(const TemporaryCredentials& temporary) {
  return Credentials{.access_key_id = temporary.access_key_id,
                     .secret_access_key = temporary.secret_access_key,
                     .session_token = temporary.session_token,
                     .expires_at_ms = temporary.expiration_ms};
}

Status Prefixed(std::string_view source, const Status& status) {
  return Status(status.code(), std::string(source) + ": " + status.message());
}

}  // namespace

RefreshingCredentialsProvider::RefreshingCredentialsProvider(Fetch fetch, const Clock& clock,
                                                             RefreshConfig config)
    : fetch_(std::move(fetch)), clock_(clock), config_(std::move(config)) {}

bool RefreshingCredentialsProvider::IsFreshLocked(int64_t now_ms) const {
  if (!cached_.has_value()) {
    return false;
  }
  return cached_->expires_at_ms == 0 ||
         now_ms < cached_->expires_at_ms - config_.refresh_before_expiry_ms;
}

Result<Credentials> RefreshingCredentialsProvider::OutcomeLocked(int64_t now_ms) const {
  if (last_error_.ok() && cached_.has_value()) {
    return *cached_;
  }
  if (cached_.has_value() && now_ms < cached_->expires_at_ms) {
    return *cached_;
  }
  if (last_error_.ok()) {
    return Status::Internal(config_.description, ": no credentials after refresh");
  }
  return last_error_;
}

Result<Credentials> RefreshingCredentialsProvider::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t now_ms = clock_.NowMillis();
  if (IsFreshLocked(now_ms)) {
    return *cached_;
  }
  if (fetching_) {
    const uint64_t generation = generation_;
    done_.wait(lock, [&] { return generation_ != generation; });
    return OutcomeLocked(clock_.NowMillis());
  }
  const bool still_valid = cached_.has_value() && now_ms < cached_->expires_at_ms;
  if (still_valid && !last_error_.ok() &&
      now_ms - last_failure_ms_ < config_.retry_after_failure_ms) {
    return *cached_;
  }
  fetching_ = true;
  lock.unlock();
  Result<Credentials> fetched = fetch_();
  lock.lock();
  fetching_ = false;
  ++generation_;
  if (fetched.ok()) {
    cached_ = std::move(fetched).value();
    last_error_ = Status::Ok();
  } else {
    last_error_ = fetched.status();
    last_failure_ms_ = now_ms;
    if (still_valid) {
      // The message comes from STS or the transport, never from the credentials themselves.
      spdlog::warn("{}: refresh failed, serving cached {} until it expires: {}",
                   config_.description, ToString(*cached_), last_error_.ToString());
    }
  }
  done_.notify_all();
  return OutcomeLocked(clock_.NowMillis());
}

std::unique_ptr<CredentialsProvider> MakeAssumeRoleProvider(CredentialsProvider& base,
                                                            StsClient& sts, const Clock& clock,
                                                            AssumeRoleConfig config) {
  if (config.refresh.description == RefreshConfig{}.description) {
    config.refresh.description = "AssumeRole " + config.role_arn;
  }
  // A margin as long as the session (radosgw allows sessions of a few seconds) would make every
  // S3 call assume the role again; keep at least three quarters of a short session in use.
  config.refresh.refresh_before_expiry_ms = std::min(config.refresh.refresh_before_expiry_ms,
                                                     int64_t{config.duration_seconds} * 1000 / 4);
  const AssumeRoleRequest request{.role_arn = config.role_arn,
                                  .role_session_name = config.role_session_name,
                                  .external_id = config.external_id,
                                  .duration_seconds = config.duration_seconds};
  const std::string description = config.refresh.description;
  auto fetch = [&base, &sts, request, description]() -> Result<Credentials> {
    Result<Credentials> caller = base.Get();
    if (!caller.ok()) {
      return Prefixed(description + ": base credentials", caller.status());
    }
    Result<AssumedRole> role = sts.AssumeRole(request, *caller);
    if (!role.ok()) {
      return Prefixed(description, role.status());
    }
    Credentials credentials = FromTemporary(role->credentials);
    // ToString masks the secret and the token; operators see each refresh and its expiry.
    spdlog::info("{}: assumed, {} expires at {} ms", description, ToString(credentials),
                 credentials.expires_at_ms);
    return credentials;
  };
  return std::make_unique<RefreshingCredentialsProvider>(std::move(fetch), clock,
                                                         std::move(config.refresh));
}

std::unique_ptr<CredentialsProvider> MakeWebIdentityProvider(Environment env,
                                                             std::unique_ptr<StsClient> sts,
                                                             const Clock& clock) {
  // Shared because std::function must be copyable; the provider is its only owner.
  std::shared_ptr<StsClient> client = std::move(sts);
  auto fetch = [env, client, &clock]() -> Result<Credentials> {
    const std::optional<std::string> token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
    const std::optional<std::string> role_arn = env("AWS_ROLE_ARN");
    if (!token_file || token_file->empty() || !role_arn || role_arn->empty()) {
      return Status::NotFound("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN not set");
    }
    Result<std::string> token = ReadCredentialFile(*token_file);
    if (!token.ok()) {
      return Status::FailedPrecondition("web identity token: ", token.status().message());
    }
    const std::string_view trimmed = TrimWhitespace(*token);
    if (trimmed.empty()) {
      return Status::FailedPrecondition("web identity token file ", *token_file, " is empty");
    }
    std::string session = env("AWS_ROLE_SESSION_NAME").value_or("");
    if (session.empty()) {
      session = "bucketflow-" + std::to_string(clock.NowMillis() / 1000);
    }
    Result<AssumedRole> role =
        client->AssumeRoleWithWebIdentity({.role_arn = *role_arn,
                                           .role_session_name = session,
                                           .web_identity_token = std::string(trimmed)});
    if (!role.ok()) {
      return Prefixed("AssumeRoleWithWebIdentity " + *role_arn, role.status());
    }
    return FromTemporary(role->credentials);
  };
  return std::make_unique<RefreshingCredentialsProvider>(
      std::move(fetch), clock, RefreshConfig{.description = "web identity"});
}

}  // namespace bucketflow::s3
