#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "core/clock.h"
#include "core/status.h"
#include "s3/credentials_provider.h"

namespace bucketflow::s3 {

// Remembers a failure of `inner` for `hold_ms`: calls in that window get the same error at once
// instead of calling `inner` again. In front of an AssumeRole provider it turns a hanging or
// refusing STS into one slow call per window instead of one per request. Successes are not
// cached here (the inner provider caches credentials). Safe for concurrent use.
class FailureCachingCredentialsProvider final : public CredentialsProvider {
 public:
  static constexpr int64_t kDefaultHoldMs = 10 * 1000;

  // `clock` must outlive the provider.
  FailureCachingCredentialsProvider(std::unique_ptr<CredentialsProvider> inner, const Clock& clock,
                                    int64_t hold_ms = kDefaultHoldMs);
  Result<Credentials> Get() override;
  // Whether Get() would now answer a remembered failure without calling `inner`.
  bool HoldingFailure();

 private:
  // Immutable after construction
  const std::unique_ptr<CredentialsProvider> inner_;
  const Clock& clock_;
  const int64_t hold_ms_;

  std::mutex mu_;
  Status last_error_;         // GUARDED_BY(mu_); ok: no failure remembered
  int64_t failed_at_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace bucketflow::s3
