#include "s3/failure_caching_provider.h"

#include <utility>

namespace bucketflow::s3 {

FailureCachingCredentialsProvider::FailureCachingCredentialsProvider(
    std::unique_ptr<CredentialsProvider> inner, const Clock& clock, int64_t hold_ms)
    : inner_(std::move(inner)), clock_(clock), hold_ms_(hold_ms) {}

bool FailureCachingCredentialsProvider::HoldingFailure() {
  const std::lock_guard<std::mutex> lock(mu_);
  return !last_error_.ok() && clock_.NowMillis() - failed_at_ms_ < hold_ms_;
}

Result<Credentials> FailureCachingCredentialsProvider::Get() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (!last_error_.ok() && clock_.NowMillis() - failed_at_ms_ < hold_ms_) {
      return last_error_;
    }
  }
  // Not under the lock: the inner call may wait on the network for a long time, and callers
  // that arrive meanwhile are the inner provider's to coalesce (single flight).
  Result<Credentials> credentials = inner_->Get();
  const std::lock_guard<std::mutex> lock(mu_);
  if (credentials.ok()) {
    last_error_ = Status::Ok();
  } else {
    last_error_ = credentials.status();
    failed_at_ms_ = clock_.NowMillis();
  }
  return credentials;
}

}  // namespace bucketflow::s3
